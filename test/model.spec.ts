/**
 * The view-model with its adapters faked: the runs of each notebook, what a
 * notebook keeps of them, and what is restored when it opens again.
 */
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { AgentTeamModel } from '../src/model';
import { AgentTeamSettings } from '../src/settings';
import type { TeamRun } from '../src/team/teamRun';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  ok,
  python
} from './teamFakes';

const TASK = 'plot weight against horsepower from cars.csv';
const PLOT = "cars.plot.scatter('Weight_in_lbs', 'Horsepower')";

/** Just what the view-model touches of a notebook panel. */
function fakePanel(path: string) {
  const metadata = new Map<string, unknown>();
  return {
    id: `panel-${path}`,
    isDisposed: false,
    disposed: new Signal<unknown, void>({}),
    context: { ready: Promise.resolve(), path },
    content: {
      model: {
        getMetadata: (key: string) => metadata.get(key),
        setMetadata: (key: string, value: unknown) =>
          metadata.set(key, JSON.parse(JSON.stringify(value))),
        cells: { changed: new Signal<unknown, unknown>({}) },
        sharedModel: { cells: [] }
      },
      widgets: []
    },
    metadata
  };
}

type FakePanel = ReturnType<typeof fakePanel>;

function fakeTracker(panels: FakePanel[]) {
  return {
    currentWidget: panels[0] ?? null,
    widgetAdded: new Signal<unknown, FakePanel>({}),
    forEach: (fn: (panel: FakePanel) => void) => panels.forEach(fn)
  };
}

function createModel(
  tracker: ReturnType<typeof fakeTracker>,
  chatModels: ScriptedModel[],
  workspaces: Map<FakePanel, FakeWorkspace>
) {
  const choices: AgentTeamModel.IModelChoice[] = [];
  // One critique per run: the Coder does not revise on its own.
  const settings = new AgentTeamSettings({
    composite: { autoRevisions: 0 },
    changed: new Signal<unknown, void>({})
  } as unknown as ISettingRegistry.ISettings);
  const model = new AgentTeamModel({
    tracker: tracker as unknown as INotebookTracker,
    settings,
    translator: nullTranslator,
    contents: { save: async () => ({}) as never },
    activate: () => undefined,
    createChatModel: choice => {
      choices.push(choice);
      const next = chatModels.shift();
      if (!next) {
        throw new Error('no chat model left');
      }
      return next;
    },
    createWorkspace: panel => workspaces.get(panel as unknown as FakePanel)!,
    thumbnail: async png => `data:image/png;base64,${png}`,
    fetchServerConfig: async () => ({
      baseUrl: 'http://localhost:1234/v1',
      model: 'qwen2.5-coder',
      hasApiKey: false
    })
  });
  return { model, choices };
}

