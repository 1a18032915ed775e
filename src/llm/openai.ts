/**
 * The one network boundary to model servers: an `IChatModel` over the openai
 * SDK, speaking to any OpenAI-compatible endpoint (in JupyterLab, the
 * extension's server route, which holds the real API key).
 */
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError
} from 'openai';

import { sseData } from './sseData';
import {
  ChatModelError,
  type ContentPart,
  type IChatMessage,
  type IChatModel,
  type IChatRequest,
  type IChatResult,
  type ITokenUsage
} from '../team/types';

export interface IOpenAIChatModelOptions {
  /** The OpenAI-compatible base URL, ending in `/v1`. */
  baseURL: string;
  /** The model id; '' uses the first model the server lists. */
  model: string;
  /** The endpoint's name, which the server route resolves to a URL and key. */
  endpointName?: string;
  /** Answer identical requests from the server's response cache. */
  cache?: boolean;
  temperature: number;
  /** Sent for reproducible sampling; omitted when null. */
  seed: number | null;
  /** A fetch that adds the Jupyter server's auth and XSRF headers. */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  /** The upstream as a person knows it, for messages (e.g. 'http://localhost:1234/v1'). */
  describeEndpoint: string;
  /** Longest silence before or within a streamed answer, in ms (0: no limit). */
  streamIdleTimeoutMs?: number;
  /** Longest whole call, in ms (0: no limit). */
  requestTimeoutMs?: number;
  /** The words of error messages, in the user's language. */
  trans?: TranslationBundle;
}

export class OpenAIChatModel implements IChatModel {
  constructor(options: IOpenAIChatModelOptions) {
    this._options = options;
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_agent_team');
    this._client = new OpenAI({
      baseURL: options.baseURL,
      // The browser never holds the key: the server route adds it.
      apiKey: 'held-by-jupyter-server',
      organization: null,
      project: null,
      dangerouslyAllowBrowser: true,
      // Retries and fallbacks are ResilientChatModel's, which reports them.
      maxRetries: 0,
      fetch: options.fetch,
      // No SDK Authorization header, so Jupyter's own token header is the only one.
      defaultHeaders: {
        Authorization: null,
        // Encoded: a header carries only Latin-1, a name may be anything.
        ...(options.endpointName
          ? {
              'X-Agent-Team-Endpoint': encodeURIComponent(options.endpointName)
            }
          : {}),
        ...options.headers
      }
    });
  }

