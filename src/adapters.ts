/**
 * The concretions the view-model is handed by the composition root: the
 * model client over the server's proxy route, and a notebook's workspace.
 */
import type { ISessionContextDialogs } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { ITranslator } from '@jupyterlab/translation';

import { LazyChatModel } from './llm/lazyChatModel';
import type { ModelChoices } from './llm/modelChoice';
import type { AgentTeamModel } from './model';
import { NotebookWorkspace } from './notebook/workspace';
import type { AgentTeamSettings } from './settings';

/**
 * Each agent's calls through the Jupyter server to its chosen endpoint and
 * model, then to its fallbacks, with retries. The client code (and the
 * openai SDK) loads on the first call.
 */
export function chatModelFactory(
  serverSettings: ServerConnection.ISettings,
  settings: AgentTeamSettings,
  translator: ITranslator
): AgentTeamModel.IOptions['createChatModel'] {
  const trans = translator.load('jupyterlab_agent_team');
  return (choices: ModelChoices) => {
    // The settings as they are now, like the choices.
    const model = settings.model;
    return new LazyChatModel(
      async () =>
        (await import('./llm/agentClients')).createAgentClients(choices, {
          serverSettings,
          model,
          trans
        }),
      trans
    );
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
