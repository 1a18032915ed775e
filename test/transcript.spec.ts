import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import { parseCritique } from '../src/team/critique';
import { TeamRun, meetsThreshold } from '../src/team/teamRun';
import { Transcript } from '../src/team/transcript';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  ok,
  python
} from './teamFakes';

function message(text = 'Hello') {
  return {
    agent: 'coder' as const,
    kind: 'code' as const,
    round: 1,
    text,
    streaming: true,
    failed: false
  };
}

describe('Transcript', () => {
  it('keeps records immutable: update replaces the record and signals that message only', () => {
    const transcript = new Transcript();
    const first = transcript.add(message('first'));
    const second = transcript.add(message('second'));
    const seen: string[] = [];
    transcript
      .changedOf(first.id)
      .connect((_, record) => seen.push(`1:${record.text}`));
    transcript
      .changedOf(second.id)
      .connect((_, record) => seen.push(`2:${record.text}`));

    const updated = transcript.update(first.id, {
      text: 'first, more',
      streaming: false
    });

    expect(seen).toEqual(['1:first, more']);
    expect(first.text).toBe('first');
    expect(Object.isFrozen(updated)).toBe(true);
    expect(() => {
      (updated as { text: string }).text = 'changed in place';
    }).toThrow();
    expect(transcript.get(first.id)).toBe(updated);
    expect(transcript.messages.map(m => m.text)).toEqual([
      'first, more',
      'second'
    ]);
  });

  it('announces each added message, and refuses to patch one it does not hold', () => {
    const transcript = new Transcript();
    const added: string[] = [];
    transcript.added.connect((_, record) => added.push(record.text));
    transcript.add(message('a'));
    transcript.add(message('b'));
    expect(added).toEqual(['a', 'b']);
    expect(() => transcript.update('nope', { text: 'x' })).toThrow(
      'No message nope'
    );
  });

  it('round-trips through JSON with ids, order and nested records', () => {
    const transcript = new Transcript();
    transcript.add({
      ...message('task'),
      agent: 'user_proxy',
      kind: 'task',
      streaming: false
    });
    const scored = transcript.add({
      ...message(''),
      agent: 'critic',
      kind: 'critique'
    });
    transcript.update(scored.id, {
      text: critique([9, 8, 9, 9, 8, 5]),
      streaming: false,
      critique: { ...parseCritique(critique([9, 8, 9, 9, 8, 5])), text: 'x' }
    });

    const json = JSON.parse(JSON.stringify(transcript.toJSON()));
    const restored = Transcript.fromJSON(json);

    expect(restored.toJSON()).toEqual(transcript.toJSON());
    expect(restored.messages[1].id).toBe(scored.id);
    expect(restored.messages[1].critique?.scores.aesthetics).toBe(5);
  });

  it('disposes once and clears its signals', () => {
    const transcript = new Transcript();
    const record = transcript.add(message());
    const seen: string[] = [];
    transcript.changedOf(record.id).connect(() => seen.push('changed'));
    transcript.dispose();
    transcript.dispose();
    expect(transcript.isDisposed).toBe(true);
    transcript.update(record.id, { text: 'after' });
    expect(seen).toEqual([]);
  });
});

describe('TeamRun and its transcript', () => {
  it('streams a reply into its own message: tokens do not signal the run', async () => {
    const model = new ScriptedModel({
      coder: [python("print('hi')")],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const run = new TeamRun({
      task: 'say hi',
      model,
      workspace: new FakeWorkspace(() => ok('hi\n')),
      config: DEFAULT_TEAM_CONFIG
    });
    const runChanges: string[] = [];
    run.changed.connect((_, change) => runChanges.push(change.type));
    const coderUpdates: string[] = [];
    run.transcript.added.connect((transcript, record) => {
      if (record.kind === 'code') {
        transcript
          .changedOf(record.id)
          .connect((_, r) => coderUpdates.push(r.text));
      }
    });

    await run.start();

    // Two streamed pieces, then the final record.
    expect(coderUpdates).toHaveLength(3);
    expect(coderUpdates[2]).toContain("print('hi')");
    expect(
      runChanges.every(type => type === 'activity' || type === 'phase')
    ).toBe(true);
    expect(run.messages.map(m => m.kind)).toEqual([
      'task',
      'code',
      'execution',
      'critique',
      'notice',
      'summary'
    ]);
  });
});

describe('meetsThreshold', () => {
  it('needs every score, all at or above the threshold', () => {
    const full = parseCritique(critique([9, 8, 9, 9, 8, 8]));
    expect(meetsThreshold(full, 8)).toBe(true);
    expect(meetsThreshold(full, 9)).toBe(false);
    const cut = parseCritique('- bugs: 9/10\n- transformation: 9/10');
    expect(cut.lowest).toBe(9);
    expect(meetsThreshold(cut, 8)).toBe(false);
  });
});
