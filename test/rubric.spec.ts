import { parseCritique } from '../src/team/critique';
import { DEFAULT_CRITIC_SYSTEM_MESSAGE } from '../src/team/prompts';
import {
  criticSystemMessage,
  DEFAULT_RUBRIC,
  IRubricDimension,
  readRubric
} from '../src/team/rubric';

/** A rubric a team reviewing exploratory charts might write. */
const FOUR: IRubricDimension[] = [
  {
    name: 'correctness',
    label: 'Correctness',
    judges: 'does the code run and compute the right numbers?',
    rule: 'If the code raised an error, correctness MUST be below 4.'
  },
  {
    name: 'axis_labels',
    label: 'Axis labels',
    judges: 'do both axes say what they show, with units?'
  },
  {
    name: 'readability',
    label: 'Readability',
    judges: 'can a colleague read the chart at a glance?',
    aliases: ['legibility']
  },
  {
    name: 'labels',
    label: 'Legend',
    judges: 'does the legend name every series?'
  }
];

describe('readRubric', () => {
  it('is the six LIDA dimensions when nothing is set', () => {
    const { rubric, problem } = readRubric(undefined);
    expect(rubric.map(d => d.name)).toEqual([
      'bugs',
      'transformation',
      'compliance',
      'type',
      'encoding',
      'aesthetics'
    ]);
    expect(problem).toBeNull();
  });

  it('turns names into JSON keys and fills in a label', () => {
    const { rubric, problem } = readRubric([
      { name: 'Axis labels', judges: 'are the axes labelled?' },
      { name: 'colorScale', judges: 'is the colour scale right?', rule: ' ' }
    ]);
    expect(problem).toBeNull();
    expect(rubric).toEqual([
      {
        name: 'axis_labels',
        label: 'Axis labels',
        judges: 'are the axes labelled?'
      },
      {
        name: 'color_scale',
        label: 'Color scale',
        judges: 'is the colour scale right?'
      }
    ]);
  });

  it.each<[string, unknown, RegExp]>([
    ['an empty list', [], /no dimensions/],
    ['not a list', { bugs: 'x' }, /no dimensions/],
    [
      'a dimension without a question',
      [{ name: 'bugs' }],
      /dimension 1 needs a name and what it judges/
    ],
    [
      'a name of symbols only',
      [{ name: '!!', judges: 'x' }],
      /dimension 1 needs a name/
    ],
    [
      'the same name twice',
      [
        { name: 'Axis labels', judges: 'x' },
        { name: 'axis_labels', judges: 'y' }
      ],
      /names "axis_labels" twice/
    ],
    [
      'more than ten',
      Array.from({ length: 11 }, (_, i) => ({
        name: `d${'abcdefghijk'[i]}`,
        judges: 'x'
      })),
      /11 dimensions; at most 10/
    ]
  ])('explains %s and keeps the default', (_name, value, problem) => {
    const reading = readRubric(value);
    expect(reading.problem).toMatch(problem);
    expect(reading.rubric).toBe(DEFAULT_RUBRIC);
  });
});

describe('criticSystemMessage', () => {
  it('puts each dimension, its rule and a JSON example where the template says', () => {
    const message = criticSystemMessage(DEFAULT_CRITIC_SYSTEM_MESSAGE, FOUR);
    expect(message).toContain(
      '- correctness: does the code run and compute the right numbers? If the code raised an error, correctness MUST be below 4.\n- axis_labels: do both axes say what they show, with units?'
    );
    expect(message).toContain(
      '{"correctness": 9, "axis_labels": 8, "readability": 7, "labels": 9}'
    );
    // The six defaults are gone, not just joined by the new ones.
    expect(message).not.toMatch(/aesthetics|transformation/);
  });

  it('adds the rubric and the example to a message written without them', () => {
    const message = criticSystemMessage(
      'You review charts for a newspaper.',
      FOUR
    );
    expect(message).toMatch(
      /^You review charts for a newspaper\.\nScore these dimensions:\n- correctness: /
    );
    expect(message).toMatch(
      /End with a JSON object of the scores, for example:\n\{"correctness": 9, /
    );
  });
});

describe('parseCritique with a custom rubric', () => {
  it('reads a reply that follows the prompt, and only the rubric’s dimensions', () => {
    const reply = `Here is my evaluation.

- correctness: 9/10 – runs and prints the fields.
- Axis labels (axis_labels): 6 — the x axis says "Weight_in_lbs", no units.
- readability: 8
- Legend: 7 - one series, the legend is redundant but correct.

Aesthetics: 5 (the old habit: not in this rubric)

Actions:
- Label the x axis "Weight (lbs)".

{"correctness": 9, "axis_labels": 6, "readability": 8, "labels": 7}

You may type TERMINATE to end the conversation when satisfied.`;
    const critique = parseCritique(reply, FOUR);
    expect(critique.scores).toEqual({
      correctness: 9,
      axis_labels: 6,
      readability: 8,
      labels: 7
    });
    expect(critique.dimensions.map(d => d.label)).toEqual([
      'Correctness',
      'Axis labels',
      'Readability',
      'Legend'
    ]);
    expect(critique.lowest).toBe(6);
    expect(critique.missing).toEqual([]);
    expect(critique.actions).toEqual(['Label the x axis "Weight (lbs)".']);
    expect(critique.terminate).toBe(false);
  });

  it('reads a markdown table, an alias and a LIDA list without the JSON', () => {
    const table = `| Criterion | Score | Why |
|---|---|---|
| **Correctness** | 8/10 | fine |
| Axis Labels | 4/10 | none |
| Legibility | 7/10 | dense points |`;
    expect(parseCritique(table, FOUR).scores).toEqual({
      correctness: 8,
      axis_labels: 4,
      readability: 7
    });
    expect(parseCritique(table, FOUR).missing).toEqual(['labels']);

    const lida = `[{"dimension": "Correctness", "score": 3, "rationale": "KeyError"},
 {"dimension": "axis labels", "score": "5/10", "rationale": "raw names"}]`;
    expect(parseCritique(lida, FOUR).scores).toEqual({
      correctness: 3,
      axis_labels: 5
    });
  });

  it('takes a word two dimensions share as naming neither, unless it is one’s whole name', () => {
    const rubric: IRubricDimension[] = [
      { name: 'axis_labels', label: 'Axis labels', judges: 'x' },
      { name: 'axis_scales', label: 'Axis scales', judges: 'y' },
      { name: 'labels', label: 'Labels', judges: 'z' }
    ];
    expect(
      parseCritique('Axis: 4\nLabels: 6\nAxis scales: 8', rubric).scores
    ).toEqual({ labels: 6, axis_scales: 8 });
  });

  it('still reads the default rubric’s synonyms and does not take a count for a score', () => {
    const critique = parseCritique(
      'Bugs/Errors: 4\nErrors: 3\nData Transformation: 8\nVisualization: 9\nEsthetics: 6'
    );
    expect(critique.scores).toEqual({
      bugs: 4,
      transformation: 8,
      aesthetics: 6
    });
  });
});