  async complete(request: IChatRequest): Promise<IChatResult> {
    const watchdog = new Private.Watchdog(
      request.signal,
      this._options,
      this._trans
    );
    const { signal } = watchdog;
    let text = '';
    let model = this._options.model;
    try {
      model = await this._resolveModel(signal);
      const { temperature, seed } = this._options;
      const response = await this._client.chat.completions
        .create(
          {
            model,
            messages: request.messages.map(Private.toOpenAIMessage),
            temperature,
            ...(seed === null ? {} : { seed }),
            stream: true,
            stream_options: { include_usage: true }
          },
          {
            signal,
            headers: {
              'X-Agent-Team-Agent': request.speaker ?? request.agent,
              ...(this._options.cache ? { 'X-Agent-Team-Cache': 'on' } : {})
            }
          }
        )
        .asResponse();
      const cached = response.headers.get('X-Agent-Team-Cached') === 'true';
      if (!response.body) {
        throw this._emptyAnswer();
      }

      let finished = false;
      let usage: ITokenUsage | undefined;
      for await (const data of sseData(response.body)) {
        watchdog.heard();
        if (data.startsWith('[DONE]')) {
          break;
        }
        const chunk = JSON.parse(data) as Private.IStreamChunk;
        if (chunk.error) {
          throw new ChatModelError(
            this._trans.__(
              'the model server at %1 reported an error: %2',
              this._options.describeEndpoint,
              Private.serverMessage(chunk.error) ?? data.slice(0, 200)
            ),
            'http'
          );
        }
        const choice = chunk.choices?.[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          request.onToken?.(delta);
        }
        if (choice?.finish_reason) {
          finished = true;
        }
        if (chunk.usage) {
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens
          };
        }
      }
      // A stream cut by the signal may end quietly.
      if (signal.aborted) {
        throw watchdog.timeoutError() ?? Private.stopped();
      }
      if (!text && !finished) {
        throw this._emptyAnswer();
      }
      return {
        text,
        usage: usage ?? Private.estimateUsage(request.messages, text),
        route: { endpoint: this._options.endpointName ?? '', model },
        ...(cached ? { cached } : {})
      };
    } catch (error) {
      const failure =
        watchdog.timeoutError() ?? this._toChatModelError(error, signal);
      throw await this._explain(failure, model, text !== '', signal);
    } finally {
      watchdog.dispose();
    }
  }

  private _emptyAnswer(): ChatModelError {
    return new ChatModelError(
      this._trans.__(
        'the model server at %1 ended its answer without any content',
        this._options.describeEndpoint
      ),
      'invalid'
    );
  }

  /** The ids of the models the server offers. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const page = await this._client.models.list({ signal });
      return page.data.map(model => model.id);
    } catch (error) {
      throw this._toChatModelError(error, signal);
    }
  }

  private _resolveModel(signal?: AbortSignal): Promise<string> {
    if (this._options.model) {
      return Promise.resolve(this._options.model);
    }
    if (!this._resolvedModel) {
      this._resolvedModel = this.listModels(signal).then(ids => {
        if (!ids.length) {
          throw new ChatModelError(
            this._trans.__(
              'the model server at %1 lists no models — load a model first',
              this._options.describeEndpoint
            ),
            'invalid'
          );
        }
        return ids[0];
      });
      // Ask again next time: the user may load a model meanwhile.
      this._resolvedModel.catch(() => {
        this._resolvedModel = null;
      });
    }
    return this._resolvedModel;
  }

  private _toChatModelError(
    error: unknown,
    signal?: AbortSignal
  ): ChatModelError {
    const endpoint = this._options.describeEndpoint;
    const trans = this._trans;
    if (signal?.aborted || error instanceof APIUserAbortError) {
      return Private.stopped();
    }
    if (error instanceof ChatModelError) {
      return error;
    }
    if (error instanceof APIConnectionTimeoutError) {
      return new ChatModelError(
        trans.__('%1 did not answer in time', endpoint),
        'unreachable'
      );
    }
    if (error instanceof APIConnectionError) {
      return new ChatModelError(
        trans.__('cannot reach %1 (%2)', endpoint, Private.rootCause(error)),
        'unreachable'
      );
    }
    if (error instanceof APIError) {
      const message = Private.serverMessage(error.error);
      if (error.status !== undefined) {
        const retryAfterMs = Private.retryAfterMs(error.headers);
        return new ChatModelError(
          message ?? trans.__('the model server answered %1', error.status),
          'http',
          {
            status: error.status,
            ...(retryAfterMs === null ? {} : { retryAfterMs })
          }
        );
      }
      // An error event inside an otherwise successful stream.
      return new ChatModelError(
        trans.__(
          'the model server at %1 reported an error: %2',
          endpoint,
          message ?? error.message
        ),
        'http'
      );
    }
    // fetch's errors may come from another realm (a worker, jest's VM), so
    // built-in error classes are recognised by name, not instanceof.
    const name = Private.errorName(error);
    if (name === 'SyntaxError') {
      // The parser's message quotes the start of what arrived.
      return new ChatModelError(
        trans.__(
          'the model server at %1 sent a line that is not valid JSON (%2); is it an OpenAI-compatible endpoint?',
          endpoint,
          Private.rootCause(error)
        ),
        'invalid'
      );
    }
    // fetch reports a connection lost while reading the body as a TypeError.
    if (name === 'TypeError') {
      return new ChatModelError(
        trans.__(
          'lost the connection to %1 during the answer (%2)',
          endpoint,
          Private.rootCause(error)
        ),
        'unreachable'
      );
    }
    return new ChatModelError(
      trans.__('the call to %1 failed: %2', endpoint, Private.rootCause(error)),
      'invalid'
    );
  }

  /**
   * Say what to do about failures people hit most: a model the server does
   * not have (name the ones it has), a prompt over the context window, a
   * reply cut off after it started (the streamed part is not repeated).
   */
  private async _explain(
    error: ChatModelError,
    model: string,
    streamed: boolean,
    signal: AbortSignal
  ): Promise<ChatModelError> {
    const trans = this._trans;
    const details = {
      status: error.status ?? undefined,
      retryAfterMs: error.retryAfterMs ?? undefined,
      streamed
    };
    if (error.kind === 'aborted') {
      return error;
    }
    if (Private.isContextOverflow(error)) {
      return new ChatModelError(
        trans.__(
          '%1 — the prompt is longer than the context window of %2: shorten the task, lower "Output characters per cell" in the settings, or pick a model with a larger context',
          error.message,
          model || trans.__('the model')
        ),
        error.kind,
        details
      );
    }
    if (error.status === 404 && model && !signal.aborted) {
      const known = await this.listModels(signal).catch(() => null);
      if (known && !known.includes(model)) {
        return new ChatModelError(
          known.length
            ? trans.__(
                'the model server at %1 has no model "%2"; it has: %3',
                this._options.describeEndpoint,
                model,
                known.slice(0, 12).join(', ')
              )
            : trans.__(
                'the model server at %1 has no model "%2", and no model is loaded',
                this._options.describeEndpoint,
                model
              ),
          'invalid',
          details
        );
      }
    }
    return streamed && !error.streamed
      ? new ChatModelError(error.message, error.kind, details)
      : error;
  }

  private _options: IOpenAIChatModelOptions;
  private _trans: TranslationBundle;
  private _client: OpenAI;
  private _resolvedModel: Promise<string> | null = null;
}

