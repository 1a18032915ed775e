/**
 * The extension's server route: the only way the browser reaches a model.
 * The Jupyter server adds the API key, so the browser never holds one.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

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
