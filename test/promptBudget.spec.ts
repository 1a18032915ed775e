/**
 * The prompt characters of the five-call seed scenario (buggy draft → fix →
 * critique → revision → critique) with real kernel outputs, the kernel
 * context of cars.csv's folder, the chart facts of the plot, and replies as
 * models write them. Prints the figures per call (bash bench/prompt-size.sh);
 * sizes are deterministic, so the budget is asserted.
 */
import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import { CHART_FACTS_EXPRESSION } from '../src/team/chartFacts';
import { KERNEL_CONTEXT_EXPRESSION } from '../src/team/kernelContext';
import { TeamRun } from '../src/team/teamRun';
import type {
  ICellExecution,
  IChatMessage,
  IRawOutput
} from '../src/team/types';

import fixtures from './fixtures/tracebacks.json';
import { FakeWorkspace, ScriptedModel } from './teamFakes';

const TASK =
  'use data from cars.csv and plot the relationship between weight and horsepower; save the plot to a file; print the fields first';
const FIELDS =
  "['Name', 'Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration', 'Year', 'Origin']\n";
// A valid PNG header (640×480): the Critic of a text-only model reads its size.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAoAAAAHgCAYAAAA10dzkAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const BUGGY = `import pandas as pd
import matplotlib.pyplot as plt
df = pd.read_csv('cars.csv')
print(df.columns.tolist())
plt.scatter(df['weight'], df['horsepower'])
plt.savefig('plot.png')`;

const FIXED = `import pandas as pd
import matplotlib.pyplot as plt
df = pd.read_csv('cars.csv')
print(df.columns.tolist())
df = df.dropna(subset=['Weight_in_lbs', 'Horsepower'])
plt.scatter(df['Weight_in_lbs'], df['Horsepower'])
plt.savefig('plot.png')
plt.show()`;

const REVISED = `import pandas as pd
import matplotlib.pyplot as plt
df = pd.read_csv('cars.csv')
print(df.columns.tolist())
df = df.dropna(subset=['Weight_in_lbs', 'Horsepower'])
fig, ax = plt.subplots(figsize=(8, 6))
ax.scatter(df['Weight_in_lbs'], df['Horsepower'], alpha=0.6)
ax.set_xlabel('Weight (lbs)')
ax.set_ylabel('Horsepower')
ax.set_title('Heavier cars tend to have more horsepower')
ax.grid(True, alpha=0.3)
fig.savefig('weight_vs_horsepower.png', dpi=150, bbox_inches='tight')
plt.show()`;

/** What the kernel reads from the scatter plot the fixed draft shows. */
const SCATTER_FACTS = {
  figures: [
    {
      size: [640, 480],
      axes: [
        {
          title: '',
          xlabel: '',
          ylabel: '',
          xscale: 'linear',
          yscale: 'linear',
          xlim: [1436.65, 5316.35],
          ylim: [36.8, 239.2],
          points: 400,
          lines: 0,
          line_points: 0,
          bars: 0,
          patches: 0,
          legend: [],
          overlaps: {}
        }
      ],
      colorbars: []
    }
  ],
  more_figures: 0,
  frames: [['df', 400]]
};

const fence = (code: string) => '```python\n' + code + '\n```';

/** A Critic's reply in the seed's rubric, as GPT-4 and Llama 3 write it. */
function critiqueReply(scores: number[], actions: string[]): string {
  const [bugs, transformation, compliance, type, encoding, aesthetics] = scores;
  return `Here is my evaluation of the code and its output.

**Bugs (bugs): ${bugs}/10** — The code runs without errors and the columns exist; rows with missing values are dropped before plotting, which avoids NaN warnings.
**Data transformation (transformation): ${transformation}/10** — Dropping missing horsepower values is appropriate; no aggregation is needed for a scatter plot of two quantitative fields.
**Goal compliance (compliance): ${compliance}/10** — The fields are printed first, the relationship is plotted and the plot is saved to a file, as asked.
**Visualization type (type): ${type}/10** — A scatter plot is the right choice for the relationship between two continuous variables.
**Data encoding (encoding): ${encoding}/10** — Weight on x and horsepower on y is a natural mapping; overlapping points make dense regions hard to read.
**Aesthetics (aesthetics): ${aesthetics}/10** — ${aesthetics < 8 ? 'The axes have no labels or units and there is no title, so a reader cannot tell what is plotted.' : 'Labels, title and transparency make the chart easy to read.'}

Actions:
${actions.map((action, i) => `${i + 1}. ${action}`).join('\n')}

