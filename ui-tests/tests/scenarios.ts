/**
 * Scripted model replies for the UI tests: the seed task on cars.csv.
 * Each agent's replies are served in order by the scripted OpenAI server.
 */

export const TASK =
  'use data from cars.csv and plot the relationship between weight and horsepower; save the plot to a file; print the fields first';

export const PLOT_FILE = 'weight_vs_horsepower.png';

export const LOAD_CELL = `import pandas as pd
import matplotlib.pyplot as plt

cars = pd.read_csv('cars.csv')
print(cars.columns.tolist())`;

/** First draft: a wrong column name, as models often guess. */
export const BUGGY_PLOT_CELL = `plt.scatter(cars['Weight'], cars['Horsepower'])
plt.savefig('${PLOT_FILE}')
plt.show()`;

export const FIXED_PLOT_CELL = `data = cars.dropna(subset=['Weight_in_lbs', 'Horsepower'])
plt.scatter(data['Weight_in_lbs'], data['Horsepower'])
plt.savefig('${PLOT_FILE}')
plt.show()`;

export const REVISED_PLOT_CELL = `data = cars.dropna(subset=['Weight_in_lbs', 'Horsepower'])
fig, ax = plt.subplots(figsize=(7, 5))
ax.scatter(data['Weight_in_lbs'], data['Horsepower'], alpha=0.6)
ax.set_xlabel('Weight (lbs)')
ax.set_ylabel('Horsepower')
ax.set_title('Heavier cars have more horsepower')
fig.savefig('${PLOT_FILE}', dpi=100)
plt.show()`;

export function coderReply(prose: string, cells: string[]): string {
  return [prose, ...cells.map(cell => '```python\n' + cell + '\n```')].join(
    '\n\n'
  );
}

export function criticReply(
  scores: [number, number, number, number, number, number],
  actions: string[]
): string {
  const [bugs, transformation, compliance, type, encoding, aesthetics] = scores;
  return [
    `- **bugs**: ${bugs}/10 - the code runs and saves the plot.`,
    `- **transformation**: ${transformation}/10 - rows with missing values are dropped.`,
    `- **compliance**: ${compliance}/10 - fields are printed first and the plot is saved.`,
    `- **type**: ${type}/10 - a scatter plot suits two quantitative fields.`,
    `- **encoding**: ${encoding}/10 - weight on x, horsepower on y.`,
    `- **aesthetics**: ${aesthetics}/10 - see the actions.`,
    '',
    'Actions:',
    ...actions.map(action => `- ${action}`),
    '',
    '```json',
    JSON.stringify({
      bugs,
      transformation,
      compliance,
      type,
      encoding,
      aesthetics
    }),
    '```'
  ].join('\n');
}

export const FIRST_CRITIQUE_ACTIONS = [
  'Label the x axis with the unit (lbs) and the y axis',
  'Add a title that states the relationship'
];
