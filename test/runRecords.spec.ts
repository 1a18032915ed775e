import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import { compactRecords, parseRecords } from '../src/team/runRecords';
import { TeamRun } from '../src/team/teamRun';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  ok,
  python
} from './teamFakes';

const PLOT = "cars.plot.scatter('Weight_in_lbs', 'Horsepower')";

/** A run that ended after one critique (aesthetics 5), with a reply and an output of `size` characters. */
async function endedRun(size = 100) {
  const model = new ScriptedModel({
    coder: [python(PLOT, 'Plotting. ' + 'p'.repeat(size))],
    critic: [critique([9, 9, 9, 9, 9, 5])]
  });
  const workspace = new FakeWorkspace(() => ok('o'.repeat(size) + '\n'));
  const run = new TeamRun({
    task: 'plot weight against horsepower',
    model,
    workspace,
    config: { ...DEFAULT_TEAM_CONFIG, autoRevisions: 0, maxOutputChars: 0 }
  });
  await run.start();
  return { run, workspace };
}

describe('run records', () => {
  it('restore an ended run that Rerun with critique continues in the same cells', async () => {
    const { run, workspace } = await endedRun();
    const record = JSON.parse(JSON.stringify(run.toRecord()));

    const model = new ScriptedModel({
      coder: [python(PLOT + "\nplt.title('Weight vs horsepower')")],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const restored = TeamRun.fromRecord(parseRecords({ runs: [record] })[0], {
      model,
      workspace,
      config: { ...DEFAULT_TEAM_CONFIG, autoRevisions: 0 }
    });

    expect(restored.id).toBe(run.id);
    expect(restored.task).toBe(run.task);
    expect(restored.phase).toBe('ended');
    expect(restored.messages.map(m => m.kind)).toEqual(
      run.messages.map(m => m.kind)
    );
    expect(restored.latestCritique?.scores.aesthetics).toBe(5);
    expect(restored.canRerun).toBe(true);

    const summary = await restored.rerunWithCritique('add a title');
    expect(summary.reason).toBe('threshold');
    expect(summary.rounds).toBe(2);
    expect(workspace.teamCells().map(c => c.source)).toEqual([
      PLOT + "\nplt.title('Weight vs horsepower')"
    ]);
    // The Coder revises from the restored critique and the restored code.
    const prompt = JSON.stringify(model.calls('coder')[0].messages);
    expect(prompt).toContain('Add axis labels');
    expect(prompt).toContain(PLOT);
  });

  it('cannot rerun a restored run whose cells were deleted', async () => {
    const { run, workspace } = await endedRun();
    workspace.cells = workspace.cells.filter(c => !c.metadata);
    const restored = TeamRun.fromRecord(run.toRecord(), {
      model: new ScriptedModel({}),
      workspace,
      config: DEFAULT_TEAM_CONFIG
    });
    expect(restored.canRerun).toBe(false);
  });

  it('cut long texts to head and tail, thin the oldest runs first, and always keep the newest', async () => {
    const records = [];
    for (let i = 0; i < 4; i++) {
      records.push((await endedRun(30_000)).run.toRecord());
    }
    const all = compactRecords(records, 10_000_000);
    expect(all).toHaveLength(4);
    const newest = all[3];
    const reply = newest.messages.find(m => m.kind === 'code')!.text;
    expect(reply.length).toBeLessThan(4200);
    expect(reply).toContain('characters cut');
    expect(reply).toContain('```python');

    const budget = JSON.stringify(all).length - 1000;
    const thinned = compactRecords(records, budget);
    expect(thinned).toHaveLength(4);
    expect(JSON.stringify(thinned).length).toBeLessThanOrEqual(budget);
    expect(thinned[0].messages.find(m => m.kind === 'code')!.text).toBe('');
    expect(thinned[0].messages[0].text).toBe('plot weight against horsepower');
    expect(thinned[3].messages.find(m => m.kind === 'code')!.text).toBe(reply);

    const dropped = compactRecords(records, 20_000);
    expect(dropped.length).toBeLessThan(4);
    expect(dropped[dropped.length - 1].id).toBe(records[3].id);
    expect(compactRecords(records, 10)).toHaveLength(1);
  });

  it('read critiques kept before the rubric could change as scored on the six defaults', async () => {
    const { run } = await endedRun();
    const record = JSON.parse(JSON.stringify(run.toRecord()));
    delete record.latestCritique.dimensions;
    for (const message of record.messages) {
      delete message.critique?.dimensions;
    }

    const [read] = parseRecords({ runs: [record] });

    const names = read.latestCritique?.dimensions.map(d => d.name);
    expect(names).toEqual([
      'bugs',
      'transformation',
      'compliance',
      'type',
      'encoding',
      'aesthetics'
    ]);
    const scored = read.messages.find(m => m.critique)!;
    expect(scored.critique?.dimensions.map(d => d.name)).toEqual(names);
  });

  it('read nothing from metadata that is not ours', () => {
    expect(parseRecords(undefined)).toEqual([]);
    expect(parseRecords({ runs: 'no' })).toEqual([]);
    expect(parseRecords({ runs: [{ version: 2, id: 'x' }, null, 3] })).toEqual(
      []
    );
  });
});