namespace Private {
  export function stopped(): ChatModelError {
    return new ChatModelError('stopped by the user', 'aborted');
  }

  /**
   * Aborts a call when the user stops it, when the server stays silent too
   * long (before its first chunk or between chunks), or when the whole call
   * takes too long; the latter two say so in a message.
   */
  export class Watchdog {
    constructor(
      outer: AbortSignal | undefined,
      options: IOpenAIChatModelOptions,
      trans: TranslationBundle
    ) {
      this._trans = trans;
      this._idleMs = options.streamIdleTimeoutMs ?? 0;
      this._endpoint = options.describeEndpoint;
      this._onOuterAbort = () => this._controller.abort();
      if (outer?.aborted) {
        this._controller.abort();
      }
      outer?.addEventListener('abort', this._onOuterAbort);
      this._outer = outer;
      const totalMs = options.requestTimeoutMs ?? 0;
      if (totalMs > 0) {
        this._total = setTimeout(
          () =>
            this._fire(
              this._trans.__(
                'the model server at %1 did not finish its answer within %2 s',
                this._endpoint,
                totalMs / 1000
              )
            ),
          totalMs
        );
      }
      this.heard();
    }

    get signal(): AbortSignal {
      return this._controller.signal;
    }

    /** The server sent something: the silence starts again. */
    heard(): void {
      clearTimeout(this._idle);
      if (this._idleMs > 0) {
        this._idle = setTimeout(
          () =>
            this._fire(
              this._trans.__(
                'the model server at %1 sent nothing for %2 s, so the call was ended',
                this._endpoint,
                this._idleMs / 1000
              )
            ),
          this._idleMs
        );
      }
    }

    /** The error a timeout ended the call with, if one did. */
    timeoutError(): ChatModelError | null {
      return this._timeout;
    }

    dispose(): void {
      clearTimeout(this._idle);
      clearTimeout(this._total);
      this._outer?.removeEventListener('abort', this._onOuterAbort);
    }

