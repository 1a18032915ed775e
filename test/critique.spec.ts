import { formatScores, ICritique, parseCritique } from '../src/team/critique';
import { DEFAULT_RUBRIC, dimensionLabels } from '../src/team/rubric';

type Scores = Record<string, number>;

const DIMENSIONS = DEFAULT_RUBRIC.map(dimension => dimension.name);

const ALL: Scores = {
  bugs: 9,
  transformation: 8,
  compliance: 7,
  type: 9,
  encoding: 8,
  aesthetics: 6
};

/** A reply that follows the Critic prompt: one line per dimension, actions, then JSON. */
const FOLLOWS_PROMPT = `- bugs (bugs): 9 — the code runs without errors.
- Data transformation (transformation): 8 — the columns are used as they are; nothing to aggregate.
- Goal compliance (compliance): 7 — the plot is saved, but the fields were not printed first.
- Visualization type (type): 9 — a scatter plot suits two numeric variables.
- Data encoding (encoding): 8 — weight on x, horsepower on y.
- aesthetics (aesthetics): 6 — no axis labels or title.

Actions:
1. Print df.columns before plotting.
2. Add axis labels and a title.
   Use plain words such as "Weight (lbs)".

{"bugs": 9, "transformation": 8, "compliance": 7, "type": 9, "encoding": 8, "aesthetics": 6}`;

/** LIDA's own evaluation output: a list of dimension objects. */
const LIDA_LIST = `\`\`\`json
[{ "dimension": "bugs",  "score": 4 , "rationale": "The code uses df['hp'], a column that does not exist, so it fails with a KeyError."}, { "dimension": "type",  "score": 8, "rationale": "A scatter plot is appropriate for two quantitative fields."}, {"dimension": "transformation", "score": 9, "rationale": "No transformation is needed."}, {"dimension": "compliance", "score": 3, "rationale": "The plot was never produced."}, {"dimension": "encoding", "score": 7, "rationale": "Weight maps to x and horsepower to y."}, {"dimension": "aesthetics", "score": 5, "rationale": "No labels."} ]
\`\`\``;

/** What a local 7B model in LM Studio wrote: a comment, single quotes, a trailing comma, chatter. */
const LM_STUDIO_JSON = `Sure! Here is my evaluation of the code:

\`\`\`json
{
  // Scores for each dimension (1-10)
  'bugs': 8,
  'transformation': 7,
  'compliance': '9',
  'type': 8,  # scatter is right
  'encoding': 7.5,
  'aesthetics': 6,
}
\`\`\`

I hope this helps! Let me know if you'd like me to evaluate anything else.`;

/** Another 7B reply: a markdown table and a bold actions heading. */
const LM_STUDIO_TABLE = `### Evaluation

| Dimension | Score | Rationale |
|-----------|:-----:|-----------|
| **Bugs** | 8 | No errors, only a FutureWarning |
| Data Transformation | 7/10 | Rows with missing horsepower are kept |
| Goal Compliance | 9 | Fields printed, plot saved |
| Visualization Type | 8 | Scatter fits two numeric fields |
| Data Encoding | 7 | |
| Aesthetics | 5 | No title |

**List of actions**

- Drop rows where Horsepower is missing.
- Add a title.
* Use \`alpha=0.5\` to show overlapping points.

Overall the code is good.`;

/** Headings with the score on the next line. */
const HEADINGS = `## Evaluation

### Bugs
Score: 9
The code runs and saves the figure.

### Data Transformation
**Score:** 8/10
Rationale: Missing values are dropped before plotting.

### Goal Compliance
Score: 7

### Visualization Type
Score: 7
A scatter plot works, but a hexbin would show density better.

### Data Encoding
Score: 8

### Aesthetics
Score: 6
Default styling, no title.

### Actions
1) Add a title.
2) Label both axes with units.`;

