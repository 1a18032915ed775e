/**
 * Each agent's model client: its chosen endpoint and model through the
 * Jupyter server, then its fallbacks, with retries. Loaded on the first model
 * call (see LazyChatModel): this module brings the openai SDK.
 */
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import { jupyterFetch, proxyBaseUrl } from './jupyterServer';
import type { IAgentChoice, ModelChoices } from './modelChoice';
import { OpenAIChatModel } from './openai';
import {
  AgentRouter,
  DEFAULT_RESILIENCE,
  ResilientChatModel
} from './resilientChatModel';
import type { IModelSettings } from '../settings';

export function createAgentClients(
  choices: ModelChoices,
  options: {
    serverSettings: ServerConnection.ISettings;
    model: IModelSettings;
    trans: TranslationBundle;
  }
): AgentRouter {
  const { serverSettings, model: settings, trans } = options;
  const agentModel = (choice: IAgentChoice) =>
    new ResilientChatModel(
      choice.routes.map(({ endpoint, model }) => ({
        route: { endpoint: endpoint.name, model },
        model: new OpenAIChatModel({
          baseURL: proxyBaseUrl(serverSettings),
          fetch: jupyterFetch(serverSettings),
          endpointName: endpoint.name,
          model,
          temperature: settings.temperature,
          seed: settings.seed,
          cache: settings.cache,
          streamIdleTimeoutMs: settings.streamIdleTimeout * 1000,
          requestTimeoutMs: settings.requestTimeout * 1000,
          describeEndpoint: trans.__(
            '%1 (%2)',
            endpoint.name,
            endpoint.baseUrl
          ),
          trans
        })
      })),
      { ...DEFAULT_RESILIENCE, maxRetries: settings.retries }
    );
  return new AgentRouter(
    Object.fromEntries(
      Object.entries(choices).map(([agent, choice]) => [
        agent,
        agentModel(choice)
      ])
    )
  );
}