\`\`\`json
{"bugs": ${bugs}, "transformation": ${transformation}, "compliance": ${compliance}, "type": ${type}, "encoding": ${encoding}, "aesthetics": ${aesthetics}}
\`\`\``;
}

/** The kernel: the buggy draft raises pandas' real KeyError; the others print and draw. */
function kernel(source: string): ICellExecution {
  const fields: IRawOutput = {
    output_type: 'stream',
    name: 'stdout',
    text: FIELDS
  };
  if (source.includes("df['weight']")) {
    return {
      status: 'error',
      outputs: [fields, fixtures.pandas as IRawOutput],
      executionCount: 1
    };
  }
  return {
    status: 'ok',
    outputs: [
      fields,
      {
        output_type: 'display_data',
        data: {
          'image/png': PNG,
          'text/plain': '<Figure size 640x480 with 1 Axes>'
        }
      }
    ],
    executionCount: 2
  };
}

function characters(messages: IChatMessage[]): number {
  return messages.reduce(
    (sum, message) =>
      sum +
      (typeof message.content === 'string'
        ? message.content.length
        : message.content.reduce(
            (n, part) => n + (part.type === 'text' ? part.text.length : 0),
            0
          )),
    0
  );
}

describe('the five-call seed scenario', () => {
  it('stays within 12,000 prompt characters in all and 4,000 per call', async () => {
    const model = new ScriptedModel({
      coder: [
        `Sure! First I'll print the fields, then plot weight against horsepower.\n\n${fence(BUGGY)}\n\nThis will print the column names and save the plot.`,
        `The column is called 'Weight_in_lbs', not 'weight'. Here is the corrected code:\n\n${fence(FIXED)}`,
        `I added axis labels, a title and transparency as the Critic asked.\n\n${fence(REVISED)}`
      ],
      critic: [
        critiqueReply(
          [9, 8, 9, 9, 7, 4],
          [
            'Label the x axis "Weight (lbs)" and the y axis "Horsepower".',
            'Add a title that states the relationship.',
            'Use some transparency (alpha) so overlapping points show.'
          ]
        ),
        critiqueReply([9, 9, 9, 9, 9, 9], ['None.'])
      ]
    });
    // The folder as the kernel lists it: the notebook and cars.csv.
    const workspace = new FakeWorkspace(kernel);
    workspace.inspector = expression =>
      expression === KERNEL_CONTEXT_EXPRESSION
        ? JSON.stringify({
            files: [
              { name: 'analysis.ipynb', size: 2210 },
              {
                name: 'cars.csv',
                size: 22983,
                head: [
                  'Name,Miles_per_Gallon,Cylinders,Displacement,Horsepower,Weight_in_lbs,Acceleration,Year,Origin',
                  'chevrolet chevelle malibu,18,8,307,130,3504,12,1970-01-01,USA',
                  'buick skylark 320,15,8,350,165,3693,11.5,1970-01-01,USA'
                ]
              }
            ],
            frames: []
          })
        : expression === CHART_FACTS_EXPRESSION
          ? JSON.stringify(SCATTER_FACTS)
          : null;
    const run = new TeamRun({
      task: TASK,
      model,
      workspace,
      config: { ...DEFAULT_TEAM_CONFIG, autoRevisions: 1 }
    });
    const summary = await run.start();
    expect(summary.reason).toBe('threshold');

    const calls = model.requests.map(request => ({
      agent: request.agent,
      chars: characters(request.messages)
    }));
    expect(calls.map(call => call.agent)).toEqual([
      'coder',
      'coder',
      'critic',
      'coder',
      'critic'
    ]);
    const total = calls.reduce((sum, call) => sum + call.chars, 0);
    const steps = ['buggy draft', 'fix', 'critique', 'revision', 'critique'];
    console.log(
      [
        'prompt characters, five-call seed scenario',
        ...calls.map(
          (call, i) =>
            `  ${i + 1}. ${call.agent.padEnd(6)} ${steps[i].padEnd(12)} ${call.chars.toLocaleString('en-US').padStart(6)}`
        ),
        `  total                 ${total.toLocaleString('en-US').padStart(6)}`
      ].join('\n')
    );
    // Nothing is sent twice: the fix prompt holds the error once.
    const fix = JSON.stringify(model.requests[1].messages);
    expect(fix.split("KeyError: 'weight'")).toHaveLength(2);
    expect(total).toBeLessThanOrEqual(12_000);
    for (const call of calls) {
      expect(call.chars).toBeLessThanOrEqual(4_000);
    }
  });
});
