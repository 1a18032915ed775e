/**
 * OpenAIChatModel against a real OpenAI-compatible server on 127.0.0.1 with
 * scripted answers and faults.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { OpenAIChatModel } from '../src/llm/openai';
import { ChatModelError, type IChatMessage } from '../src/team/types';

import {
  ILogEntry,
  IScriptedServer,
  startScriptedServer
} from './scripted-openai-server';

const CODE = [
  'import pandas as pd',
  "df = pd.read_csv('cars.csv')",
  'print(df.columns.tolist())',
  "ax = df.plot.scatter(x='Weight', y='Horsepower')",
  "ax.figure.savefig('weight_vs_horsepower.png')"
].join('\n');

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAA=';

function messages(system: string, user = 'plot weight vs horsepower') {
  const result: IChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: user }
  ];
  return result;
}

/** Resolves to the ChatModelError a call rejects with. */
async function failure(call: Promise<unknown>): Promise<ChatModelError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(ChatModelError);
    return error as ChatModelError;
  }
  throw new Error('expected the call to fail');
}

describe('OpenAIChatModel', () => {
  let server: IScriptedServer;

  const makeModel = (
    options: Partial<ConstructorParameters<typeof OpenAIChatModel>[0]> = {}
  ): OpenAIChatModel =>
    new OpenAIChatModel({
      baseURL: server.url,
      model: 'scripted-model',
      temperature: 0.2,
      seed: 42,
      describeEndpoint: 'the scripted server',
      ...options
    });

  const chatCalls = (): ILogEntry[] =>
    server.log().filter(entry => entry.path === '/v1/chat/completions');

  beforeAll(async () => {
    server = await startScriptedServer({ port: 0, scenario: { replies: {} } });
  });

  afterAll(async () => {
    await server.close();
  });

  it('streams tokens in order and returns the joined text and usage', async () => {
    server.setScenario({ replies: { coder: [CODE] } });
    const tokens: string[] = [];
    const result = await makeModel().complete({
      agent: 'coder',
      messages: messages('You are the Coder.'),
      onToken: delta => tokens.push(delta)
    });

    expect(result.text).toBe(CODE);
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.join('')).toBe(CODE);
    expect(result.usage).toEqual({
      promptTokens: expect.any(Number),
      completionTokens: Math.ceil(CODE.length / 4)
    });
    expect(result.usage!.promptTokens).toBeGreaterThan(0);

    const [call] = chatCalls();
    expect(call.headers['x-agent-team-agent']).toBe('coder');
    expect(call.body).toMatchObject({
      model: 'scripted-model',
      temperature: 0.2,
      seed: 42,
      stream: true,
      stream_options: { include_usage: true }
    });
  });

  it('omits the seed when it is null and sends no placeholder key', async () => {
    server.setScenario({ replies: { coder: ['ok'] } });
    await makeModel({ seed: null }).complete({
      agent: 'coder',
      messages: messages('You are the Coder.')
    });
    const [call] = chatCalls();
    expect(call.body).not.toHaveProperty('seed');
    expect(call.headers.authorization).toBeNull();
  });

  it('passes extra headers through, Authorization included', async () => {
    server.setScenario({ replies: { coder: ['ok'] } });
    await makeModel({ headers: { Authorization: 'Bearer sk-local' } }).complete(
      { agent: 'coder', messages: messages('You are the Coder.') }
    );
    expect(chatCalls()[0].headers.authorization).toBe('Bearer sk-local');
  });

  it('routes each agent to its own queue by the agent header', async () => {
    server.setScenario({
      replies: {
        coder: ['coder answer 1', 'coder answer 2'],
        critic: ['critic answer 1']
      }
    });
    const model = makeModel();
    // Same neutral system prompt for both: only the header tells them apart.
    const ask = (agent: 'coder' | 'critic') =>
      model.complete({ agent, messages: messages('You are on a team.') });

    expect((await ask('coder')).text).toBe('coder answer 1');
    expect((await ask('critic')).text).toBe('critic answer 1');
    expect((await ask('coder')).text).toBe('coder answer 2');

    const agents = chatCalls().map(entry => entry.agent);
    expect(agents).toEqual(['coder', 'critic', 'coder']);
    expect(agents.filter(agent => agent === 'coder')).toHaveLength(2);
  });

  it("resolves model '' once through /v1/models", async () => {
    server.setScenario({
      model: 'lmstudio-community/qwen2.5-coder-7b',
      replies: { coder: ['first', 'second'] }
    });
    const model = makeModel({ model: '' });
    await model.complete({ agent: 'coder', messages: messages('Coder') });
    await model.complete({ agent: 'coder', messages: messages('Coder') });

    const log = server.log();
    expect(log.filter(entry => entry.path === '/v1/models')).toHaveLength(1);
    expect(chatCalls().map(entry => entry.body?.model)).toEqual([
      'lmstudio-community/qwen2.5-coder-7b',
      'lmstudio-community/qwen2.5-coder-7b'
    ]);
    expect(await model.listModels()).toEqual([
      'lmstudio-community/qwen2.5-coder-7b'
    ]);
  });

  it('asks the user to load a model when the server lists none', async () => {
    server.setScenario({ models: [], replies: { coder: ['unused'] } });
    const model = makeModel({
      model: '',
      describeEndpoint: 'http://localhost:1234/v1'
    });
    const error = await failure(
      model.complete({ agent: 'coder', messages: messages('Coder') })
    );
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(
      'the model server at http://localhost:1234/v1 lists no models — load a model first'
    );
    expect(chatCalls()).toHaveLength(0);

    // Once a model is loaded, the next call finds it.
    server.setScenario({ models: ['loaded-now'], replies: { coder: ['hi'] } });
    const result = await model.complete({
      agent: 'coder',
      messages: messages('Coder')
    });
    expect(result.text).toBe('hi');
    expect(chatCalls()[0].body?.model).toBe('loaded-now');
  });

  it('maps an upstream 500 to an http error with the server message', async () => {
    server.setScenario({ replies: { coder: [{ fault: 'http500' }] } });
    const error = await failure(
      makeModel().complete({ agent: 'coder', messages: messages('Coder') })
    );
    expect(error.kind).toBe('http');
    expect(error.message).toBe('scripted upstream failure');
    // No silent retries: one scripted reply, one call.
    expect(chatCalls()).toHaveLength(1);
  });

  it('maps a 401 to an http error with the server message', async () => {
    server.setScenario({ replies: { critic: [{ fault: 'http401' }] } });
    const error = await failure(
      makeModel().complete({ agent: 'critic', messages: messages('Critic') })
    );
    expect(error.kind).toBe('http');
    expect(error.message).toBe('Incorrect API key provided');
  });

  it('reports a dry queue as the server phrased it', async () => {
    server.setScenario({ replies: {} });
    const error = await failure(
      makeModel().complete({ agent: 'critic', messages: messages('Critic') })
    );
    expect(error.kind).toBe('http');
    expect(error.message).toBe(
      'scripted server: no reply left for critic (call 1)'
    );
  });

  it('maps a connection dropped mid-stream to unreachable', async () => {
    server.setScenario({
      replies: { coder: [{ content: CODE, fault: 'disconnect' }] }
    });
    const tokens: string[] = [];
    const error = await failure(
      makeModel().complete({
        agent: 'coder',
        messages: messages('Coder'),
        onToken: delta => tokens.push(delta)
      })
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(
      /^lost the connection to the scripted server during the answer \(.+\)$/
    );
    // Half the answer had arrived before the cut.
    expect(tokens.length).toBeGreaterThan(0);
    expect(CODE.startsWith(tokens.join(''))).toBe(true);
    expect(tokens.join('')).not.toBe(CODE);
  });

  it('maps a closed port to unreachable, naming the endpoint', async () => {
    const closed = await startScriptedServer({ port: 0 });
    const url = closed.url;
    await closed.close();
    const model = makeModel({
      baseURL: url,
      describeEndpoint: 'http://localhost:1234/v1'
    });
    const error = await failure(
      model.complete({ agent: 'coder', messages: messages('Coder') })
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(
      /^cannot reach http:\/\/localhost:1234\/v1 \(.*ECONNREFUSED.*\)$/
    );
    const listing = await failure(model.listModels());
    expect(listing.kind).toBe('unreachable');
  });

  it('words its errors through the translation bundle it is given', async () => {
    const closed = await startScriptedServer({ port: 0 });
    const url = closed.url;
    await closed.close();
    // A bundle for a made-up language: the message template, then its arguments.
    const trans = {
      __: (msgid: string, ...args: unknown[]) =>
        `[xx] ${msgid.replace(/%(\d)/g, (_, n) => String(args[Number(n) - 1]))}`
    } as unknown as TranslationBundle;
    const model = makeModel({
      baseURL: url,
      describeEndpoint: 'http://localhost:1234/v1',
      trans
    });
    const error = await failure(
      model.complete({ agent: 'coder', messages: messages('Coder') })
    );
    expect(error.message).toMatch(
      /^\[xx\] cannot reach http:\/\/localhost:1234\/v1 \(.*ECONNREFUSED.*\)$/
    );
  });

  it('rejects a stream that ends with no content and no finish', async () => {
    server.setScenario({ replies: { coder: [{ fault: 'empty' }] } });
    const error = await failure(
      makeModel().complete({ agent: 'coder', messages: messages('Coder') })
    );
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(
      'the model server at the scripted server ended its answer without any content'
    );
  });

  it('accepts an empty answer that finished normally', async () => {
    server.setScenario({ replies: { coder: [''] } });
    const result = await makeModel().complete({
      agent: 'coder',
      messages: messages('Coder')
    });
    expect(result.text).toBe('');
  });

  it('stops promptly when aborted while the server hangs', async () => {
    server.setScenario({ replies: { coder: [{ fault: 'hang' }] } });
    const controller = new AbortController();
    const call = makeModel().complete({
      agent: 'coder',
      messages: messages('Coder'),
      signal: controller.signal
    });
    await new Promise(resolve => setTimeout(resolve, 200));
    const abortedAt = Date.now();
    controller.abort();
    const error = await failure(call);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(error.kind).toBe('aborted');
    expect(error.message).toBe('stopped by the user');
  });

  it('ends a call to a silent server after the stream silence timeout, saying so', async () => {
    server.setScenario({ replies: { coder: [{ fault: 'hang' }] } });
    const started = Date.now();
    const error = await failure(
      makeModel({ streamIdleTimeoutMs: 300 }).complete({
        agent: 'coder',
        messages: messages('Coder')
      })
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      'the model server at the scripted server sent nothing for 0.3 s, so the call was ended'
    );
  });

  it('ends a stream that stalls after its first chunk, and the tokens so far arrived', async () => {
    server.setScenario({
      replies: {
        coder: [
          {
            content: 'x'.repeat(100) + '```python\nprint(1)\n```',
            fault: 'stall'
          }
        ]
      }
    });
    const tokens: string[] = [];
    const error = await failure(
      makeModel({ streamIdleTimeoutMs: 300 }).complete({
        agent: 'coder',
        messages: messages('Coder'),
        onToken: token => tokens.push(token)
      })
    );
    expect(tokens.join('')).toBe('x'.repeat(20));
    expect(error.message).toContain('sent nothing for 0.3 s');
  });

  it('keeps a slow but steady stream alive, and bounds the whole call', async () => {
    const content = 'steady tokens '.repeat(6);
    server.setScenario({
      replies: {
        coder: [
          { content, chunkDelayMs: 150 },
          { content, chunkDelayMs: 150 }
        ]
      }
    });
    const steady = await makeModel({ streamIdleTimeoutMs: 400 }).complete({
      agent: 'coder',
      messages: messages('Coder')
    });
    expect(steady.text).toBe(content);
    const error = await failure(
      makeModel({ streamIdleTimeoutMs: 400, requestTimeoutMs: 500 }).complete({
        agent: 'coder',
        messages: messages('Coder')
      })
    );
    expect(error.message).toBe(
      'the model server at the scripted server did not finish its answer within 0.5 s'
    );
  });

  it('stops when aborted mid-stream, keeping the tokens so far', async () => {
    server.setScenario({
      replies: { coder: [{ content: CODE, chunkDelayMs: 100 }] }
    });
    const controller = new AbortController();
    const tokens: string[] = [];
    const error = await failure(
      makeModel().complete({
        agent: 'coder',
        messages: messages('Coder'),
        signal: controller.signal,
        onToken: delta => {
          tokens.push(delta);
          if (tokens.length === 2) {
            controller.abort();
          }
        }
      })
    );
    expect(error.kind).toBe('aborted');
    expect(tokens).toHaveLength(2);
  });

  it('rejects at once when the signal is already aborted', async () => {
    server.setScenario({ replies: { coder: ['unused'] } });
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      makeModel().complete({
        agent: 'coder',
        messages: messages('Coder'),
        signal: controller.signal
      })
    );
    expect(error.kind).toBe('aborted');
  });

  it('sends image parts to the server as image_url parts', async () => {
    server.setScenario({ replies: { critic: ['{"bugs": 8}'] } });
    await makeModel().complete({
      agent: 'critic',
      messages: [
        {
          role: 'system',
          content: [
            { type: 'text', text: 'You are the Critic.' },
            { type: 'image_url', image_url: { url: PNG } }
          ]
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Score this plot.' },
            { type: 'image_url', image_url: { url: PNG } }
          ]
        }
      ]
    });
    const [call] = chatCalls();
    const [system, user] = call.body!.messages!;
    expect(user.content).toEqual([
      { type: 'text', text: 'Score this plot.' },
      { type: 'image_url', image_url: { url: PNG } }
    ]);
    // Only user messages may carry images in the OpenAI API.
    expect(system.content).toEqual([
      { type: 'text', text: 'You are the Critic.' }
    ]);
  });

  it('uses the given fetch for every request', async () => {
    server.setScenario({ replies: { coder: ['ok'] } });
    const seen: string[] = [];
    const wrapped: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', 'token jupyter-token');
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, { ...init, headers });
    };
    const model = makeModel({ model: '', fetch: wrapped });
    await model.complete({ agent: 'coder', messages: messages('Coder') });
    expect(seen).toEqual([
      `${server.url}/models`,
      `${server.url}/chat/completions`
    ]);
    expect(chatCalls()[0].headers.authorization).toBe('token jupyter-token');
  });
});
