/**
 * The scripted OpenAI-compatible server, spoken to over plain HTTP so that
 * its wire format is checked independently of the openai SDK.
 */

import {
  ILogEntry,
  IScenario,
  IScriptedServer,
  startScriptedServer
} from './scripted-openai-server';

const CODER_SYSTEM = 'You are the Coder. Write Python.';
const CRITIC_SYSTEM = 'You are the Critic. Score the result.';

function chatBody(
  system: string,
  extra: { [key: string]: unknown } = {}
): { [key: string]: unknown } {
  return {
    model: 'scripted-model',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: 'plot weight vs horsepower' }
    ],
    ...extra
  };
}

interface ISseEvent {
  choices: Array<{
    delta: { role?: string; content?: string };
    finish_reason: string | null;
  }>;
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
  };
}

/** Splits an SSE body into its JSON events and whether it ended with [DONE]. */
function parseSse(text: string): { events: ISseEvent[]; done: boolean } {
  const data = text
    .split('\n\n')
    .map(block => block.trim())
    .filter(block => block.startsWith('data: '))
    .map(block => block.slice('data: '.length));
  const done = data[data.length - 1] === '[DONE]';
  const events = data
    .filter(item => item !== '[DONE]')
    .map(item => JSON.parse(item) as ISseEvent);
  return { events, done };
}

