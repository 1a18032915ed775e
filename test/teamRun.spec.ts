import { DEFAULT_TEAM_CONFIG, ITeamConfig } from '../src/team/config';
import { TeamRun } from '../src/team/teamRun';
import { ChatModelError, IChatMessage } from '../src/team/types';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  error,
  hangUntilAborted,
  ok,
  python
} from './teamFakes';

const TASK =
  'use data from cars.csv and plot the relationship between weight and horsepower; save the plot to a file; print the fields first';

const BUGGY =
  "df = pd.read_csv('cars.csv')\nprint(df.columns.tolist())\nplt.scatter(df['Weight'], df['Horsepower'])";
const FIXED =
  "df = pd.read_csv('cars.csv')\nprint(df.columns.tolist())\nplt.scatter(df['Weight_in_lbs'], df['Horsepower'])\nplt.savefig('plot.png')";
const REVISED = FIXED + "\nplt.xlabel('Weight (lbs)')";

function config(overrides: Partial<ITeamConfig> = {}): ITeamConfig {
  return { ...DEFAULT_TEAM_CONFIG, ...overrides };
}

function userText(message: IChatMessage): string {
  return typeof message.content === 'string'
    ? message.content
    : message.content
        .map(part => (part.type === 'text' ? part.text : ''))
        .join('');
}

/** A kernel where a KeyError stands for the wrong column name. */
function kernel(source: string) {
  return source.includes("'Weight'")
    ? error('KeyError', "'Weight'")
    : ok("['Name', 'Miles_per_Gallon', 'Weight_in_lbs', 'Horsepower']\n");
}

/** A run that stops after one critique (aesthetics 5), and whose rerun meets the threshold. */
function stopsForRerun() {
  const model = new ScriptedModel({
    coder: [python(FIXED), python(REVISED)],
    critic: [critique([9, 8, 8, 8, 8, 5]), critique([9, 9, 9, 9, 9, 9])]
  });
  const workspace = new FakeWorkspace(kernel);
  const run = new TeamRun({
    task: TASK,
    model,
    workspace,
    config: config({ autoRevisions: 0 })
  });
  return { model, workspace, run };
}

