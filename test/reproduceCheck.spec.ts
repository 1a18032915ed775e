/**
 * Drafts that reproduce: before a cycle ends at the threshold, the team's
 * cells run top to bottom in a fresh kernel; a cell that only worked thanks
 * to the notebook's kernel goes back to the Coder as an error to fix.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { DEFAULT_TEAM_CONFIG, ITeamConfig } from '../src/team/config';
import { TeamRun } from '../src/team/teamRun';
import type {
  ICellExecution,
  IChatMessage,
  IFreshRun,
  IFreshRunOptions
} from '../src/team/types';
import { reproduceLabel } from '../src/widgets/labels';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  error,
  freshRun,
  ok,
  python
} from './teamFakes';

const TASK = 'plot weight against horsepower from cars.csv';
const USER_CELL = "cars = pd.read_csv('cars.csv')";
/** Works only where the user's cell ran before: `cars` is theirs. */
const LEANS_ON_USER =
  "print(cars.columns.tolist())\ncars.plot.scatter('Weight_in_lbs', 'Horsepower')";
const LOADS_ITSELF =
  "import pandas as pd\ncars = pd.read_csv('cars.csv')\n" + LEANS_ON_USER;
const GOOD = critique([9, 9, 9, 9, 9, 9], ['None']);
const NAME_ERROR = "NameError: name 'cars' is not defined";

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

/** The notebook's kernel: the user's cell ran there, so `cars` exists. */
function liveKernel(): ICellExecution {
  return ok("['Name', 'Weight_in_lbs', 'Horsepower']\n");
}

/** A clean kernel: `cars` exists only once a cell of the draft loads it. */
function cleanKernel(source: string, before: string[]): ICellExecution {
  const loaded = [...before, source].some(code => code.includes('read_csv'));
  return source.includes('cars') && !loaded
    ? error('NameError', "name 'cars' is not defined")
    : ok();
}

function setUp(
  replies: { coder: string[]; critic: string[] },
  overrides: Partial<ITeamConfig> = {}
) {
  const model = new ScriptedModel(replies);
  const workspace = new FakeWorkspace(liveKernel);
  workspace.cells[0].source = USER_CELL;
  workspace.fresh = sources => freshRun(sources, cleanKernel);
  const run = new TeamRun({
    task: TASK,
    model,
    workspace,
    config: config(overrides)
  });
  return { model, workspace, run };
}

const checks = (run: TeamRun) =>
  run.messages.filter(message => message.reproduce);