describe('parseCritique', () => {
  it.each<[string, string, Partial<ICritique>]>([
    [
      'the prompt format: lines, actions, trailing JSON',
      FOLLOWS_PROMPT,
      {
        scores: ALL,
        actions: [
          'Print df.columns before plotting.',
          'Add axis labels and a title. Use plain words such as "Weight (lbs)".'
        ],
        missing: [],
        lowest: 6,
        terminate: false
      }
    ],
    [
      'JSON in fences with nested {score, rationale} and an actions array',
      `Here is the critique.
\`\`\`json
{
  "bugs": {"score": 4, "rationale": "KeyError: 'hp' stops the cell."},
  "transformation": {"score": 8, "rationale": "Fine."},
  "compliance": {"score": 3, "rationale": "No plot was saved."},
  "type": {"score": 8, "rationale": "Scatter is right."},
  "encoding": {"score": 7, "rationale": "OK."},
  "aesthetics": {"score": 5, "rationale": "No labels."},
  "actions": ["1. Use the column 'Horsepower'.", "- Save the figure before plt.show()."]
}
\`\`\``,
      {
        scores: {
          bugs: 4,
          transformation: 8,
          compliance: 3,
          type: 8,
          encoding: 7,
          aesthetics: 5
        },
        actions: [
          "Use the column 'Horsepower'.",
          'Save the figure before plt.show().'
        ],
        lowest: 3
      }
    ],
    [
      "LIDA's list of {dimension, score, rationale}",
      LIDA_LIST,
      {
        scores: {
          bugs: 4,
          type: 8,
          transformation: 9,
          compliance: 3,
          encoding: 7,
          aesthetics: 5
        },
        missing: [],
        lowest: 3
      }
    ],
    [
      'LM Studio 7B: comments, single quotes, trailing comma, chatter after',
      LM_STUDIO_JSON,
      {
        scores: {
          bugs: 8,
          transformation: 7,
          compliance: 9,
          type: 8,
          encoding: 7.5,
          aesthetics: 6
        },
        lowest: 6
      }
    ],
    [
      'LM Studio 7B: a markdown table',
      LM_STUDIO_TABLE,
      {
        scores: {
          bugs: 8,
          transformation: 7,
          compliance: 9,
          type: 8,
          encoding: 7,
          aesthetics: 5
        },
        actions: [
          'Drop rows where Horsepower is missing.',
          'Add a title.',
          'Use `alpha=0.5` to show overlapping points.'
        ]
      }
    ],
    [
      'a table with the dimensions as columns',
      `| Bugs | Transformation | Compliance | Type | Encoding | Aesthetics |
|---|---|---|---|---|---|
| 9 | 8 | 7 | 9 | 8 | 6 |`,
      { scores: ALL }
    ],
    [
      'headings with "Score: n" below',
      HEADINGS,
      {
        scores: {
          bugs: 9,
          transformation: 8,
          compliance: 7,
          type: 7,
          encoding: 8,
          aesthetics: 6
        },
        actions: ['Add a title.', 'Label both axes with units.']
      }
    ],
    [
      'bold labels and n/10, "n / 10", "n out of 10"',
      `**Bugs**: 9/10 – no errors
**Transformation**: 8 / 10 – fine
**Compliance:** 7 out of 10. The fields were not printed.
**Type**: **9**/10
**Encoding**: 8/10
**Aesthetics**: 6/10 - no title

TERMINATE`,
      { scores: ALL, terminate: true, lowest: 6 }
    ],
    [
      'scores in parentheses after the label',
      `1. **Bugs (score: 9)**: runs cleanly.
2. Transformation (8/10): nothing needed.
3. Compliance (7 out of 10) - the fields were not printed.
- Type (9/10): scatter.
- Encoding (8/10)
- Aesthetics (6/10): default colours.`,
      { scores: ALL }
    ],
    [
      'dashes, "score: n" inside the line, and a score at the end of prose',
      `Bugs - score: 9
Transformation — 8
Compliance – 7, the fields are not printed
Type: the scatter plot fits. Score: 9
Encoding = 8
Aesthetics: no title or labels (6/10)`,
      { scores: ALL }
    ],
    [
      'capitalised and long keys, string values, decimals',
      `{"Bugs": "9", "Data Transformation": 8, "Goal Compliance": "7/10", "visualization_type": 9, "Data Encoding": 8.0, "AESTHETICS": 6.5}`,
      {
        scores: {
          bugs: 9,
          transformation: 8,
          compliance: 7,
          type: 9,
          encoding: 8,
          aesthetics: 6.5
        },
        lowest: 6.5
      }
    ],
    [
      'out-of-range scores are rejected, not clamped',
      `{"bugs": 0, "transformation": 11, "compliance": -1, "type": "12/10", "encoding": 8, "aesthetics": "4/5"}`,
      {
        scores: { encoding: 8 },
        missing: ['bugs', 'transformation', 'compliance', 'type', 'aesthetics'],
        lowest: 8
      }
    ],
    [
      'out-of-range scores in prose are rejected too',
      `- Bugs: 0/10 – crashes
- Transformation: 11
- Compliance: 7`,
      {
        scores: { compliance: 7 },
        missing: ['bugs', 'transformation', 'type', 'encoding', 'aesthetics']
      }
    ],
    [
      'a missing dimension is listed, never invented',
      `Bugs: 9
Transformation: 8
Compliance: 7
Type: 9
Aesthetics: 6`,
      {
        scores: {
          bugs: 9,
          transformation: 8,
          compliance: 7,
          type: 9,
          aesthetics: 6
        },
        missing: ['encoding']
      }
    ],
    [
      'JSON wins over prose, prose fills what JSON lacks',
      `Bugs: 3/10 – I first thought it failed.
Aesthetics: 6/10

\`\`\`json
{"bugs": 9, "transformation": 8, "compliance": 7, "type": 9, "encoding": 8}
\`\`\``,
      { scores: ALL }
    ],
    [
      'the rubric echoed without scores gives no scores',
      `I will evaluate on these dimensions:
- bugs (1-10): are there bugs?
- transformation (1 to 10): is the data transformed?
- compliance: how well does the code meet the goal?
Type of chart: 2 errors were found in the encoding step.
I cannot run the code, so I will not score it.`,
      { scores: {}, missing: [...DIMENSIONS], lowest: null, actions: [] }
    ],
    [
      'no critique at all',
      'The code looks fine to me. TERMINATED.',
      { scores: {}, lowest: null, terminate: false, actions: [] }
    ],
    [
      'a Critic that mentions TERMINATE without saying it',
      `Bugs: 9/10 - runs cleanly
Transformation: 8/10 - fine
Compliance: 7/10 - the fields were not printed
Type: 9/10 - scatter suits two numeric fields
Encoding: 8/10 - clear
Aesthetics: 6/10 - no title

Actions:
- Print the fields first
- Add a title

Once these are fixed, the Coder can reply with TERMINATE.`,
      {
        scores: ALL,
        actions: ['Print the fields first', 'Add a title'],
        terminate: false
      }
    ],
    [
      'a reply cut off inside the JSON keeps what arrived',
      `Scores:
{"bugs": 9, "transformation": 8, "compliance": 7, "type": 9, "enc`,
      {
        scores: { bugs: 9, transformation: 8, compliance: 7, type: 9 },
        missing: ['encoding', 'aesthetics']
      }
    ],
    [
      'unquoted keys, n/10 values, Python literals, apostrophes in single quotes',
      `{bugs: 9/10, transformation: 8/10, compliance: 7, type: 9, encoding: 8, aesthetics: 6, 'note': 'it's fine', 'final': True, 'extra': None}`,
      { scores: ALL }
    ],
    [
      'a wrapper object with scores, rationales and actions',
      `{"evaluation": {"scores": {"bugs": 9, "transformation": 8, "compliance": 7, "type": 9, "encoding": 8, "aesthetics": 6},
 "rationales": {"bugs": "Runs.", "aesthetics": "No title."}},
 "recommended_actions": [{"action": "Add a title"}, "Print the fields"]}`,
      {
        scores: ALL,
        rationales: { bugs: 'Runs.', aesthetics: 'No title.' },
        actions: ['Add a title', 'Print the fields']
      }
    ],
    [
      'a Python dict in a python fence',
      "```python\n{'bugs': 9, 'transformation': 8, 'compliance': 7, 'type': 9, 'encoding': 8, 'aesthetics': 6}\n```",
      { scores: ALL }
    ],
    [
      'a dimension heading with Score and Rationale sub-bullets',
      `1. **Bugs**
   - Score: 9
   - Rationale: No bugs.
2. **Data Transformation**
   - Score: 8/10
3. **Goal Compliance**
   - Rating: 7
4. **Visualization Type**
   - 9/10
5. **Data Encoding**
   - Score: 8
6. **Aesthetics**
   - Score: 6`,
      { scores: ALL, rationales: { bugs: 'No bugs.' } }
    ],
    [
      'keys like bugs_score and bugs_rationale',
      `{"bugs_score": 9, "bugs_rationale": "Runs.", "transformation_score": 8, "compliance_score": 7, "type_score": 9, "encoding_score": 8, "aesthetics_score": 6}`,
      { scores: ALL, rationales: { bugs: 'Runs.' } }
    ],
    [
      'a count of errors is not a bugs score; Bugs/Errors is a label',
      `Errors: 3
Type errors: 2
Bugs/Errors: 4 – the KeyError remains`,
      { scores: { bugs: 4 }, rationales: { bugs: 'the KeyError remains' } }
    ],
    [
      'a "Recommendations" list when there is no actions heading',
      `Bugs: 9

Recommendations:
- Add a title.
- Label the axes.

Some closing words.`,
      { scores: { bugs: 9 }, actions: ['Add a title.', 'Label the axes.'] }
    ],
    [
      'actions written on the heading line',
      'Aesthetics: 6\nActions: add a title; label the axes',
      { actions: ['add a title', 'label the axes'] }
    ],
    [
      'CRLF line endings',
      'Bugs: 9\r\nTransformation: 8\r\nCompliance: 7\r\nType: 9\r\nEncoding: 8\r\nAesthetics: 6\r\n\r\nActions:\r\n- Add a title\r\nTERMINATE\r\n',
      { scores: ALL, actions: ['Add a title'], terminate: true }
    ]
  ])('%s', (_name, text, expected) => {
    const result = parseCritique(text);
    for (const key of Object.keys(expected) as (keyof ICritique)[]) {
      expect([key, result[key]]).toEqual([key, expected[key]]);
    }
    // Always consistent with the scores.
    expect(result.missing).toEqual(
      DIMENSIONS.filter(d => result.scores[d] === undefined)
    );
  });

  it.each<[string, string, Record<string, string | undefined>]>([
    [
      'from LIDA JSON',
      LIDA_LIST,
      {
        bugs: "The code uses df['hp'], a column that does not exist, so it fails with a KeyError.",
        aesthetics: 'No labels.'
      }
    ],
    [
      'from the line after the score',
      FOLLOWS_PROMPT,
      {
        bugs: 'the code runs without errors.',
        aesthetics: 'no axis labels or title.'
      }
    ],
    [
      'from a table',
      LM_STUDIO_TABLE,
      { bugs: 'No errors, only a FutureWarning', encoding: undefined }
    ],
    [
      'from the lines under a heading',
      HEADINGS,
      {
        bugs: 'The code runs and saves the figure.',
        transformation: 'Missing values are dropped before plotting.',
        compliance: undefined,
        type: 'A scatter plot works, but a hexbin would show density better.'
      }
    ]
  ])('rationales %s', (_name, text, expected) => {
    const { rationales } = parseCritique(text);
    for (const [dimension, rationale] of Object.entries(expected)) {
      expect([dimension, rationales[dimension]]).toEqual([
        dimension,
        rationale
      ]);
    }
  });

  it.each<[string, boolean]>([
    ['All good. TERMINATE', true],
    ['TERMINATE', true],
    ['Scores above.\n\nTERMINATE.', true],
    ['**TERMINATE**', true],
    ['Do not terminate yet.', false],
    ['The loop TERMINATED early.', false],
    ['NOTERMINATE', false],
    ['Reply TERMINATE if everything is done.', false],
    ["If the plot looks right, respond with 'TERMINATE'", false],
    ['Once the title is added, the Coder can say TERMINATE.', false]
  ])('terminate in %j is %s', (text, expected) => {
    expect(parseCritique(text).terminate).toBe(expected);
  });
});

describe('formatScores', () => {
  it.each<[Scores, string]>([
    [
      ALL,
      'bugs 9, transformation 8, compliance 7, type 9, encoding 8, aesthetics 6'
    ],
    [
      { bugs: 4, encoding: 7.5 },
      'bugs 4, transformation –, compliance –, type –, encoding 7.5, aesthetics –'
    ],
    [
      {},
      'bugs –, transformation –, compliance –, type –, encoding –, aesthetics –'
    ]
  ])('%j', (scores, expected) => {
    expect(
      formatScores({ dimensions: dimensionLabels(DEFAULT_RUBRIC), scores })
    ).toBe(expected);
  });
});
