/**
 * The team's model client, built as the sidebar builds it: the endpoints the
 * Jupyter server lists, the chosen one checked, both agents routed through the
 * server's proxy to one endpoint and model.
 */
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import { createAgentClients } from '../../src/llm/agentClients';
import { EndpointService } from '../../src/llm/endpoints';
import { chooseModels, type IAgentChoice } from '../../src/llm/modelChoice';
import type { IModelSettings } from '../../src/settings';
import type { IChatModel } from '../../src/team/types';

/** How calls are made: the settings' defaults. */
const MODEL_SETTINGS: IModelSettings = {
  temperature: 0,
  seed: null,
  streamIdleTimeout: 60,
  requestTimeout: 600,
  retries: 3,
  cache: false
};

export interface ITeamModel {
  model: IChatModel;
  endpoint: string;
  /** The model id; '' when the server picks it. */
  modelId: string;
  /** Whether the model takes images; null when the server does not say. */
  vision: boolean | null;
}

/**
 * The client for `endpoint` ('' for the first listed) and `model` ('' for its
 * default). Throws with what to do when the endpoint is unknown or cannot work.
 */
export async function teamModel(
  serverSettings: ServerConnection.ISettings,
  endpoint: string,
  model: string,
  trans: TranslationBundle
): Promise<ITeamModel> {
  const service = new EndpointService(serverSettings);
  const { endpoints } = await service.list();
  if (endpoints.length === 0) {
    throw new Error(
      'The Jupyter server knows no model endpoint. Set OPENAI_BASE_URL or c.AgentTeam.endpoints.'
    );
  }
  const chosen = endpoint
    ? endpoints.find(candidate => candidate.name === endpoint)
    : endpoints[0];
  if (!chosen) {
    throw new Error(
      `No endpoint is named "${endpoint}". The server lists: ${endpoints
        .map(candidate => `"${candidate.name}"`)
        .join(', ')}.`
    );
  }
  const status = await service.check(chosen.name);
  const setting = { endpoint: chosen.name, model, fallbacks: [] };
  const { choices, problem } = chooseModels(
    { coder: setting, critic: setting },
    endpoints,
    new Map([[chosen.name, status]])
  );
  if (!choices || problem) {
    throw new Error(
      [
        `${chosen.name} (${chosen.baseUrl}): ${status.state}`,
        status.reason,
        status.fix
      ]
        .filter(Boolean)
        .join(' — ')
    );
  }
  const critic: IAgentChoice = choices.critic;
  return {
    model: createAgentClients(choices, {
      serverSettings,
      model: MODEL_SETTINGS,
      trans
    }),
    endpoint: chosen.name,
    modelId: critic.routes[0].model,
    vision: critic.vision
  };
}