describe('The check in a fresh kernel', () => {
  it('runs the passing cells in a fresh kernel, says they reproduce and ends at the threshold', async () => {
    const { model, workspace, run } = setUp({
      coder: [python(LOADS_ITSELF) + python("print('done')")],
      critic: [GOOD]
    });

    const summary = await run.start();

    expect(summary.reason).toBe('threshold');
    expect(workspace.freshRuns).toHaveLength(1);
    expect(workspace.freshRuns[0].sources).toEqual([
      LOADS_ITSELF,
      "print('done')"
    ]);
    // Each cell gets the run's execution timeout, and Stop reaches the check.
    expect(workspace.freshRuns[0].options.timeoutMs).toBe(120000);
    expect(workspace.freshRuns[0].options.signal).toBeDefined();
    const [notice] = checks(run);
    expect(notice).toMatchObject({
      agent: 'user_proxy',
      kind: 'notice',
      failed: false,
      reproduce: {
        status: 'ok',
        cells: 2,
        failedCell: null,
        kernel: 'Python 3'
      }
    });
    expect(run.messages.map(m => m.kind).slice(-3)).toEqual([
      'critique',
      'notice',
      'summary'
    ]);
    // A passing check costs no model call.
    expect(model.requests).toHaveLength(2);
  });

  it('sends a cell that leans on the user’s variable back to the Coder, and ends once the revision reproduces', async () => {
    const { model, workspace, run } = setUp({
      coder: [python(LEANS_ON_USER), python(LOADS_ITSELF)],
      critic: [GOOD, GOOD]
    });

    const summary = await run.start();

    expect(summary.reason).toBe('threshold');
    expect(summary.rounds).toBe(2);
    // Both drafts ran fine in the notebook, where `cars` is the user's.
    expect(workspace.executed).toEqual([LEANS_ON_USER, LOADS_ITSELF]);
    expect(model.calls('critic')).toHaveLength(2);
    expect(workspace.freshRuns.map(check => check.sources)).toEqual([
      [LEANS_ON_USER],
      [LOADS_ITSELF]
    ]);
    const prompt = userText(model.calls('coder')[1].messages[1]);
    expect(prompt).toContain(
      "Cell 1 failed when the cells ran in a fresh kernel (they must not rely on variables from earlier drafts or the user's own cells)"
    );
    expect(prompt).toContain(NAME_ERROR);
    const [failed, passed] = checks(run);
    expect(failed).toMatchObject({
      failed: true,
      round: 1,
      reproduce: {
        status: 'error',
        failedCell: 1,
        errorLine: NAME_ERROR,
        kernel: 'Python 3'
      }
    });
    expect(passed).toMatchObject({
      failed: false,
      round: 2,
      reproduce: { status: 'ok', cells: 1 }
    });
    expect(run.messages.map(m => `${m.agent}:${m.kind}`)).toEqual([
      'user_proxy:task',
      'coder:code',
      'user_proxy:execution',
      'critic:critique',
      'user_proxy:notice',
      'coder:code',
      'user_proxy:execution',
      'critic:critique',
      'user_proxy:notice',
      'user_proxy:summary'
    ]);
  });

  it('names the failing cell of several, with the output it printed first', async () => {
    const { model, workspace, run } = setUp({
      coder: [
        python("print('start')") + python(LEANS_ON_USER),
        python(LOADS_ITSELF)
      ],
      critic: [GOOD, GOOD]
    });
    workspace.fresh = sources =>
      freshRun(sources, (source, before) =>
        source.includes("'start'")
          ? ok('start\n')
          : cleanKernel(source, before).status === 'error'
            ? error('NameError', "name 'cars' is not defined", 'loading\n')
            : ok()
      );

    expect((await run.start()).reason).toBe('threshold');

    expect(checks(run)[0].reproduce).toMatchObject({
      failedCell: 2,
      cells: 2,
      errorLine: NAME_ERROR
    });
    const prompt = userText(model.calls('coder')[1].messages[1]);
    expect(prompt).toContain(
      'Cell 2 failed when the cells ran in a fresh kernel'
    );
    expect(prompt).toContain('loading');
  });

  it('runs no check when the setting is off', async () => {
    const { model, workspace, run } = setUp(
      { coder: [python(LEANS_ON_USER)], critic: [GOOD] },
      { reproduceCheck: false }
    );

    expect((await run.start()).reason).toBe('threshold');

    expect(workspace.freshRuns).toHaveLength(0);
    expect(checks(run)).toHaveLength(0);
    expect(model.requests).toHaveLength(2);
  });

  it('runs no check when the cycle ends below the threshold', async () => {
    const { workspace, run } = setUp(
      {
        coder: [python(LEANS_ON_USER)],
        critic: [critique([9, 9, 9, 9, 9, 5])]
      },
      { autoRevisions: 0 }
    );

    expect((await run.start()).reason).toBe('revisions-used');
    expect(workspace.freshRuns).toHaveLength(0);
  });

  it('says why when no fresh kernel can start, and ends at the threshold', async () => {
    const { model, workspace, run } = setUp({
      coder: [python(LEANS_ON_USER)],
      critic: [GOOD]
    });
    workspace.fresh = () => ({
      status: 'unavailable',
      failedCell: null,
      output: [],
      kernel: '',
      reason:
        'a new Python 3 kernel could not start (No such kernel named python3).'
    });

    expect((await run.start()).reason).toBe('threshold');

    expect(checks(run)[0]).toMatchObject({
      failed: false,
      reproduce: {
        status: 'unavailable',
        reason:
          'a new Python 3 kernel could not start (No such kernel named python3).'
      }
    });
    expect(model.requests).toHaveLength(2);
  });

  it('treats a check that throws as one that could not run', async () => {
    const { run, workspace } = setUp({
      coder: [python(LEANS_ON_USER)],
      critic: [GOOD]
    });
    workspace.fresh = () => Promise.reject(new Error('server gone'));

    expect((await run.start()).reason).toBe('threshold');
    expect(checks(run)[0].reproduce).toMatchObject({
      status: 'unavailable',
      reason: 'server gone'
    });
  });

  it('says a cell timed out in the fresh kernel and ends at the threshold without blaming the Coder', async () => {
    const { model, workspace, run } = setUp(
      { coder: [python(LOADS_ITSELF)], critic: [GOOD] },
      { executionTimeout: 30 }
    );
    workspace.fresh = (_, options) => ({
      status: 'timeout',
      failedCell: 1,
      output: [],
      kernel: 'Python 3',
      reason: String(options.timeoutMs)
    });

    expect((await run.start()).reason).toBe('threshold');

    expect(workspace.freshRuns[0].options.timeoutMs).toBe(30000);
    expect(checks(run)[0].reproduce).toMatchObject({
      status: 'timeout',
      failedCell: 1,
      seconds: 30
    });
    expect(model.calls('coder')).toHaveLength(1);
  });

  it('ends as stopped when Stop is pressed during the check, and aborts it', async () => {
    const { workspace, run } = setUp({
      coder: [python(LOADS_ITSELF)],
      critic: [GOOD]
    });
    let signal: AbortSignal | undefined;
    workspace.fresh = (_, options: IFreshRunOptions) =>
      new Promise<IFreshRun>(resolve => {
        signal = options.signal;
        options.signal?.addEventListener('abort', () =>
          resolve({
            status: 'stopped',
            failedCell: null,
            output: [],
            kernel: 'Python 3'
          })
        );
        setTimeout(() => run.stop(), 0);
      });

    const summary = await run.start();

    expect(summary.reason).toBe('stopped');
    expect(signal?.aborted).toBe(true);
    expect(checks(run)).toHaveLength(0);
  });

  it('ends as stopped at once even when the check does not answer Stop', async () => {
    const { workspace, run } = setUp({
      coder: [python(LOADS_ITSELF)],
      critic: [GOOD]
    });
    workspace.fresh = () => {
      setTimeout(() => run.stop(), 0);
      return new Promise<IFreshRun>(() => {});
    };

    expect((await run.start()).reason).toBe('stopped');
  });

  it('ends with the notebook’s fault when the notebook closes during the check', async () => {
    const { workspace, run } = setUp({
      coder: [python(LOADS_ITSELF)],
      critic: [GOOD]
    });
    workspace.fresh = () =>
      new Promise<IFreshRun>(() => {
        setTimeout(() =>
          workspace.faulted.emit({
            kind: 'notebook',
            reason: 'The notebook analysis.ipynb was closed, so the run ended.'
          })
        );
      });

    const summary = await run.start();

    expect(summary.reason).toBe('notebook');
    expect(workspace.freshRuns[0].options.signal?.aborted).toBe(true);
  });

  it('counts failed checks as failed drafts: the run gives up after the allowed fixes', async () => {
    const { model, workspace, run } = setUp(
      {
        coder: [python(LEANS_ON_USER), python(LEANS_ON_USER)],
        critic: [GOOD, GOOD]
      },
      { maxFixAttempts: 1 }
    );

    expect((await run.start()).reason).toBe('fix-attempts');

    expect(workspace.freshRuns).toHaveLength(2);
    expect(model.calls('coder')).toHaveLength(2);
    expect(checks(run).map(m => m.reproduce?.status)).toEqual([
      'error',
      'error'
    ]);
  });

  it('counts a failed check together with an error in the notebook', async () => {
    const { model, workspace, run } = setUp(
      {
        coder: [python(LEANS_ON_USER), python('cars.plot(]')],
        critic: [GOOD]
      },
      { maxFixAttempts: 1 }
    );
    workspace.run = source =>
      source.includes('(]')
        ? error('SyntaxError', 'closing parenthesis')
        : liveKernel();

    expect((await run.start()).reason).toBe('fix-attempts');
    expect(model.calls('coder')).toHaveLength(2);
    expect(workspace.freshRuns).toHaveLength(1);
  });

  it('stays within max rounds however often the check fails', async () => {
    const { model, run } = setUp(
      {
        coder: Array(10).fill(python(LEANS_ON_USER)),
        critic: Array(10).fill(GOOD)
      },
      { maxRounds: 7, maxFixAttempts: 10 }
    );

    expect((await run.start()).reason).toBe('max-rounds');
    // Coder, User proxy and Critic post three counted messages a draft.
    expect(model.calls('coder')).toHaveLength(3);
    expect(model.calls('critic')).toHaveLength(2);
  });

  it('checks a restored round that meets the threshold; a failure ends the restore and reaches the Coder on rerun', async () => {
    const { model, workspace, run } = setUp(
      {
        coder: [python(LEANS_ON_USER), python(LOADS_ITSELF)],
        critic: [critique([9, 9, 9, 9, 9, 5]), GOOD, GOOD]
      },
      { autoRevisions: 0 }
    );
    expect((await run.start()).reason).toBe('revisions-used');
    expect(workspace.freshRuns).toHaveLength(0);

    expect((await run.restoreRound(1)).reason).toBe('restored');
    expect(checks(run)[0].reproduce?.status).toBe('error');

    expect((await run.rerunWithCritique()).reason).toBe('threshold');
    const prompt = userText(model.calls('coder')[1].messages[1]);
    expect(prompt).toContain(
      'Cell 1 failed when the cells ran in a fresh kernel'
    );
    expect(prompt).toContain(NAME_ERROR);
    expect(checks(run).map(m => m.reproduce?.status)).toEqual(['error', 'ok']);
  });
});

