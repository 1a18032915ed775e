/**
 * Tracebacks as the Coder gets them, from real ipykernel error outputs
 * (test/fixtures/tracebacks.json: pandas, matplotlib, a SyntaxError, an
 * error inside a function defined in the cell).
 */
import { toModelOutput } from '../src/team/outputs';
import type { IRawOutput } from '../src/team/types';

import fixtures from './fixtures/tracebacks.json';

const asModel = (output: IRawOutput) =>
  toModelOutput([output], { maxChars: 0, vision: false }).text;

const raw = (output: IRawOutput) => (output.traceback ?? []).join('\n').length;

describe('tracebacks for the Coder', () => {
  it('keeps the cell’s frame and the exception of a pandas KeyError, not pandas’ internals', () => {
    const text = asModel(fixtures.pandas as IRawOutput);
    expect(text).toBe(
      [
        'Cell In[1], line 5',
        '      1 import pandas as pd',
        '      2 import matplotlib.pyplot as plt',
        "      3 df = pd.read_csv('cars.csv')",
        '      4 print(df.columns.tolist())',
        "----> 5 plt.scatter(df['weight'], df['horsepower'])",
        "      6 plt.savefig('plot.png')",
        '(2 frames inside pandas)',
        "KeyError: 'weight'"
      ].join('\n')
    );
    expect(text.length).toBeLessThan(raw(fixtures.pandas as IRawOutput) / 5);
  });

  it('collapses matplotlib’s frames to one line and keeps its message', () => {
    const text = asModel(fixtures.matplotlib as IRawOutput);
    expect(text).toContain('Cell In[1], line 4');
    expect(text).toContain(
      "----> 4 plt.scatter(cars['Weight_in_lbs'], cars['Horsepower'][:10])"
    );
    expect(text).toMatch(/\(\d+ frames inside matplotlib\)/);
    expect(text.split('\n').pop()).toBe(
      'ValueError: x and y must be the same size'
    );
    expect(text).not.toContain('site-packages');
  });

  it('keeps a SyntaxError with its caret as it is', () => {
    const text = asModel(fixtures.syntax as IRawOutput);
    expect(text).toBe(
      [
        'Cell In[2], line 2',
        "    cars = pd.read_csv('cars.csv'",
        '                      ^',
        "SyntaxError: '(' was never closed"
      ].join('\n')
    );
  });

  it('keeps every frame in the cell, the function’s too, and names where it failed', () => {
    const text = asModel(fixtures.function as IRawOutput);
    expect(text).toContain("----> 5 cars = load('car.csv')");
    expect(text).toContain('Cell In[3], line 3, in load(path)');
    expect(text).toContain('----> 3     return pd.read_csv(path)');
    expect(text).toMatch(/\(\d+ frames inside pandas\)/);
    expect(text.split('\n').pop()).toMatch(
      /^FileNotFoundError: \[Errno 2\] No such file or directory: 'car.csv'/
    );
  });
});