describe('scripted-openai-server', () => {
  let server: IScriptedServer;
  let origin: string;

  const post = (
    path: string,
    body: unknown,
    headers: { [name: string]: string } = {}
  ): Promise<Response> =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body)
    });

  beforeAll(async () => {
    server = await startScriptedServer({ port: 0, scenario: { replies: {} } });
    origin = new URL(server.url).origin;
  });

  afterAll(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 and serves /v1', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('lists the scenario model', async () => {
    server.setScenario({ model: 'qwen2.5-coder', replies: {} });
    const response = await fetch(`${server.url}/models`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      object: 'list',
      data: [
        {
          id: 'qwen2.5-coder',
          object: 'model',
          created: 0,
          owned_by: 'scripted'
        }
      ]
    });
    server.setScenario({ replies: {} });
    const fallback = await (await fetch(`${server.url}/models`)).json();
    expect(fallback.data[0].id).toBe('scripted-model');
    server.setScenario({ models: [], replies: {} });
    expect((await (await fetch(`${server.url}/models`)).json()).data).toEqual(
      []
    );
  });

  it('streams a reply as chunks, with usage and [DONE]', async () => {
    const content = 'import pandas as pd\ndf = pd.read_csv("cars.csv")\n';
    server.setScenario({ replies: { coder: [content] } });
    const response = await post(
      '/v1/chat/completions',
      chatBody(CODER_SYSTEM, {
        stream: true,
        stream_options: { include_usage: true }
      })
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const { events, done } = parseSse(await response.text());
    expect(done).toBe(true);

    const deltas = events.filter(event => event.choices.length > 0);
    const pieces = deltas.map(event => event.choices[0].delta.content ?? '');
    expect(pieces.join('')).toBe(content);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas[0].choices[0].delta.role).toBe('assistant');
    expect(deltas[deltas.length - 1].choices[0].finish_reason).toBe('stop');

    const last = events[events.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: expect.any(Number),
      completion_tokens: Math.ceil(content.length / 4),
      total_tokens: expect.any(Number)
    });
  });

  it('omits the usage chunk unless asked', async () => {
    server.setScenario({ replies: { coder: ['print(1)'] } });
    const response = await post(
      '/v1/chat/completions',
      chatBody(CODER_SYSTEM, { stream: true })
    );
    const { events } = parseSse(await response.text());
    expect(events.every(event => event.usage === undefined)).toBe(true);
  });

  it('answers a non-streamed request with a chat.completion', async () => {
    server.setScenario({ replies: { critic: ['{"bugs": 9}'] } });
    const response = await post(
      '/v1/chat/completions',
      chatBody(CRITIC_SYSTEM)
    );
    expect(response.status).toBe(200);
    const completion = await response.json();
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'scripted-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: '{"bugs": 9}' },
          finish_reason: 'stop'
        }
      ],
      usage: { completion_tokens: 3 }
    });
  });

  it('routes by header, else by the system prompt, each queue in order', async () => {
    server.setScenario({
      replies: { coder: ['coder 1', 'coder 2'], critic: ['critic 1'] }
    });
    const text = async (response: Response): Promise<string> =>
      (await response.json()).choices[0].message.content;

    // The header wins over a system prompt that mentions the Critic.
    expect(
      await text(
        await post('/v1/chat/completions', chatBody(CRITIC_SYSTEM), {
          'X-Agent-Team-Agent': 'coder'
        })
      )
    ).toBe('coder 1');
    expect(
      await text(await post('/v1/chat/completions', chatBody(CRITIC_SYSTEM)))
    ).toBe('critic 1');
    expect(
      await text(await post('/v1/chat/completions', chatBody(CODER_SYSTEM)))
    ).toBe('coder 2');

    const log = server.log();
    expect(log.map(entry => entry.agent)).toEqual(['coder', 'critic', 'coder']);
    expect(log[0].headers['x-agent-team-agent']).toBe('coder');
    expect(log[1].headers['x-agent-team-agent']).toBeNull();
    expect(log[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: { model: 'scripted-model' }
    });
  });

  it('fails loudly when a queue runs dry', async () => {
    server.setScenario({ replies: { critic: ['only one'] } });
    await post('/v1/chat/completions', chatBody(CRITIC_SYSTEM));
    const response = await post(
      '/v1/chat/completions',
      chatBody(CRITIC_SYSTEM)
    );
    expect(response.status).toBe(500);
    expect((await response.json()).error.message).toBe(
      'scripted server: no reply left for critic (call 2)'
    );
    const coder = await post('/v1/chat/completions', chatBody(CODER_SYSTEM));
    expect((await coder.json()).error.message).toBe(
      'scripted server: no reply left for coder (call 1)'
    );
  });

  it('scripts http500 and http401 faults', async () => {
    server.setScenario({
      replies: { coder: [{ fault: 'http500' }, { fault: 'http401' }, 'ok'] }
    });
    const failed = await post('/v1/chat/completions', chatBody(CODER_SYSTEM));
    expect(failed.status).toBe(500);
    expect((await failed.json()).error.message).toBe(
      'scripted upstream failure'
    );
    const denied = await post('/v1/chat/completions', chatBody(CODER_SYSTEM));
    expect(denied.status).toBe(401);
    expect((await denied.json()).error.message).toBe(
      'Incorrect API key provided'
    );
    const ok = await post('/v1/chat/completions', chatBody(CODER_SYSTEM));
    expect(ok.status).toBe(200);
  });

  it('cuts a streamed reply halfway on disconnect', async () => {
    server.setScenario({
      replies: { coder: [{ content: 'x'.repeat(200), fault: 'disconnect' }] }
    });
    const response = await post(
      '/v1/chat/completions',
      chatBody(CODER_SYSTEM, { stream: true })
    );
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('waits delayMs before answering and chunkDelayMs between chunks', async () => {
    server.setScenario({
      replies: {
        coder: [{ content: 'y'.repeat(60), delayMs: 150, chunkDelayMs: 50 }]
      }
    });
    const started = Date.now();
    const response = await post(
      '/v1/chat/completions',
      chatBody(CODER_SYSTEM, { stream: true })
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await response.text();
    // Three content chunks and the finish chunk: three gaps of 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140 + 140);
  });

  it('hangs until the client gives up', async () => {
    server.setScenario({ replies: { coder: [{ fault: 'hang' }, 'after'] } });
    const controller = new AbortController();
    const hung = fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody(CODER_SYSTEM)),
      signal: controller.signal
    });
    const outcome = await Promise.race([
      hung.then(
        () => 'answered',
        () => 'failed'
      ),
      new Promise(resolve => setTimeout(() => resolve('still waiting'), 300))
    ]);
    expect(outcome).toBe('still waiting');
    controller.abort();
    await expect(hung).rejects.toThrow();
    // The server itself is not stuck.
    const next = await post('/v1/chat/completions', chatBody(CODER_SYSTEM));
    expect((await next.json()).choices[0].message.content).toBe('after');
  });

  it('takes a scenario and hands out the log over HTTP', async () => {
    const scenario: IScenario = { replies: { coder: ['via http'] } };
    expect((await post('/__scenario', scenario)).status).toBe(200);
    expect(await (await fetch(`${origin}/__log`)).json()).toEqual([]);

    await post('/v1/chat/completions', chatBody(CODER_SYSTEM), {
      authorization: 'Bearer sk-test'
    });
    const log: ILogEntry[] = await (await fetch(`${origin}/__log`)).json();
    expect(log).toHaveLength(1);
    expect(log[0].headers.authorization).toBe('Bearer sk-test');
    expect(typeof log[0].time).toBe('string');

    // Reset refills the queues from the same scenario and clears the log.
    expect((await post('/__reset', {})).status).toBe(200);
    expect(await (await fetch(`${origin}/__log`)).json()).toEqual([]);
    const again = await post('/v1/chat/completions', chatBody(CODER_SYSTEM));
    expect((await again.json()).choices[0].message.content).toBe('via http');
  });
});
