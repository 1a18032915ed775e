/**
 * What the run makes of its model connections: a retry in the status line, a
 * move to another endpoint in the transcript, tokens per agent in the summary.
 */
import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import { TeamRun } from '../src/team/teamRun';
import type { IChatModel, IChatRequest, IChatResult } from '../src/team/types';
import { stableNonce } from '../src/team/prompts';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  ok,
  python
} from './teamFakes';

const CODE = "cars = pd.read_csv('cars.csv')\nprint(cars.columns.tolist())";

/** The Coder's call is retried once, then moves to a backup; the Critic's has no usage from the server. */
class FlakyConnections implements IChatModel {
  activities: TeamRun.IActivity['kind'][] = [];
  run: TeamRun | null = null;

  async complete(request: IChatRequest): Promise<IChatResult> {
    if (request.agent === 'coder') {
      request.onEvent?.({
        kind: 'retry',
        attempt: 2,
        of: 4,
        delayMs: 4000,
        reason: 'Rate limit reached'
      });
      this.activities.push(this.run!.activity.kind);
      request.onEvent?.({
        kind: 'fallback',
        from: { endpoint: 'LM Studio', model: 'qwen2.5-coder-7b' },
        to: { endpoint: 'Ollama', model: 'llama3.1:8b' },
        reason: 'the model server answered 503'
      });
      const text = `Sure.\n${python(CODE)}`;
      request.onToken?.(text);
      return {
        text,
        usage: { promptTokens: 1200, completionTokens: 300 },
        route: { endpoint: 'Ollama', model: 'llama3.1:8b' }
      };
    }
    const text = critique([9, 9, 9, 9, 9, 9]);
    request.onToken?.(text);
    return {
      text,
      usage: { promptTokens: 500, completionTokens: 140, estimated: true },
      route: { endpoint: 'LM Studio', model: 'llava-1.6' },
      cached: true
    };
  }
}

describe('a run over its model connections', () => {
  it('shows a retry in the status line, a fallback in the transcript, and tokens per agent', async () => {
    const model = new FlakyConnections();
    const run = new TeamRun({
      task: 'print the fields of cars.csv',
      model,
      workspace: new FakeWorkspace(() => ok('[...]\n')),
      config: DEFAULT_TEAM_CONFIG
    });
    model.run = run;
    const summary = await run.start();

    expect(model.activities).toEqual(['retrying']);
    const notice = run.messages.find(m => m.fallback);
    expect(notice).toMatchObject({
      agent: 'coder',
      kind: 'notice',
      fallback: { from: { endpoint: 'LM Studio' }, to: { endpoint: 'Ollama' } }
    });
    const code = run.messages.find(m => m.kind === 'code')!;
    expect(code.route).toEqual({ endpoint: 'Ollama', model: 'llama3.1:8b' });
    const scored = run.messages.find(m => m.kind === 'critique')!;
    expect(scored.cached).toBe(true);
    expect(summary.usage).toEqual({
      modelCalls: 2,
      promptTokens: 1700,
      completionTokens: 440,
      estimated: true,
      byAgent: {
        coder: { modelCalls: 1, promptTokens: 1200, completionTokens: 300 },
        critic: { modelCalls: 1, promptTokens: 500, completionTokens: 140 }
      }
    });
    // The record keeps it, and a restored run says the same.
    const restored = TeamRun.fromRecord(run.toRecord(), {
      model,
      workspace: new FakeWorkspace(() => ok('')),
      config: DEFAULT_TEAM_CONFIG
    });
    expect(restored.usage).toEqual(summary.usage);
  });
});

describe('prompts a response cache can answer', () => {
  it('are identical for the same task and seed, and differ for another task', async () => {
    const prompts = async (task: string, seed: number | null) => {
      const model = new ScriptedModel({
        coder: [python(CODE)],
        critic: [critique([9, 9, 9, 9, 9, 9])]
      });
      await new TeamRun({
        task,
        model,
        workspace: new FakeWorkspace(() => ok('[...]\n')),
        config: DEFAULT_TEAM_CONFIG,
        dataNonce: stableNonce(task, seed)
      }).start();
      return JSON.stringify(model.requests.map(request => request.messages));
    };
    const task = 'print the fields of cars.csv';
    expect(await prompts(task, 42)).toBe(await prompts(task, 42));
    expect(await prompts(task, 42)).not.toBe(await prompts(task, 7));
    expect(stableNonce(task, 42)).toMatch(/^[0-9a-f]{16}$/);
    expect(stableNonce(task, 42)).not.toBe(stableNonce(`${task}!`, 42));
  });
});
