/**
 * The concretions the view-model is handed by the composition root: the
 * model client over the server's proxy route, and a notebook's workspace.
 */
import type { ISessionContextDialogs } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { ITranslator } from '@jupyterlab/translation';

import { jupyterFetch, proxyBaseUrl } from './llm/jupyterServer';
import type { IAgentChoice, ModelChoices } from './llm/modelChoice';
import { OpenAIChatModel } from './llm/openai';
import {
  AgentRouter,
  DEFAULT_RESILIENCE,
  ResilientChatModel
} from './llm/resilientChatModel';
import type { AgentTeamModel } from './model';
import { NotebookWorkspace } from './notebook/workspace';
import type { AgentTeamSettings } from './settings';

/**
 * Each agent's calls through the Jupyter server to its chosen endpoint and
 * model, then to its fallbacks, with retries.
 */
export function chatModelFactory(
  serverSettings: ServerConnection.ISettings,
  settings: AgentTeamSettings,
  translator: ITranslator
): AgentTeamModel.IOptions['createChatModel'] {
  const trans = translator.load('jupyterlab_agent_team');
  return (choices: ModelChoices) => {
    const options = settings.model;
    const agentModel = (choice: IAgentChoice) =>
      new ResilientChatModel(
        choice.routes.map(({ endpoint, model }) => ({
          route: { endpoint: endpoint.name, model },
          model: new OpenAIChatModel({
            baseURL: proxyBaseUrl(serverSettings),
            fetch: jupyterFetch(serverSettings),
            endpointName: endpoint.name,
            model,
            temperature: options.temperature,
            seed: options.seed,
            cache: options.cache,
            streamIdleTimeoutMs: options.streamIdleTimeout * 1000,
            requestTimeoutMs: options.requestTimeout * 1000,
            describeEndpoint: trans.__(
              '%1 (%2)',
              endpoint.name,
              endpoint.baseUrl
            ),
            trans
          })
        })),
        { ...DEFAULT_RESILIENCE, maxRetries: options.retries }
      );
    return new AgentRouter({
      coder: agentModel(choices.coder),
      critic: agentModel(choices.critic)
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
