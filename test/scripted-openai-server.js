/**
 * A real OpenAI-compatible HTTP server whose answers are scripted, for jest
 * and Playwright tests. No dependencies; binds 127.0.0.1 only.
 *
 * CLI:
 *   node test/scripted-openai-server.js --port 8911 [--scenario file.json]
 * prints `scripted OpenAI server listening on http://127.0.0.1:8911/v1` when
 * ready and stops on SIGTERM/SIGINT.
 *
 * Module:
 *   const { startScriptedServer } = require('./scripted-openai-server');
 *   const server = await startScriptedServer({ port: 0, scenario });
 *   // server.url ('http://127.0.0.1:PORT/v1'), server.port,
 *   // server.setScenario(s), server.log(), await server.close()
 *
 * Scenario:
 *   {
 *     model?: string,          // id listed by /v1/models (default 'scripted-model')
 *     models?: string[],       // overrides the whole /v1/models list ([] = none loaded)
 *     strictModels?: boolean,  // a request naming an unlisted model gets a 404
 *     replies: {               // one queue per agent, consumed in order
 *       coder?: Reply[],
 *       critic?: Reply[]
 *     }
 *   }
 *   Reply = string             // the content
 *         | { content?: string,
 *             delayMs?: number,       // wait before answering
 *             chunkDelayMs?: number,  // wait between streamed chunks
 *             noUsage?: boolean,      // no usage chunk, even when asked for
 *             retryAfter?: number,    // seconds, with fault http429
 *             fault?: 'http500' | 'http401' | 'http429' | 'context' | 'malformed'
 *                   | 'disconnect' | 'hang' | 'stall' | 'empty' }
 *   Faults: http500 / http401 answer with an OpenAI-style error; disconnect
 *   drops the socket halfway through the answer; http429 answers a rate limit
 *   (with Retry-After when retryAfter is given); context answers a 400 context
 *   length error; malformed sends one chunk, then a line that is not JSON;
 *   stall sends the first chunk,
 *   then nothing (until the client leaves); hang never answers (until the
 *   client aborts); empty streams no chunk at all, only `data: [DONE]`.
 *
 * The agent is the `x-agent-team-agent` header; without it, a system message
 * mentioning "Critic" means critic, anything else coder. An empty queue
 * answers 500 so that a test fails loudly.
 *
 * Routes:
 *   GET  /v1/models
 *   POST /v1/chat/completions   streamed (SSE) or not, with usage
 *   POST /__scenario            body = new scenario; resets queues and log
 *   GET  /__log                 JSON array of log entries
 *   POST /__reset               resets queues (same scenario) and log
 *
 * Log entry (one per /v1/* request):
 *   { time, method, path, agent, headers: { authorization,
 *     'x-agent-team-agent', 'x-agent-team-endpoint', 'content-type' }, body,
 *     usage? }
 *   `agent` is null for /v1/models; absent headers are null; `body` is the
 *   parsed JSON (null when there is none); `usage` is the usage computed for
 *   a chat completion's answer ({ prompt_tokens, completion_tokens,
 *   total_tokens }), sent with it unless noUsage or a fault cuts it off.
 */
'use strict';

const http = require('http');
const fs = require('fs');

const HOST = '127.0.0.1';
const CHUNK_CHARS = 20;

function normalizeScenario(scenario) {
  const s = scenario && typeof scenario === 'object' ? scenario : {};
  return { ...s, replies: { ...(s.replies || {}) } };
}

function normalizeReply(reply) {
  if (typeof reply === 'string') {
    return { content: reply };
  }
  return { content: '', ...reply };
}

function messageText(content) {
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return content
      .filter(part => part && part.type === 'text')
      .map(part => part.text || '')
      .join('\n');
  }
  return '';
}

function estimateTokens(text) {
  return Math.ceil(text.length / 4);
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Splits on code points so that no chunk carries half a surrogate pair. */
function splitContent(content) {
  const chars = Array.from(content);
  const pieces = [];
  for (let i = 0; i < chars.length; i += CHUNK_CHARS) {
    pieces.push(chars.slice(i, i + CHUNK_CHARS).join(''));
  }
  return pieces.length ? pieces : [''];
}

function sendJson(res, status, payload) {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body)
  });
  res.end(body);
}

