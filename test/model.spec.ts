/**
 * The view-model with its adapters faked: the runs of each notebook, what a
 * notebook keeps of them, and what is restored when it opens again.
 */
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { ModelConnections } from '../src/connections';
import type {
  IEndpoint,
  IEndpointService,
  IEndpointStatus
} from '../src/llm/endpoints';
import type { ModelChoices } from '../src/llm/modelChoice';
import { AgentTeamModel } from '../src/model';
import { AgentTeamSettings } from '../src/settings';
import type { TeamRun } from '../src/team/teamRun';
import { ChatModelError } from '../src/team/types';
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

/** A Jupyter server with one endpoint, LM Studio, serving one model. */
function fakeEndpoints(
  state: IEndpointStatus['state'] = 'connected'
): IEndpointService {
  const endpoint: IEndpoint = {
    name: 'LM Studio',
    baseUrl: 'http://localhost:1234/v1',
    keySource: '',
    hasKey: false,
    vision: null,
    contextWindow: null,
    defaultModel: '',
    origin: 'server'
  };
  return {
    list: async () => ({ endpoints: [endpoint], discoveryPorts: [] }),
    setUserEndpoints: async () => ({
      endpoints: [endpoint],
      discoveryPorts: []
    }),
    check: async name => ({
      name,
      state,
      reason: state === 'connected' ? '' : 'connection refused',
      fix:
        state === 'connected'
          ? ''
          : "Start LM Studio's server on port 1234, or pick another endpoint",
      models:
        state === 'connected'
          ? [{ id: 'qwen2.5-coder', vision: false, contextLength: 32768 }]
          : []
    }),
    discover: async () => ({ found: [], endpoints: [endpoint] }),
    clearCache: async () => 0
  };
}

function createModel(
  tracker: ReturnType<typeof fakeTracker>,
  chatModels: ScriptedModel[],
  workspaces: Map<FakePanel, FakeWorkspace>,
  service: IEndpointService = fakeEndpoints()
) {
  const choices: ModelChoices[] = [];
  // One critique per run: the Coder does not revise on its own.
  const settings = new AgentTeamSettings({
    composite: { autoRevisions: 0 },
    changed: new Signal<unknown, void>({})
  } as unknown as ISettingRegistry.ISettings);
  const connections = new ModelConnections({
    service,
    settings,
    trans: nullTranslator.load('jupyterlab_agent_team')
  });
  void connections.refresh();
  const model = new AgentTeamModel({
    tracker: tracker as unknown as INotebookTracker,
    settings,
    translator: nullTranslator,
    contents: { save: async () => ({}) as never },
    activate: () => undefined,
    createChatModel: choice => {
      choices.push(choice);
      // Each call goes to the first scripted model with a reply left for its agent.
      return {
        complete: request => {
          const next = chatModels.find(
            candidate => candidate.replies[request.agent]?.length
          );
          if (!next) {
            throw new Error(`no reply left for ${request.agent}`);
          }
          return next.complete(request);
        }
      };
    },
    createWorkspace: panel => workspaces.get(panel as unknown as FakePanel)!,
    thumbnail: async png => `data:image/png;base64,${png}`,
    connections
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
    const summary = await model.ask(TASK);

    expect(summary?.reason).toBe('revisions-used');
    // The model the checked endpoint listed, decided before the run.
    expect(choices).toHaveLength(1);
    expect(
      Object.values(choices[0]).map(agent =>
        agent.routes.map(route => [route.endpoint.name, route.model])
      )
    ).toEqual([
      [['LM Studio', 'qwen2.5-coder']],
      [['LM Studio', 'qwen2.5-coder']]
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

  it('refuses a task while the chosen endpoint is unreachable, saying what to do, and hands the task back', async () => {
    const panel = fakePanel('analysis.ipynb');
    const { model } = createModel(
      fakeTracker([panel]),
      [],
      new Map([[panel, new FakeWorkspace(() => ok())]]),
      fakeEndpoints('unreachable')
    );
    expect(await model.ask(TASK)).toBeNull();
    expect(model.runs).toHaveLength(0);
    expect(model.notice).toBe(
      "LM Studio: unreachable — connection refused — Start LM Studio's server on port 1234, or pick another endpoint"
    );
    expect(model.returnedTask?.text).toBe(TASK);
  });

  it('hands a task back after a failed first call, and Retry starts it again on the same notebook', async () => {
    const panel = fakePanel('analysis.ipynb');
    const workspace = new FakeWorkspace(() => ok('plotted\n'));
    const failing = new ScriptedModel({
      coder: [
        async () => {
          throw new ChatModelError(
            'the model server at LM Studio answered 503: model is loading',
            'http',
            { status: 503 }
          );
        },
        python(PLOT)
      ],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const tracker = fakeTracker([panel]);
    const { model } = createModel(
      tracker,
      [failing],
      new Map([[panel, workspace]])
    );
    const first = await model.ask(TASK);
    expect(first?.reason).toBe('model-error');
    expect(model.returnedTask).toEqual({ id: 1, text: TASK });
    tracker.currentWidget = null as unknown as FakePanel;
    const second = await model.retry(model.runs[0]);
    expect(second?.reason).toBe('threshold');
    expect(model.runs).toHaveLength(2);
    expect(workspace.teamCells().map(cell => cell.source)).toEqual([PLOT]);
  });

  it('applies the approval toggle to the run in progress', async () => {
    const panel = fakePanel('analysis.ipynb');
    const workspace = new FakeWorkspace(() => ok());
    const { model } = createModel(
      fakeTracker([panel]),
      [new ScriptedModel({ coder: [python(PLOT)] })],
      new Map([[panel, workspace]])
    );
    // The run starts once the endpoints have been checked; switch as it appears.
    model.changed.connect(() => model.runs[0]?.setApprovalMode('ask'));
    const done = model.ask(TASK);
    await settle();
    await settle();
    expect(model.activeRun?.pendingDecision).toBe('approve-draft');
    expect(workspace.executed).toEqual([]);
    model.stop();
    expect((await done)?.reason).toBe('stopped');
  });
});
