/**
 * The extension's server route: the only way the browser reaches a model.
 * The Jupyter server adds the API key, so the browser never holds one.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** What the server says about its upstream model server (never the key). */
export interface IServerModelConfig {
  baseUrl: string;
  model: string;
  hasApiKey: boolean;
}

/** The OpenAI-compatible base URL served by the Jupyter server. */
export function proxyBaseUrl(settings: ServerConnection.ISettings): string {
  return URLExt.join(settings.baseUrl, 'agent-team', 'v1');
}

/** A fetch that carries Jupyter's authentication and XSRF headers. */
export function jupyterFetch(
  settings: ServerConnection.ISettings
): typeof fetch {
  return (input: RequestInfo | URL, init?: RequestInit) =>
    ServerConnection.makeRequest(
      typeof input === 'string'
        ? input
        : input instanceof URL
          ? input.href
          : input.url,
      init ?? {},
      settings
    );
}

export async function fetchServerModelConfig(
  settings: ServerConnection.ISettings
): Promise<IServerModelConfig> {
  const url = URLExt.join(settings.baseUrl, 'agent-team', 'config');
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response);
  }
  const body = (await response.json()) as {
    base_url: string;
    model: string;
    has_api_key: boolean;
  };
  return {
    baseUrl: body.base_url,
    model: body.model,
    hasApiKey: body.has_api_key
  };
}