/** Let restores (they wait for the notebook's context) finish. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('AgentTeamModel', () => {
  it('refuses a task when no notebook is open, keeping nothing', async () => {
    const tracker = fakeTracker([]);
    const { model } = createModel(tracker, [], new Map());
    expect(await model.ask(TASK)).toBeNull();
    expect(model.notice).toContain('Open a notebook first');
    expect(model.runs).toHaveLength(0);
  });

  it('runs on the active notebook with the server’s model, and the notebook keeps the run', async () => {
    const panel = fakePanel('analysis.ipynb');
    const workspace = new FakeWorkspace(() => ok('plotted\n'));
    const tracker = fakeTracker([panel]);
    const { model, choices } = createModel(
      tracker,
      [
        new ScriptedModel({
          coder: [python(PLOT)],
          critic: [critique([9, 9, 9, 9, 9, 5])]
        })
      ],
      new Map([[panel, workspace]])
    );
    await model.refreshServerConfig();

    const summary = await model.ask(TASK);

    expect(summary?.reason).toBe('revisions-used');
    expect(choices).toEqual([
      { model: 'qwen2.5-coder', endpoint: 'http://localhost:1234/v1' }
    ]);
    const kept = panel.metadata.get('agent_team') as {
      runs: TeamRun.IRecord[];
    };
    expect(kept.runs).toHaveLength(1);
    expect(kept.runs[0].task).toBe(TASK);
    expect(kept.runs[0].latestCritique?.scores.aesthetics).toBe(5);
    expect(model.rerunnable?.id).toBe(kept.runs[0].id);
  });

  it('restores a notebook’s runs when it opens, and reruns one with critique', async () => {
    const panel = fakePanel('analysis.ipynb');
    const workspace = new FakeWorkspace(() => ok('plotted\n'));
    const first = createModel(
      fakeTracker([panel]),
      [
        new ScriptedModel({
          coder: [python(PLOT)],
          critic: [critique([9, 9, 9, 9, 9, 5])]
        })
      ],
      new Map([[panel, workspace]])
    );
    expect((await first.model.ask(TASK))?.reason).toBe('revisions-used');
    const runId = first.model.runs[0].id;

    // A new session (a reload): the notebook opens and brings its run back.
    const tracker = fakeTracker([]);
    const rerunModel = new ScriptedModel({
      coder: [python(PLOT + "\nplt.title('Weight vs horsepower')")],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const { model } = createModel(
      tracker,
      [rerunModel],
      new Map([[panel, workspace]])
    );
    tracker.currentWidget = panel;
    tracker.widgetAdded.emit(panel);
    await settle();

    expect(model.runs.map(run => run.id)).toEqual([runId]);
    expect(model.runs[0].phase).toBe('ended');
    expect(model.rerunnable?.id).toBe(runId);
    const summary = await model.rerunWithCritique('add a title');
    expect(summary?.reason).toBe('threshold');
    expect(workspace.teamCells().map(cell => cell.source)).toEqual([
      PLOT + "\nplt.title('Weight vs horsepower')"
    ]);
    // Opening the same notebook again adds nothing twice.
    tracker.widgetAdded.emit(panel);
    await settle();
    expect(model.runs).toHaveLength(1);
  });

  it('restores a round of the newest run after a reload, and only while it is the newest', async () => {
    const panel = fakePanel('analysis.ipynb');
    const workspace = new FakeWorkspace(() => ok('plotted\n'));
    const titled = PLOT + "\nplt.title('Weight vs horsepower')";
    const first = createModel(
      fakeTracker([panel]),
      [
        new ScriptedModel({
          coder: [python(PLOT), python(titled)],
          critic: [critique([9, 9, 9, 9, 9, 5]), critique([9, 9, 9, 9, 9, 6])]
        })
      ],
      new Map([[panel, workspace]])
    );
    await first.model.ask(TASK);
    await first.model.rerunWithCritique();

    // A reload: the run comes back with both rounds and can restore the first.
    const tracker = fakeTracker([]);
    const { model } = createModel(
      tracker,
      [
        new ScriptedModel({ critic: [critique([9, 9, 9, 9, 9, 7])] }),
        new ScriptedModel({
          coder: [python(PLOT)],
          critic: [critique([9, 9, 9, 9, 9, 9])]
        })
      ],
      new Map([[panel, workspace]])
    );
    tracker.widgetAdded.emit(panel);
    await settle();
    const [run] = model.runs;
    expect(run.scoredRounds.map(r => r.round)).toEqual([1, 2]);
    expect(workspace.teamCells().map(cell => cell.source)).toEqual([titled]);
    panel.isDisposed = true;
    expect(model.canRestore(run)).toBe(false);
    panel.isDisposed = false;
    expect(model.canRestore(run)).toBe(true);

    const summary = await model.restoreRound(run, 1);
    expect(summary?.reason).toBe('restored');
    expect(workspace.teamCells().map(cell => cell.source)).toEqual([PLOT]);
    expect(run.latestCritique?.lowest).toBe(7);

    // Once a newer run exists, the older one no longer restores.
    tracker.currentWidget = panel;
    await model.ask(TASK);
    expect(model.canRestore(run)).toBe(false);
    expect(await model.restoreRound(run, 2)).toBeNull();
    expect(model.notice).toContain('Only the newest run');
  });

  it('applies the approval toggle to the run in progress', async () => {
    const panel = fakePanel('analysis.ipynb');
    const workspace = new FakeWorkspace(() => ok());
    const { model } = createModel(
      fakeTracker([panel]),
      [new ScriptedModel({ coder: [python(PLOT)] })],
      new Map([[panel, workspace]])
    );
    const done = model.ask(TASK);
    model.activeRun!.setApprovalMode('ask');
    await settle();
    await settle();
    expect(model.activeRun?.pendingDecision).toBe('approve-draft');
    expect(workspace.executed).toEqual([]);
    model.stop();
    expect((await done)?.reason).toBe('stopped');
  });
});
