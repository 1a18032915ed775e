/**
 * The concretions the view-model is handed by the composition root: the
 * model client over the server's proxy route, and a notebook's workspace.
 */
import type { ISessionContextDialogs } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { ITranslator } from '@jupyterlab/translation';

import { jupyterFetch, proxyBaseUrl } from './llm/jupyterServer';
import { OpenAIChatModel } from './llm/openai';
import type { AgentTeamModel } from './model';
import { NotebookWorkspace } from './notebook/workspace';
import type { AgentTeamSettings } from './settings';

/** Model clients that reach the chosen model through the Jupyter server. */
export function chatModelFactory(
  serverSettings: ServerConnection.ISettings,
  settings: AgentTeamSettings,
  translator: ITranslator
): AgentTeamModel.IOptions['createChatModel'] {
  const trans = translator.load('jupyterlab_agent_team');
  return ({ model, endpoint }) => {
    const options = settings.model;
    return new OpenAIChatModel({
      baseURL: proxyBaseUrl(serverSettings),
      fetch: jupyterFetch(serverSettings),
      model,
      temperature: options.temperature,
      seed: options.seed,
      streamIdleTimeoutMs: options.streamIdleTimeout * 1000,
      requestTimeoutMs: options.requestTimeout * 1000,
      headers: options.baseUrl
        ? { 'X-Agent-Team-Base-Url': options.baseUrl }
        : undefined,
      describeEndpoint: endpoint || trans.__('the model server'),
      trans
    });
  };
}

/** Workspaces over a notebook panel's cells and kernel. */
export function workspaceFactory(
  translator: ITranslator,
  sessionDialogs?: ISessionContextDialogs
): AgentTeamModel.IOptions['createWorkspace'] {
  return (panel: NotebookPanel) =>
    new NotebookWorkspace({ panel, translator, sessionDialogs });
}