    private _fire(message: string): void {
      if (!this._controller.signal.aborted) {
        this._timeout = new ChatModelError(message, 'unreachable');
        this._controller.abort();
      }
    }

    private _controller = new AbortController();
    private _trans: TranslationBundle;
    private _outer: AbortSignal | undefined;
    private _onOuterAbort: () => void;
    private _idleMs: number;
    private _endpoint: string;
    private _idle: ReturnType<typeof setTimeout> | undefined;
    private _total: ReturnType<typeof setTimeout> | undefined;
    private _timeout: ChatModelError | null = null;
  }

  export function toOpenAIMessage(
    message: IChatMessage
  ): OpenAI.ChatCompletionMessageParam {
    const { role, content } = message;
    if (role === 'user') {
      return { role, content };
    }
    // Only user messages may carry images; keep the text of the others.
    return {
      role,
      content: typeof content === 'string' ? content : textParts(content)
    };
  }

  function textParts(
    parts: ContentPart[]
  ): OpenAI.ChatCompletionContentPartText[] {
    return parts.flatMap(part =>
      part.type === 'text' ? [{ type: 'text' as const, text: part.text }] : []
    );
  }

  /** The parts of a chat completion chunk that are read. */
  export interface IStreamChunk {
    choices?: {
      delta?: { content?: string | null };
      finish_reason?: string | null;
    }[];
    usage?: { prompt_tokens: number; completion_tokens: number } | null;
    error?: unknown;
  }

  /** Retry-After as milliseconds: seconds or an HTTP date; null when absent. */
  export function retryAfterMs(headers: unknown): number | null {
    const value =
      headers && typeof (headers as Headers).get === 'function'
        ? (headers as Headers).get('retry-after')
        : null;
    if (!value) {
      return null;
    }
    const seconds = Number(value);
    if (Number.isFinite(seconds)) {
      return Math.max(0, seconds * 1000);
    }
    const date = Date.parse(value);
    return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
  }

  /** Servers word it differently: OpenAI, vLLM, llama.cpp, LM Studio, Ollama. */
  export function isContextOverflow(error: ChatModelError): boolean {
    return (
      error.status === 400 &&
      /context[ _](length|window|size)|maximum context|too many tokens|exceeds? the (available )?context/i.test(
        error.message
      )
    );
  }

  /**
   * A rough count (about 4 characters per token) for servers that send no
   * usage; the sidebar marks it as an estimate.
   */
  export function estimateUsage(
    messages: IChatMessage[],
    reply: string
  ): ITokenUsage {
    const promptChars = messages.reduce(
      (sum, message) =>
        sum +
        (typeof message.content === 'string'
          ? message.content.length
          : message.content.reduce(
              (n, part) => n + (part.type === 'text' ? part.text.length : 0),
              0
            )),
      0
    );
    return {
      promptTokens: Math.ceil(promptChars / 4),
      completionTokens: Math.ceil(reply.length / 4),
      estimated: true
    };
  }

  /** The server's own message: `{error: {message}}` (OpenAI) or `{error: "…"}` (Ollama, LM Studio). */
  export function serverMessage(error: unknown): string | undefined {
    if (typeof error === 'string' && error) {
      return error;
    }
    if (typeof error === 'object' && error !== null && 'message' in error) {
      const { message } = error;
      if (typeof message === 'string' && message) {
        return message;
      }
    }
    return undefined;
  }

  export function errorName(error: unknown): string | undefined {
    return typeof error === 'object' && error !== null && 'name' in error
      ? String(error.name)
      : undefined;
  }

  /** The innermost cause, e.g. 'connect ECONNREFUSED 127.0.0.1:1234' under 'fetch failed'. */
  export function rootCause(error: unknown): string {
    let message = String(error);
    let current = error;
    for (let depth = 0; depth < 5; depth++) {
      if (typeof current !== 'object' || current === null) {
        break;
      }
      if ('message' in current && typeof current.message === 'string') {
        message = current.message || message;
      }
      current = 'cause' in current ? current.cause : undefined;
    }
    return message;
  }
}
