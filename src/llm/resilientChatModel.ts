/**
 * An agent's model calls over its endpoints in order, as AutoGen's
 * `config_list`: a rate limit is waited out (Retry-After honoured), a server
 * that cannot answer hands the call to the next endpoint, and the last one
 * retries server errors with exponential backoff. Each step is reported.
 */
import {
  ChatModelError,
  type IChatModel,
  type IChatRequest,
  type IChatResult,
  type IModelRoute
} from '../team/types';

export interface IRoutedModel {
  route: IModelRoute;
  model: IChatModel;
}

export interface IResilienceOptions {
  /** Retries of one endpoint after a 429 or (on the last endpoint) a 5xx. */
  maxRetries: number;
  /** The first backoff; each retry doubles it. */
  baseDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails. */
  maxDelayMs: number;
  /** Waits, or rejects when the signal aborts (injectable for tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_RESILIENCE: IResilienceOptions = {
  maxRetries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 60_000
};

export class ResilientChatModel implements IChatModel {
  constructor(
    routes: IRoutedModel[],
    options: IResilienceOptions = DEFAULT_RESILIENCE
  ) {
    if (routes.length === 0) {
      throw new Error('A model needs at least one endpoint.');
    }
    this._routes = routes;
    this._options = options;
  }

  /** The endpoints in the order they are tried. */
  get routes(): IModelRoute[] {
    return this._routes.map(routed => routed.route);
  }

  async complete(request: IChatRequest): Promise<IChatResult> {
    for (let i = 0; ; i++) {
      const { route, model } = this._routes[i];
      const next = this._routes[i + 1];
      try {
        const result = await this._withRetries(model, request, !next);
        return { ...result, route: result.route ?? route };
      } catch (error) {
        if (!next || !Private.movesOn(error)) {
          throw error;
        }
        request.onEvent?.({
          kind: 'fallback',
          from: route,
          to: next.route,
          reason: (error as Error).message
        });
      }
    }
  }

  private async _withRetries(
    model: IChatModel,
    request: IChatRequest,
    last: boolean
  ): Promise<IChatResult> {
    const { maxRetries, baseDelayMs, maxDelayMs } = this._options;
    const sleep = this._options.sleep ?? Private.sleep;
    for (let attempt = 0; ; attempt++) {
      try {
        return await model.complete(request);
      } catch (error) {
        const retryable =
          error instanceof ChatModelError &&
          !error.streamed &&
          (error.status === 429 ||
            (last && error.status !== null && error.status >= 500));
        if (!retryable || attempt >= maxRetries) {
          throw error;
        }
        const delayMs = error.retryAfterMs ?? baseDelayMs * 2 ** attempt;
        if (delayMs > maxDelayMs) {
          throw error;
        }
        request.onEvent?.({
          kind: 'retry',
          attempt: attempt + 2,
          of: maxRetries + 1,
          delayMs,
          reason: error.message
        });
        await sleep(delayMs, request.signal);
      }
    }
  }

  private _routes: IRoutedModel[];
  private _options: IResilienceOptions;
}

/** Each agent's calls go to that agent's own endpoints and model. */
export class AgentRouter implements IChatModel {
  /** Models by agent key: `coder`, `critic`, and any other agent with a model of its own. */
  constructor(byAgent: Record<string, IChatModel>) {
    this._byAgent = byAgent;
  }

  complete(request: IChatRequest): Promise<IChatResult> {
    // An agent without a model of its own writes with the Coder's (a critic, the Critic's).
    const model =
      this._byAgent[request.speaker ?? request.agent] ??
      this._byAgent[request.agent] ??
      (request.agent === 'critic' ? undefined : this._byAgent.coder);
    if (!model) {
      return Promise.reject(
        new ChatModelError(`no model is chosen for ${request.agent}`, 'invalid')
      );
    }
    return model.complete(request);
  }

  private _byAgent: Record<string, IChatModel>;
}

namespace Private {
  /** Failures another endpoint may not share: unreachable, timed out, 5xx. */
  export function movesOn(error: unknown): boolean {
    if (!(error instanceof ChatModelError) || error.streamed) {
      return false;
    }
    return (
      error.kind === 'unreachable' ||
      (error.status !== null && error.status >= 500)
    );
  }

  export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const stopped = () =>
        reject(new ChatModelError('stopped by the user', 'aborted'));
      if (signal?.aborted) {
        stopped();
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        stopped();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
