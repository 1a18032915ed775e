/**
 * The model endpoints the Jupyter server knows (configured there, added in
 * the settings, or found on this machine), their state, and the routes that
 * manage them. Keys stay on the server: the browser sees where a key comes
 * from, never the key.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export interface IEndpoint {
  name: string;
  /** Where the server sends calls, for people to read. */
  baseUrl: string;
  /** The environment variable or config entry holding the key; '' when none. */
  keySource: string;
  hasKey: boolean;
  /** Whether its models take images; null when not known. */
  vision: boolean | null;
  contextWindow: number | null;
  /** The model used when none is chosen; '' lets the server list decide. */
  defaultModel: string;
  origin: 'server' | 'settings' | 'discovered';
}

export interface IModelInfo {
  id: string;
  vision: boolean | null;
  contextLength: number | null;
}

export type ConnectionState =
  | 'checking'
  | 'connected'
  | 'unreachable'
  | 'unauthorised'
  | 'no-models'
  | 'error'
  | 'unknown';

export interface IEndpointStatus {
  name: string;
  state: ConnectionState;
  /** What went wrong, in the server's words. */
  reason: string;
  /** What to do about it. */
  fix: string;
  models: IModelInfo[];
}

/** An endpoint the user adds in the settings: no key, ever. */
export interface IUserEndpoint {
  name: string;
  baseUrl: string;
  vision?: boolean | null;
  contextWindow?: number | null;
  defaultModel?: string;
}

export interface IEndpointList {
  endpoints: IEndpoint[];
  discoveryPorts: number[];
}

/** What a search for local servers found: each endpoint with its state. */
export interface IDiscovery {
  found: (IEndpoint & IEndpointStatus)[];
  endpoints: IEndpoint[];
}

/** The server routes, as the view-model uses them (faked in jest). */
export interface IEndpointService {
  list(): Promise<IEndpointList>;
  setUserEndpoints(endpoints: IUserEndpoint[]): Promise<IEndpointList>;
  check(name: string): Promise<IEndpointStatus>;
  discover(ports?: number[]): Promise<IDiscovery>;
  clearCache(): Promise<number>;
}

/** The routes of the Jupyter server extension. */
export class EndpointService implements IEndpointService {
  constructor(settings: ServerConnection.ISettings) {
    this._settings = settings;
  }

  async list(): Promise<IEndpointList> {
    return Private.toList(await this._call('endpoints', 'GET'));
  }

  async setUserEndpoints(endpoints: IUserEndpoint[]): Promise<IEndpointList> {
    return Private.toList(
      await this._call('endpoints/user', 'PUT', {
        endpoints: endpoints.map(endpoint => ({
          name: endpoint.name,
          base_url: endpoint.baseUrl,
          vision: endpoint.vision ?? null,
          context_window: endpoint.contextWindow ?? null,
          default_model: endpoint.defaultModel ?? ''
        }))
      })
    );
  }

  async check(name: string): Promise<IEndpointStatus> {
    return Private.toStatus(
      await this._call('endpoints/check', 'POST', { name })
    );
  }

  async discover(ports?: number[]): Promise<IDiscovery> {
    const body = (await this._call(
      'discover',
      'POST',
      ports ? { ports } : {}
    )) as { found: unknown[]; endpoints: unknown[] };
    return {
      found: body.found.map(item => ({
        ...Private.toEndpoint(item),
        ...Private.toStatus(item)
      })),
      endpoints: body.endpoints.map(Private.toEndpoint)
    };
  }

  async clearCache(): Promise<number> {
    const body = (await this._call('cache', 'DELETE')) as { removed: number };
    return body.removed;
  }

  private async _call(
    path: string,
    method: string,
    body?: unknown
  ): Promise<unknown> {
    const url = URLExt.join(this._settings.baseUrl, 'agent-team', path);
    const response = await ServerConnection.makeRequest(
      url,
      {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      },
      this._settings
    );
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const message =
        (data as { error?: { message?: string }; message?: string } | null)
          ?.error?.message ??
        (data as { message?: string } | null)?.message ??
        `${response.status} ${response.statusText}`;
      throw new Error(message);
    }
    return data;
  }

  private _settings: ServerConnection.ISettings;
}

namespace Private {
  type Json = Record<string, unknown>;

  export function toList(data: unknown): IEndpointList {
    const body = data as { endpoints?: unknown[]; discovery_ports?: number[] };
    return {
      endpoints: (body.endpoints ?? []).map(toEndpoint),
      discoveryPorts: body.discovery_ports ?? []
    };
  }

  export function toEndpoint(data: unknown): IEndpoint {
    const item = data as Json;
    const origin = item.origin;
    return {
      name: String(item.name ?? ''),
      baseUrl: String(item.base_url ?? ''),
      keySource: String(item.key_source ?? ''),
      hasKey: item.has_key === true,
      vision: typeof item.vision === 'boolean' ? item.vision : null,
      contextWindow:
        typeof item.context_window === 'number' ? item.context_window : null,
      defaultModel: String(item.default_model ?? ''),
      origin:
        origin === 'settings' || origin === 'discovered' ? origin : 'server'
    };
  }

  export function toStatus(data: unknown): IEndpointStatus {
    const item = data as Json;
    const states: ConnectionState[] = [
      'connected',
      'unreachable',
      'unauthorised',
      'no-models',
      'error',
      'unknown'
    ];
    const state = states.find(s => s === item.state) ?? 'error';
    return {
      name: String(item.name ?? ''),
      state,
      reason: String(item.reason ?? ''),
      fix: String(item.fix ?? ''),
      models: ((item.models as Json[] | undefined) ?? []).map(model => ({
        id: String(model.id ?? ''),
        vision: typeof model.vision === 'boolean' ? model.vision : null,
        contextLength:
          typeof model.context_length === 'number' ? model.context_length : null
      }))
    };
  }
}
