/**
 * Model calls as a user meets them on real servers: rate limits waited out,
 * a failing endpoint handing over to the next, token counts from the server
 * or marked as estimates, and errors that say what to do. Two real
 * OpenAI-compatible servers with scripted answers and faults.
 */
import { OpenAIChatModel } from '../src/llm/openai';
import { ResilientChatModel } from '../src/llm/resilientChatModel';
import { ChatModelError, type ChatEvent } from '../src/team/types';

import { IScriptedServer, startScriptedServer } from './scripted-openai-server';

const REPLY =
  "Here you go:\n\n```python\nimport pandas as pd\ncars = pd.read_csv('cars.csv')\nprint(cars.columns.tolist())\n```\nType TERMINATE when you are happy.";

const messages = [
  { role: 'system' as const, content: 'You are the Coder.' },
  { role: 'user' as const, content: 'print the fields of cars.csv' }
];

describe('model connections', () => {
  let primary: IScriptedServer;
  let backup: IScriptedServer;

  beforeAll(async () => {
    primary = await startScriptedServer({ port: 0, scenario: { replies: {} } });
    backup = await startScriptedServer({ port: 0, scenario: { replies: {} } });
  });

  afterAll(async () => {
    await primary.close();
    await backup.close();
  });

  const client = (server: IScriptedServer, model = 'scripted-model') =>
    new OpenAIChatModel({
      baseURL: server.url,
      model,
      temperature: 0,
      seed: 42,
      endpointName: server === primary ? 'LM Studio' : 'Backup',
      describeEndpoint: server === primary ? 'LM Studio' : 'Backup'
    });

  const chatCalls = (server: IScriptedServer) =>
    server.log().filter(entry => entry.path === '/v1/chat/completions');

  /** Resolves to the ChatModelError a call rejects with. */
  async function failure(call: Promise<unknown>): Promise<ChatModelError> {
    const error = await call.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(ChatModelError);
    return error as ChatModelError;
  }

  it('waits out a 429 as long as Retry-After asks, then answers, and says so', async () => {
    primary.setScenario({
      replies: { coder: [{ fault: 'http429', retryAfter: 1 }, REPLY] }
    });
    const events: ChatEvent[] = [];
    const sleeps: number[] = [];
    const model = new ResilientChatModel(
      [
        {
          route: { endpoint: 'LM Studio', model: 'scripted-model' },
          model: client(primary)
        }
      ],
      {
        maxRetries: 3,
        baseDelayMs: 1000,
        maxDelayMs: 60_000,
        sleep: async ms => {
          sleeps.push(ms);
        }
      }
    );
    const result = await model.complete({
      agent: 'coder',
      messages,
      onEvent: event => events.push(event)
    });
    expect(result.text).toBe(REPLY);
    expect(sleeps).toEqual([1000]);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'retry',
        attempt: 2,
        of: 4,
        delayMs: 1000
      })
    ]);
    expect(chatCalls(primary)).toHaveLength(2);
  });

  it('backs off exponentially without Retry-After, and gives up after the bound', async () => {
    primary.setScenario({
      replies: {
        coder: [
          { fault: 'http500' },
          { fault: 'http500' },
          { fault: 'http500' },
          { fault: 'http500' }
        ]
      }
    });
    const sleeps: number[] = [];
    const model = new ResilientChatModel(
      [
        {
          route: { endpoint: 'LM Studio', model: 'scripted-model' },
          model: client(primary)
        }
      ],
      {
        maxRetries: 3,
        baseDelayMs: 1000,
        maxDelayMs: 60_000,
        sleep: async ms => void sleeps.push(ms)
      }
    );
    const error = await failure(model.complete({ agent: 'coder', messages }));
    expect(error.status).toBe(500);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(chatCalls(primary)).toHaveLength(4);
  });

  it('hands a 500 to the next endpoint at once; the transcript can say which answered', async () => {
    primary.setScenario({ replies: { coder: [{ fault: 'http500' }] } });
    backup.setScenario({ replies: { coder: [REPLY] } });
    const events: ChatEvent[] = [];
    const model = new ResilientChatModel([
      {
        route: { endpoint: 'LM Studio', model: 'scripted-model' },
        model: client(primary)
      },
      {
        route: { endpoint: 'Backup', model: 'scripted-model' },
        model: client(backup)
      }
    ]);
    const result = await model.complete({
      agent: 'coder',
      messages,
      onEvent: event => events.push(event)
    });
    expect(result.text).toBe(REPLY);
    expect(result.route).toEqual({
      endpoint: 'Backup',
      model: 'scripted-model'
    });
    expect(events).toEqual([
      {
        kind: 'fallback',
        from: { endpoint: 'LM Studio', model: 'scripted-model' },
        to: { endpoint: 'Backup', model: 'scripted-model' },
        reason: 'scripted upstream failure'
      }
    ]);
    expect(chatCalls(backup)[0].headers['x-agent-team-agent']).toBe('coder');
  });

  it('moves on from a refused connection too, but not from a 401 (the next one would not fix the key)', async () => {
    const closed = await startScriptedServer({ port: 0 });
    const url = closed.url;
    await closed.close();
    backup.setScenario({ replies: { coder: [REPLY] } });
    const refused = new OpenAIChatModel({
      baseURL: url,
      model: 'scripted-model',
      temperature: 0,
      seed: null,
      describeEndpoint: 'http://localhost:1234/v1'
    });
    const model = new ResilientChatModel([
      { route: { endpoint: 'LM Studio', model: 'm' }, model: refused },
      {
        route: { endpoint: 'Backup', model: 'scripted-model' },
        model: client(backup)
      }
    ]);
    expect((await model.complete({ agent: 'coder', messages })).text).toBe(
      REPLY
    );

    primary.setScenario({ replies: { coder: [{ fault: 'http401' }] } });
    backup.setScenario({ replies: { coder: [REPLY] } });
    const keyed = new ResilientChatModel([
      {
        route: { endpoint: 'LM Studio', model: 'scripted-model' },
        model: client(primary)
      },
      {
        route: { endpoint: 'Backup', model: 'scripted-model' },
        model: client(backup)
      }
    ]);
    const error = await failure(keyed.complete({ agent: 'coder', messages }));
    expect(error.status).toBe(401);
    expect(chatCalls(backup)).toHaveLength(0);
  });

  it('does not retry or hand over a reply that already streamed, so no text is repeated', async () => {
    primary.setScenario({
      replies: { coder: [{ content: REPLY, fault: 'disconnect' }] }
    });
    backup.setScenario({ replies: { coder: [REPLY] } });
    const tokens: string[] = [];
    const model = new ResilientChatModel([
      {
        route: { endpoint: 'LM Studio', model: 'scripted-model' },
        model: client(primary)
      },
      {
        route: { endpoint: 'Backup', model: 'scripted-model' },
        model: client(backup)
      }
    ]);
    const error = await failure(
      model.complete({ agent: 'coder', messages, onToken: t => tokens.push(t) })
    );
    expect(error.streamed).toBe(true);
    expect(tokens.join('').length).toBeGreaterThan(0);
    expect(chatCalls(backup)).toHaveLength(0);
  });

  it('uses the server’s usage numbers when it sends them, and marks an estimate when it does not', async () => {
    primary.setScenario({
      replies: { coder: [REPLY, { content: REPLY, noUsage: true }] }
    });
    const exact = await client(primary).complete({ agent: 'coder', messages });
    expect(exact.usage).toEqual({
      promptTokens: expect.any(Number),
      completionTokens: Math.ceil(REPLY.length / 4)
    });
    expect(exact.usage?.estimated).toBeUndefined();
    const estimated = await client(primary).complete({
      agent: 'coder',
      messages
    });
    expect(estimated.usage).toMatchObject({ estimated: true });
    expect(estimated.usage!.completionTokens).toBe(Math.ceil(REPLY.length / 4));
  });

  it('names the models a server has when the chosen one is not there', async () => {
    primary.setScenario({
      models: ['qwen2.5-coder-7b-instruct', 'llava-v1.6-mistral-7b'],
      strictModels: true,
      replies: { coder: [REPLY] }
    });
    const error = await failure(
      client(primary, 'gpt-4o').complete({ agent: 'coder', messages })
    );
    expect(error.message).toBe(
      'the model server at LM Studio has no model "gpt-4o"; it has: qwen2.5-coder-7b-instruct, llava-v1.6-mistral-7b'
    );
  });

  it('says what to shorten when the prompt exceeds the context window', async () => {
    primary.setScenario({ replies: { coder: [{ fault: 'context' }] } });
    const error = await failure(
      client(primary).complete({ agent: 'coder', messages })
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain('maximum context length is 4096 tokens');
    expect(error.message).toContain(
      'the prompt is longer than the context window of scripted-model'
    );
    expect(error.message).toContain('Output characters per cell');
  });

  it('quotes what arrived when a stream line is not JSON', async () => {
    primary.setScenario({
      replies: { coder: [{ content: REPLY, fault: 'malformed' }] }
    });
    const error = await failure(
      client(primary).complete({ agent: 'coder', messages })
    );
    expect(error.message).toContain('sent a line that is not valid JSON');
    expect(error.message).toContain('<html>');
  });

  it('names its endpoint to the server route on every request', async () => {
    primary.setScenario({ replies: { coder: [REPLY] } });
    await client(primary).complete({ agent: 'coder', messages });
    expect(
      decodeURIComponent(
        chatCalls(primary)[0].headers['x-agent-team-endpoint']!
      )
    ).toBe('LM Studio');
  });
});