describe('TeamRun', () => {
  it('sends an error back to the Coder, scores the fix and ends at the threshold', async () => {
    const model = new ScriptedModel({
      coder: [python(BUGGY), python(FIXED)],
      critic: [critique([9, 8, 9, 8, 8, 9])]
    });
    const workspace = new FakeWorkspace(kernel);
    const run = new TeamRun({ task: TASK, model, workspace, config: config() });

    const summary = await run.start();

    expect(summary.reason).toBe('threshold');
    expect(summary.critique?.lowest).toBe(8);
    expect(summary.usage.modelCalls).toBe(3);
    // The traceback reached the Coder's second prompt, ANSI stripped.
    const fixPrompt = userText(model.calls('coder')[1].messages[1]);
    expect(fixPrompt).toContain("KeyError: 'Weight'");
    expect(fixPrompt).not.toContain('\u001b[');
    // One team cell, revised in place, below the active cell; user cells untouched.
    expect(workspace.cells.map(c => c.id)).toEqual([
      'user-1',
      'team-1',
      'user-2'
    ]);
    expect(workspace.cells[1].source).toBe(FIXED);
    expect(workspace.cells[1].metadata).toEqual({
      run: run.id,
      round: 2,
      agent: 'coder'
    });
    expect(workspace.cells[0].source).toBe('import pandas as pd');
    expect(workspace.cells[2].source).toBe('# my notes');
    expect(run.messages.map(m => `${m.agent}:${m.kind}`)).toEqual([
      'user_proxy:task',
      'coder:code',
      'user_proxy:execution',
      'coder:code',
      'user_proxy:execution',
      'critic:critique',
      'user_proxy:notice',
      'user_proxy:summary'
    ]);
    expect(run.messages[2].failed).toBe(true);
    expect(run.phase).toBe('ended');
  });

  it('lets the Coder revise from the critique on its own until the threshold is met', async () => {
    const model = new ScriptedModel({
      coder: [python(FIXED), python(REVISED)],
      critic: [
        critique([9, 8, 8, 8, 8, 5], ['Label the axes']),
        critique([9, 9, 9, 9, 9, 8])
      ]
    });
    const workspace = new FakeWorkspace(kernel);
    const run = new TeamRun({ task: TASK, model, workspace, config: config() });

    const summary = await run.start();

    expect(summary.reason).toBe('threshold');
    expect(summary.rounds).toBe(2);
    const revisionPrompt = userText(model.calls('coder')[1].messages[1]);
    expect(revisionPrompt).toContain('Label the axes');
    expect(revisionPrompt).toContain(FIXED);
    const last = run.messages.filter(m => m.critique).pop()!;
    expect(last.previousCritique?.scores.aesthetics).toBe(5);
    expect(last.critique?.scores.aesthetics).toBe(8);
  });

  it('stops after the automatic revisions are used, and reruns with critique on request', async () => {
    const { model, workspace, run } = stopsForRerun();

    const first = await run.start();
    expect(first.reason).toBe('revisions-used');
    expect(run.canRerun).toBe(true);

    const second = await run.rerunWithCritique('use a log scale');
    expect(second.reason).toBe('threshold');
    expect(second.usage.modelCalls).toBe(4);
    const prompt = userText(model.calls('coder')[1].messages[1]);
    expect(prompt).toContain('Note from the user: use a log scale');
    expect(prompt).toContain('Add axis labels');
    expect(workspace.teamCells().map(c => c.source)).toEqual([REVISED]);
    // Both cycles keep their summary in the transcript.
    expect(
      run.messages.filter(m => m.summary).map(m => m.summary!.reason)
    ).toEqual(['revisions-used', 'threshold']);
  });

  it('cannot rerun once the user deleted the team cells', async () => {
    const { workspace, run } = stopsForRerun();
    await run.start();
    workspace.cells = workspace.cells.filter(c => c.metadata === null);
    expect(run.canRerun).toBe(false);
    await expect(run.rerunWithCritique()).rejects.toThrow('Nothing to rerun');
  });

  it('ends when a message says TERMINATE', async () => {
    const model = new ScriptedModel({
      coder: [python(FIXED)],
      critic: [critique([9, 7, 8, 8, 8, 7]) + '\nTERMINATE']
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config()
    });
    expect((await run.start()).reason).toBe('terminate');
    expect(model.requests).toHaveLength(2);
  });

  it('ends at max rounds, counting agent messages', async () => {
    const model = new ScriptedModel({
      coder: [python(BUGGY), python(BUGGY), python(BUGGY)],
      critic: []
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config({ maxRounds: 4, maxFixAttempts: 10 })
    });
    const summary = await run.start();
    expect(summary.reason).toBe('max-rounds');
    expect(model.requests).toHaveLength(2);
    expect(
      run.messages.filter(
        m => m.agent !== 'user_proxy' || m.kind === 'execution'
      )
    ).toHaveLength(4);
  });

  it('gives up after the allowed error fixes in a row', async () => {
    const model = new ScriptedModel({ coder: [python(BUGGY), python(BUGGY)] });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config({ maxFixAttempts: 1 })
    });
    expect((await run.start()).reason).toBe('fix-attempts');
    expect(model.calls('critic')).toHaveLength(0);
  });

  it('stops mid-stream when the user presses Stop, keeping what streamed', async () => {
    const model = new ScriptedModel({
      coder: [hangUntilAborted('Let me load the da')]
    });
    const workspace = new FakeWorkspace(kernel);
    const run = new TeamRun({ task: TASK, model, workspace, config: config() });
    const done = run.start();
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(run.phase).toBe('running');
    expect(run.activity.kind).toBe('coder-writing');
    run.stop();
    const summary = await done;
    expect(summary.reason).toBe('stopped');
    const coder = run.messages.find(m => m.agent === 'coder')!;
    expect(coder.text).toBe('Let me load the da');
    expect(coder.streaming).toBe(false);
    expect(workspace.teamCells()).toHaveLength(0);
  });

  it('ends cleanly with the model error message and changes nothing', async () => {
    const model = new ScriptedModel({
      coder: [
        async () => {
          throw new ChatModelError(
            "cannot reach http://localhost:1234/v1 (connection refused) — is LM Studio's server running?",
            'unreachable'
          );
        }
      ]
    });
    const workspace = new FakeWorkspace(kernel);
    const run = new TeamRun({ task: TASK, model, workspace, config: config() });
    const summary = await run.start();
    expect(summary.reason).toBe('model-error');
    expect(summary.detail).toContain('is LM Studio');
    expect(workspace.teamCells()).toHaveLength(0);
  });

  it('says why when the kernel is not ready, without calling a model or adding cells', async () => {
    const model = new ScriptedModel({});
    const workspace = new FakeWorkspace(kernel);
    workspace.ready = 'The notebook analysis.ipynb has no kernel.';
    const run = new TeamRun({ task: TASK, model, workspace, config: config() });
    const summary = await run.start();
    expect(summary).toMatchObject({
      reason: 'kernel',
      detail: 'The notebook analysis.ipynb has no kernel.'
    });
    expect(model.requests).toHaveLength(0);
    expect(workspace.teamCells()).toHaveLength(0);
  });

  it('runs blocks in order as separate cells, stopping at the first error', async () => {
    const reply =
      python("import pandas as pd\ndf = pd.read_csv('cars.csv')") +
      python("print(df['Weight'])") +
      python('print(len(df))');
    const model = new ScriptedModel({
      coder: [reply, python("df = pd.read_csv('cars.csv')\nprint(len(df))")],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const workspace = new FakeWorkspace(kernel);
    const run = new TeamRun({ task: TASK, model, workspace, config: config() });
    await run.start();
    // The third block never ran after the second failed.
    expect(workspace.executed.slice(0, 2)).toEqual([
      "import pandas as pd\ndf = pd.read_csv('cars.csv')",
      "print(df['Weight'])"
    ]);
    const fixPrompt = userText(model.calls('coder')[1].messages[1]);
    expect(fixPrompt).toContain('Cell 2 raised an error');
    expect(fixPrompt).toContain('(not run: an earlier cell failed)');
    // The revision needs one cell: the surplus team cells are removed, user cells stay.
    expect(workspace.cells.map(c => c.id)).toEqual([
      'user-1',
      'team-1',
      'user-2'
    ]);
  });

  it('tells the Coder a non-Python block was not run', async () => {
    const model = new ScriptedModel({
      coder: ['```bash\npip install seaborn\n```', python(FIXED)],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config()
    });
    expect((await run.start()).reason).toBe('threshold');
    expect(userText(model.calls('coder')[1].messages[1])).toMatch(
      /bash.*not run/
    );
  });

  it('attaches plots for a vision model only', async () => {
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const plot = () => ({
      status: 'ok' as const,
      outputs: [
        {
          output_type: 'display_data',
          data: { 'image/png': png, 'text/plain': '<Figure>' }
        }
      ],
      executionCount: null
    });
    for (const vision of [true, false]) {
      const model = new ScriptedModel({
        coder: [python(FIXED)],
        critic: [critique([9, 9, 9, 9, 9, 9])]
      });
      const run = new TeamRun({
        task: TASK,
        model,
        workspace: new FakeWorkspace(plot),
        config: config({ vision })
      });
      await run.start();
      const content = model.calls('critic')[0].messages[1].content;
      const images = Array.isArray(content)
        ? content.filter(p => p.type === 'image_url')
        : [];
      expect(images).toHaveLength(vision ? 1 : 0);
      expect(userText(model.calls('critic')[0].messages[1])).toContain(
        '[PNG image 1×1'
      );
    }
  });

  it('keeps every prompt bounded: no transcript grows into later calls', async () => {
    const model = new ScriptedModel({
      coder: [python(FIXED), python(REVISED), python(REVISED + '\n# again')],
      critic: [
        critique([9, 8, 8, 8, 8, 5]),
        critique([9, 8, 8, 8, 8, 6]),
        critique([9, 8, 8, 8, 8, 7])
      ]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config({ autoRevisions: 2 })
    });
    const summary = await run.start();
    expect(summary.reason).toBe('revisions-used');
    expect(summary.usage.modelCalls).toBe(6);
    // Always exactly a system and a user message; the first critique is not in the third draft's prompt.
    for (const request of model.requests) {
      expect(request.messages).toHaveLength(2);
    }
    const third = userText(model.calls('coder')[2].messages[1]);
    // The latest critique reaches the Coder as scores and actions.
    expect(third).toContain('aesthetics 6.');
    expect(third).not.toContain('aesthetics 5');
  });

  it('does not take a critique with missing scores as meeting the threshold', async () => {
    const model = new ScriptedModel({
      coder: [python(FIXED), python(REVISED)],
      // Cut off after three scores: all high, but three dimensions unknown.
      critic: [
        '- bugs: 9/10\n- transformation: 9/10\n- compliance: 9/10\n- type:',
        critique([9, 9, 9, 9, 9, 9])
      ]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config()
    });
    const summary = await run.start();
    expect(summary.reason).toBe('threshold');
    expect(summary.rounds).toBe(2);
    expect(model.calls('critic')).toHaveLength(2);
    const first = run.messages.find(m => m.critique)!;
    expect(first.critique?.missing).toEqual(['type', 'encoding', 'aesthetics']);
  });

  it('scores, revises and ends on a custom rubric of four dimensions', async () => {
    const rubric = [
      { name: 'correctness', label: 'Correctness', judges: 'does it run?' },
      { name: 'axis_labels', label: 'Axis labels', judges: 'units?' },
      { name: 'readability', label: 'Readability', judges: 'at a glance?' },
      { name: 'story', label: 'Story', judges: 'does it answer the task?' }
    ];
    const model = new ScriptedModel({
      coder: [python(FIXED), python(REVISED)],
      critic: [
        // Six-dimension habits: only the rubric's four count.
        'Correctness: 9\nAxis labels: 4 – raw column names\nReadability: 8\nStory: 9\nAesthetics: 2\n\nActions:\n- Label the x axis with units.',
        '{"correctness": 9, "axis_labels": 9, "readability": 8, "story": 9}'
      ]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config({ rubric })
    });

    const summary = await run.start();

    expect(summary.reason).toBe('threshold');
    expect(summary.critique?.scores).toEqual({
      correctness: 9,
      axis_labels: 9,
      readability: 8,
      story: 9
    });
    const system = model.calls('critic')[0].messages[0].content as string;
    expect(system).toContain('- axis_labels: units?');
    expect(system).not.toContain('aesthetics');
    const revise = userText(model.calls('coder')[1].messages[1]);
    expect(revise).toContain(
      'correctness 9, axis_labels 4, readability 8, story 9'
    );
    expect(revise).toContain('- Label the x axis with units.');
  });

  it('revises what is in the notebook now, including the user’s edit of a team cell', async () => {
    const { model, workspace, run } = stopsForRerun();
    await run.start();
    const edited = FIXED + '\nplt.grid(True)  # added by the user';
    workspace.cells.find(c => c.metadata)!.source = edited;
    await run.rerunWithCritique();
    expect(userText(model.calls('coder')[1].messages[1])).toContain(
      'plt.grid(True)  # added by the user'
    );
  });

  it('can be stopped while the kernel is still being chosen', async () => {
    const model = new ScriptedModel({});
    const workspace = new FakeWorkspace(kernel);
    workspace.ready = new Promise(() => undefined);
    const run = new TeamRun({ task: TASK, model, workspace, config: config() });
    const done = run.start();
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(run.activity.kind).toBe('checking-kernel');
    run.stop();
    expect((await done).reason).toBe('stopped');
    expect(model.requests).toHaveLength(0);
  });

  it('attaches at most four plots to one critique and says so', async () => {
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const plots = () => ({
      status: 'ok' as const,
      outputs: Array.from({ length: 6 }, () => ({
        output_type: 'display_data',
        data: { 'image/png': png }
      })),
      executionCount: null
    });
    const model = new ScriptedModel({
      coder: [python('for i in range(6): plot(i)')],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(plots),
      config: config({ vision: true })
    });
    await run.start();
    const content = model.calls('critic')[0].messages[1].content;
    const images = Array.isArray(content)
      ? content.filter(part => part.type === 'image_url')
      : [];
    expect(images).toHaveLength(4);
    expect(userText(model.calls('critic')[0].messages[1])).toContain(
      'The first 4 of the 6 plots are attached.'
    );
  });
});
