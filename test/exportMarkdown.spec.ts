import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import { exportRunMarkdown } from '../src/team/exportMarkdown';
import { TeamRun } from '../src/team/teamRun';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  error,
  ok,
  python
} from './teamFakes';

const TASK =
  'use data from cars.csv and plot the relationship between weight and horsepower; save the plot to a file; print the fields first';
const BUGGY = "plt.scatter(cars['Weight'], cars['Horsepower'])";
const FIXED = "plt.scatter(cars['Weight_in_lbs'], cars['Horsepower'])";

describe('exportRunMarkdown', () => {
  it('writes the task, each round’s code and outputs, the scores, the actions and how it ended', async () => {
    const model = new ScriptedModel({
      coder: [
        // A chatty reply, as local models write: prose, a bash fence, then the code.
        'Sure! First install pandas:\n\n```bash\npip install pandas\n```\n\nThen:\n\n```python\n' +
          BUGGY +
          '\n```',
        python(FIXED, "The column is 'Weight_in_lbs'.")
      ],
      critic: [critique([9, 8, 9, 9, 8, 5], ['Label the axes', 'Add a title'])]
    });
    const workspace = new FakeWorkspace(source =>
      source.includes("'Weight'")
        ? error('KeyError', "'Weight'")
        : ok('plotted\n')
    );
    const run = new TeamRun({
      task: TASK,
      model,
      workspace,
      config: { ...DEFAULT_TEAM_CONFIG, autoRevisions: 0 }
    });
    await run.start();

    const markdown = exportRunMarkdown(run.toRecord(), {
      describeEnd: summary => `Ended: ${summary.reason}`,
      plotFiles: ['analysis-agent-team-plot-1.png']
    });

    expect(markdown.startsWith(`# ${TASK}\n`)).toBe(true);
    expect(markdown).toContain('2 rounds · 3 model calls');
    expect(markdown).toContain('## Round 1\n\nCell 1:\n\n```python\n' + BUGGY);
    expect(markdown).not.toContain('pip install pandas');
    expect(markdown).toContain(
      "Output of cell 1 [1] (error):\n\n```text\nKeyError: 'Weight'"
    );
    expect(markdown).toContain('## Round 2\n\nCell 1:\n\n```python\n' + FIXED);
    expect(markdown).toContain('| Aesthetics | 5 |');
    expect(markdown).toContain('- [ ] Label the axes\n- [ ] Add a title');
    expect(markdown).toContain('> Ended: revisions-used');
    expect(markdown).toContain(
      '![analysis-agent-team-plot-1.png](analysis-agent-team-plot-1.png)'
    );
  });

  it('fences code that holds fences itself with a longer fence', () => {
    const code = 'print("""\n```\nnot a fence end\n```\n""")';
    const record: TeamRun.IRecord = {
      version: 1,
      id: 'r',
      task: 'print a fence',
      startedAt: '2026-11-25T10:00:00.000Z',
      round: 1,
      usage: { modelCalls: 1, promptTokens: 0, completionTokens: 0 },
      latestCritique: null,
      cells: [],
      messages: [
        {
          id: 'm',
          agent: 'coder',
          kind: 'code',
          round: 1,
          text: '````python\n' + code + '\n````',
          streaming: false,
          failed: false
        }
      ]
    };
    const markdown = exportRunMarkdown(record, {
      describeEnd: () => '',
      plotFiles: []
    });
    expect(markdown).toContain('````python\n' + code + '\n````');
    expect(markdown).not.toContain('## Plots');
  });
});