describe('The sidebar’s words for the check', () => {
  const trans = nullTranslator.load('jupyterlab_agent_team');
  const check = (patch: Partial<TeamRun.IReproduceCheck>) =>
    reproduceLabel(
      {
        status: 'ok',
        cells: 2,
        failedCell: null,
        errorLine: '',
        kernel: 'Python 3',
        reason: '',
        seconds: 120,
        ...patch
      },
      trans
    );

  it('says which cells ran, in which kernel, and which cell failed', () => {
    expect(check({})).toBe(
      'Reproduces from a clean kernel: cells 1–2 ran without error in a fresh Python 3 kernel.'
    );
    expect(check({ cells: 1 })).toBe(
      'Reproduces from a clean kernel: cell 1 ran without error in a fresh Python 3 kernel.'
    );
    expect(check({ status: 'error', failedCell: 2 })).toBe(
      'Does not reproduce from a clean kernel: cell 2 failed in a fresh Python 3 kernel.'
    );
    expect(check({ status: 'timeout', failedCell: 1 })).toBe(
      'Not confirmed from a clean kernel: cell 1 ran longer than 120 s in a fresh Python 3 kernel, so the check stopped.'
    );
    expect(
      check({ status: 'unavailable', reason: 'the notebook has no kernel.' })
    ).toBe(
      'The check from a clean kernel could not run: the notebook has no kernel.'
    );
  });
});
