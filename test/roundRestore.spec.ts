import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import { compactRecords } from '../src/team/runRecords';
import { TeamRun } from '../src/team/teamRun';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  hangUntilAborted,
  python
} from './teamFakes';

const TASK = 'plot weight against horsepower from cars.csv';
// Two valid PNG headers (1×1 and 2×1), so each round's plot can be told apart.
const PNG_1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG_2 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const URL_1 = `data:image/png;base64,${PNG_1}`;
const URL_2 = `data:image/png;base64,${PNG_2}`;
const ROUND_1 =
  "df = pd.read_csv('cars.csv')\ndf.plot.scatter('Weight_in_lbs', 'Horsepower')";
const ROUND_2 = ROUND_1 + "\nplt.title('Heavier cars have more horsepower')";

/** The kernel draws PNG_2 for code with a title, PNG_1 otherwise. */
function kernel(source: string) {
  return {
    status: 'ok' as const,
    outputs: [
      { output_type: 'stream', name: 'stdout', text: 'plotted\n' },
      {
        output_type: 'display_data',
        data: {
          'image/png': source.includes('plt.title') ? PNG_2 : PNG_1,
          'text/plain': '<Figure size 640x480 with 1 Axes>'
        }
      }
    ],
    executionCount: 1
  };
}

/** Two scored rounds (lowest 5, then 6), ended with the revisions used. */
async function twoRounds(criticAfter: string[] = []) {
  const model = new ScriptedModel({
    coder: [
      // A chatty reply, as real models write them.
      `Sure! Here is the scatter plot:\n\n${python(ROUND_1)}\nLet me know if you want changes.`,
      `I added a title as the Critic asked.\n${python(ROUND_2)}`
    ],
    critic: [
      critique([9, 8, 8, 8, 8, 5], ['Add a title']),
      critique([9, 8, 6, 8, 8, 8], ['The title claims too much']),
      ...criticAfter
    ]
  });
  const workspace = new FakeWorkspace(kernel);
  const run = new TeamRun({
    task: TASK,
    model,
    workspace,
    config: { ...DEFAULT_TEAM_CONFIG, autoRevisions: 1 }
  });
  expect((await run.start()).reason).toBe('revisions-used');
  return { model, workspace, run };
}

describe('Rounds of a run', () => {
  it('keeps what each critique scored: the cells as they ran and the first plot', async () => {
    const { run } = await twoRounds();
    const rounds = run.scoredRounds;
    expect(rounds.map(r => r.round)).toEqual([1, 2]);
    expect(rounds.map(r => r.critique.lowest)).toEqual([5, 6]);
    expect(rounds[0].scored.sources).toEqual([ROUND_1]);
    expect(rounds[1].scored.sources).toEqual([ROUND_2]);
    expect(rounds.map(r => r.scored.plot)).toEqual([URL_1, URL_2]);
  });

  it('restores a round: its code back in the same team cells, run, and scored again without the Coder', async () => {
    const { model, workspace, run } = await twoRounds([
      critique([9, 8, 7, 8, 8, 7])
    ]);
    const cellIds = run.cellIds;

    const summary = await run.restoreRound(1);

    expect(summary.reason).toBe('restored');
    expect(model.calls('coder')).toHaveLength(2);
    expect(model.calls('critic')).toHaveLength(3);
    expect(run.cellIds).toEqual(cellIds);
    expect(workspace.teamCells().map(c => c.source)).toEqual([ROUND_1]);
    // The Critic scored what the restored cells really printed and drew.
    expect(JSON.stringify(model.calls('critic')[2].messages)).toContain(
      ROUND_1.split('\n')[1]
    );
    const latest = run.scoredRounds[2];
    expect(latest).toMatchObject({
      round: 3,
      scored: { sources: [ROUND_1], plot: URL_1, restoredFrom: 1 }
    });
    expect(run.latestCritique?.lowest).toBe(7);
    expect(run.messages.find(m => m.kind === 'restore')?.restoredRound).toBe(1);
    // Rerun with critique then works from the restored round's critique.
    expect(run.canRerun).toBe(true);
  });

  it('ends at the threshold when the restored round meets it', async () => {
    const { run } = await twoRounds([critique([9, 9, 9, 9, 9, 9])]);
    expect((await run.restoreRound(1)).reason).toBe('threshold');
  });

  it('refuses a round that was never scored, and a restore while running', async () => {
    const { model, run } = await twoRounds();
    await expect(run.restoreRound(7)).rejects.toThrow('cannot be restored');
    model.replies.coder!.push(hangUntilAborted('Let me think'));
    const rerun = run.rerunWithCritique();
    await expect(run.restoreRound(1)).rejects.toThrow('cannot be restored');
    run.stop();
    expect((await rerun).reason).toBe('stopped');
  });

  it('keeps a restored run in the record; the newest plot is left to the cells, older ones go first when over budget', async () => {
    const { run } = await twoRounds();
    const [record] = compactRecords([run.toRecord()]);
    const plots = record.messages
      .filter(m => m.scored)
      .map(m => m.scored!.plot);
    expect(plots).toEqual([URL_1, null]);
    // Restored, the newest round takes its plot from the cells that show it.
    const restored = TeamRun.fromRecord(
      record,
      {
        model: new ScriptedModel({}),
        workspace: new FakeWorkspace(kernel),
        config: DEFAULT_TEAM_CONFIG
      },
      URL_2
    );
    expect(restored.scoredRounds.map(r => r.scored.sources)).toEqual([
      [ROUND_1],
      [ROUND_2]
    ]);
    expect(restored.scoredRounds.map(r => r.scored.plot)).toEqual([
      URL_1,
      URL_2
    ]);

    // A budget too small for every plot: the oldest run's plots go first.
    const older = { ...record, id: 'older', startedAt: '2026-01-01T00:00:00Z' };
    const big = 'A'.repeat(40_000);
    const withBigPlot = (r: TeamRun.IRecord): TeamRun.IRecord => ({
      ...r,
      messages: r.messages.map(m =>
        m.scored ? { ...m, scored: { ...m.scored, plot: big } } : m
      )
    });
    const size = JSON.stringify(
      compactRecords([withBigPlot(older), withBigPlot(record)], 10_000_000)
    ).length;
    const kept = compactRecords(
      [withBigPlot(older), withBigPlot(record)],
      size - 30_000
    );
    expect(kept).toHaveLength(2);
    const keptPlots = kept.map(r =>
      r.messages.filter(m => m.scored).map(m => m.scored!.plot !== null)
    );
    // Each run's newest plot is left out anyway; the older run lost its other.
    expect(keptPlots).toEqual([
      [false, false],
      [true, false]
    ]);
  });
});