function sendError(
  res,
  status,
  message,
  type = 'server_error',
  headers = {},
  code = null
) {
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
  sendJson(res, status, { error: { message, type, param: null, code } });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function resolveAgent(req, body) {
  const header = req.headers['x-agent-team-agent'];
  if (typeof header === 'string' && header) {
    return header.toLowerCase();
  }
  const messages = Array.isArray(body && body.messages) ? body.messages : [];
  const isCritic = messages.some(
    m => m && m.role === 'system' && messageText(m.content).includes('Critic')
  );
  return isCritic ? 'critic' : 'coder';
}

function startScriptedServer(options = {}) {
  const { port = 0 } = options;
  let scenario = normalizeScenario(options.scenario);
  let queues = {};
  let calls = {};
  let entries = [];
  let sequence = 0;

  function reset() {
    queues = {};
    for (const [agent, replies] of Object.entries(scenario.replies)) {
      queues[agent] = Array.isArray(replies) ? replies.slice() : [];
    }
    calls = {};
    entries = [];
  }
  reset();

  function modelIds() {
    if (Array.isArray(scenario.models)) {
      return scenario.models;
    }
    return [scenario.model || 'scripted-model'];
  }

  async function chatCompletion(req, res, body, agent, entry) {
    calls[agent] = (calls[agent] || 0) + 1;
    const queue = queues[agent] || [];
    if (!queue.length) {
      sendError(
        res,
        500,
        `scripted server: no reply left for ${agent} (call ${calls[agent]})`
      );
      return;
    }
    const reply = normalizeReply(queue.shift());
    const closed = () => res.destroyed || res.writableEnded;

    if (reply.delayMs) {
      await sleep(reply.delayMs);
      if (closed()) {
        return;
      }
    }
    switch (reply.fault) {
      case 'http500':
        sendError(res, 500, 'scripted upstream failure');
        return;
      case 'http401':
        sendError(
          res,
          401,
          'Incorrect API key provided',
          'invalid_request_error'
        );
        return;
      case 'http429':
        sendError(
          res,
          429,
          'Rate limit reached for requests',
          'rate_limit_error',
          reply.retryAfter === undefined
            ? {}
            : { 'retry-after': String(reply.retryAfter) }
        );
        return;
      case 'context':
        sendError(
          res,
          400,
          "This model's maximum context length is 4096 tokens. However, your messages resulted in 5210 tokens.",
          'invalid_request_error',
          {},
          'context_length_exceeded'
        );
        return;
      case 'hang':
        // Answer nothing; the socket goes away when the client aborts.
        return;
    }
    if (
      scenario.strictModels &&
      body.model &&
      !modelIds().includes(body.model)
    ) {
      sendError(
        res,
        404,
        `The model \`${body.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        {},
        'model_not_found'
      );
      return;
    }

    const content = String(reply.content ?? '');
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const promptTokens = estimateTokens(
      messages.map(m => messageText(m && m.content)).join('\n')
    );
    const completionTokens = estimateTokens(content);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens
    };
    entry.usage = usage;
    sequence += 1;
    const id = `chatcmpl-scripted-${sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model || scenario.model || 'scripted-model';

    if (!body.stream) {
      const payload = JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content },
            logprobs: null,
            finish_reason: 'stop'
          }
        ],
        usage
      });
      if (reply.fault === 'disconnect') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(payload.slice(0, Math.floor(payload.length / 2)), () =>
          res.socket.destroy()
        );
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload)
      });
      res.end(payload);
      return;
    }

    const chunk = (delta, finishReason) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [
        { index: 0, delta, logprobs: null, finish_reason: finishReason }
      ]
    });
    const events = splitContent(content).map((piece, i) =>
      chunk(
        i === 0 ? { role: 'assistant', content: piece } : { content: piece },
        null
      )
    );
    events.push(chunk({}, 'stop'));
    if (
      body.stream_options &&
      body.stream_options.include_usage &&
      !reply.noUsage
    ) {
      events.push({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage
      });
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive'
    });
    if (reply.fault === 'empty') {
      res.end('data: [DONE]\n\n');
      return;
    }
    const cutAt =
      reply.fault === 'disconnect'
        ? Math.max(1, Math.floor(events.length / 2))
        : -1;
    for (let i = 0; i < events.length; i++) {
      if (i === cutAt) {
        res.socket.destroy();
        return;
      }
      if (i === 1 && reply.fault === 'malformed') {
        // A server that is not speaking OpenAI's stream format.
        res.end('data: <html>Bad Gateway</html>\n\n');
        return;
      }
      if (i === 1 && reply.fault === 'stall') {
        // Silent with the connection open, as a stuck generation is.
        await new Promise(resolve => res.on('close', resolve));
        return;
      }
      if (i > 0 && reply.chunkDelayMs) {
        await sleep(reply.chunkDelayMs);
      }
      if (closed()) {
        return;
      }
      // Wait for the flush so that a later disconnect cuts after this chunk.
      await new Promise(resolve =>
        res.write(`data: ${JSON.stringify(events[i])}\n\n`, () => resolve())
      );
    }
    res.end('data: [DONE]\n\n');
  }

  async function handle(req, res) {
    const path = new URL(req.url || '/', `http://${HOST}`).pathname;
    const method = req.method || 'GET';
    const raw = await readBody(req);
    let body = null;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch (err) {
        sendError(
          res,
          400,
          `scripted server: invalid JSON body (${err.message})`,
          'invalid_request_error'
        );
        return;
      }
    }

    if (path === '/__scenario' && method === 'POST') {
      scenario = normalizeScenario(body);
      reset();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (path === '/__log' && method === 'GET') {
      sendJson(res, 200, entries);
      return;
    }
    if (path === '/__reset' && method === 'POST') {
      reset();
      sendJson(res, 200, { ok: true });
      return;
    }

    if (!path.startsWith('/v1/')) {
      sendError(
        res,
        404,
        `scripted server: no route ${method} ${path}`,
        'invalid_request_error'
      );
      return;
    }
    const isChat = path === '/v1/chat/completions' && method === 'POST';
    const agent = isChat ? resolveAgent(req, body) : null;
    const header = name => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : null;
    };
    const entry = {
      time: new Date().toISOString(),
      method,
      path,
      agent,
      headers: {
        authorization: header('authorization'),
        'x-agent-team-agent': header('x-agent-team-agent'),
        'x-agent-team-endpoint': header('x-agent-team-endpoint'),
        'content-type': header('content-type')
      },
      body
    };
    entries.push(entry);

    if (path === '/v1/models' && method === 'GET') {
      sendJson(res, 200, {
        object: 'list',
        data: modelIds().map(id => ({
          id,
          object: 'model',
          created: 0,
          owned_by: 'scripted'
        }))
      });
      return;
    }
    if (isChat) {
      if (!body || typeof body !== 'object') {
        sendError(
          res,
          400,
          'scripted server: missing JSON body',
          'invalid_request_error'
        );
        return;
      }
      await chatCompletion(req, res, body, agent, entry);
      return;
    }
    sendError(
      res,
      404,
      `scripted server: no route ${method} ${path}`,
      'invalid_request_error'
    );
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(err => {
      if (!res.headersSent) {
        sendError(res, 500, `scripted server: ${err.message}`);
      } else {
        res.destroy();
      }
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      const actualPort = server.address().port;
      resolve({
        url: `http://${HOST}:${actualPort}/v1`,
        port: actualPort,
        setScenario(next) {
          scenario = normalizeScenario(next);
          reset();
        },
        log() {
          return entries.slice();
        },
        close() {
          return new Promise(done => {
            // Hanging replies keep sockets open; drop them so close() returns.
            server.close(() => done());
            server.closeAllConnections();
          });
        }
      });
    });
  });
}

function parseArgs(argv) {
  const args = { port: 8911, scenario: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--port') {
      args.port = Number(value());
    } else if (flag === '--scenario') {
      args.scenario = value();
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    throw new Error('--port needs a number between 0 and 65535');
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const scenario = args.scenario
    ? JSON.parse(fs.readFileSync(args.scenario, 'utf8'))
    : { replies: {} };
  const server = await startScriptedServer({ port: args.port, scenario });
  process.stdout.write(`scripted OpenAI server listening on ${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch(err => {
    process.stderr.write(`scripted OpenAI server: ${err.message}\n`);
    process.exit(1);
  });
}

module.exports = { startScriptedServer };
