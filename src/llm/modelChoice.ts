/**
 * The one place that decides which endpoint and model each agent calls,
 * before a run starts: from the agent's setting, the endpoints the server
 * knows, and what each endpoint said when it was checked.
 */
import type { IAgentModelSetting, ModelAgent } from '../settings';
import type { IEndpoint, IEndpointStatus, IModelInfo } from './endpoints';

/** One endpoint and model an agent's calls may go to. */
export interface IChosenRoute {
  endpoint: IEndpoint;
  /** '' when the endpoint lists nothing yet: the server then picks. */
  model: string;
  /** What the endpoint said of this model, if it was checked. */
  info: IModelInfo | null;
}

export interface IAgentChoice {
  /** The chosen endpoint first, then its fallbacks. */
  routes: IChosenRoute[];
  /** Whether the model takes images: the server's word, else the endpoint's, else null. */
  vision: boolean | null;
}

/** The Coder's and the Critic's choices, and those of other agents with a setting of their own. */
export type ModelChoices = Record<ModelAgent, IAgentChoice> &
  Record<string, IAgentChoice>;

export const MODEL_AGENTS: ModelAgent[] = ['coder', 'critic'];

/** Known-bad states: a run on such an endpoint would fail on its first call. */
const BROKEN = new Set(['unreachable', 'unauthorised', 'no-models']);

/** Every agent's routes, and what stops a run, if anything. */
export interface IModelDecision {
  /** Null only when no endpoint is known at all. */
  choices: ModelChoices | null;
  /** The state of an agent's endpoint when none of its endpoints can work. */
  problem: IEndpointStatus | null;
}

/**
 * The routes of every agent, and the reason a run cannot start (no endpoint,
 * or an agent whose every endpoint is known not to work).
 */
export function chooseModels(
  agents: Record<ModelAgent, IAgentModelSetting> &
    Record<string, IAgentModelSetting>,
  endpoints: readonly IEndpoint[],
  statuses: ReadonlyMap<string, IEndpointStatus>
): IModelDecision {
  if (endpoints.length === 0) {
    return { choices: null, problem: null };
  }
  const choices = {} as ModelChoices;
  let problem: IEndpointStatus | null = null;
  for (const agent of [
    ...MODEL_AGENTS,
    ...Object.keys(agents).filter(
      key => !MODEL_AGENTS.includes(key as ModelAgent)
    )
  ]) {
    const setting = agents[agent];
    const primary =
      endpoints.find(endpoint => endpoint.name === setting.endpoint) ??
      endpoints[0];
    const fallbacks = setting.fallbacks
      .map(name => endpoints.find(endpoint => endpoint.name === name))
      .filter(
        (endpoint): endpoint is IEndpoint =>
          !!endpoint && endpoint.name !== primary.name
      );
    const routes = [
      route(primary, setting.model, statuses.get(primary.name)),
      ...fallbacks.map(endpoint =>
        route(endpoint, '', statuses.get(endpoint.name))
      )
    ];
    const working = routes.filter(
      r => !BROKEN.has(statuses.get(r.endpoint.name)?.state ?? '')
    );
    if (working.length === 0) {
      problem ??= statuses.get(primary.name) ?? null;
    }
    choices[agent] = {
      routes,
      vision: routes[0].info?.vision ?? primary.vision ?? null
    };
  }
  return { choices, problem };
}

/** The model an endpoint uses when none is chosen: its default, else the first it lists. */
export function defaultModelOf(
  endpoint: IEndpoint,
  status: IEndpointStatus | undefined
): string {
  return endpoint.defaultModel || status?.models[0]?.id || '';
}

function route(
  endpoint: IEndpoint,
  chosen: string,
  status: IEndpointStatus | undefined
): IChosenRoute {
  const model = chosen || defaultModelOf(endpoint, status);
  return {
    endpoint,
    model,
    info: status?.models.find(info => info.id === model) ?? null
  };
}
