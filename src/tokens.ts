/**
 * What the Agent Team offers other extensions: a registry of agents, team
 * presets, speaker strategies and model providers. The built-ins register
 * through it too.
 */
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';

import type { IAgentSpec, ITeamSpec } from './team/agents';
import type { ISpeakerStrategy } from './team/speakers';
import type { IChatModel } from './team/types';

/** Agents, presets, speaker strategies and model providers the team can use. */
export interface IAgentTeamRegistry {
  /**
   * Add an agent. A team takes it when the *Team* setting's `agents` name it
   * (`"agents": ["User_proxy", "Coder", "Reviewer"]`), and the team editor lists it.
   */
  registerAgent(agent: IAgentSpec): IDisposable;

  /** Add a team preset, chosen by its name in the *Team* setting or the sidebar. */
  registerPreset(name: string, team: ITeamSpec): IDisposable;

  /** Add a way of choosing the next speaker, by its name in the *Team* setting's `strategy`. */
  registerSpeakerStrategy(
    name: string,
    strategy: ISpeakerStrategy
  ): IDisposable;

  /**
   * Add a model provider: an agent whose `provider` names it is answered by
   * `model` instead of the configured endpoints (a model in the browser, a
   * company gateway with its own client).
   */
  registerModelProvider(name: string, model: IChatModel): IDisposable;

  readonly agents: readonly IAgentSpec[];
  readonly presets: Readonly<Record<string, ITeamSpec>>;
  readonly strategies: Readonly<Record<string, ISpeakerStrategy>>;
  readonly modelProviders: Readonly<Record<string, IChatModel>>;

  /** Emits when anything is registered or removed. */
  readonly changed: ISignal<IAgentTeamRegistry, void>;
}

/** The Agent Team's registry. */
export const IAgentTeamRegistry = new Token<IAgentTeamRegistry>(
  'jupyterlab-agent-team:IAgentTeamRegistry',
  'Agents, team presets, speaker strategies and model providers for the Agent Team.'
);

export namespace IAgentTeamRegistry {
  /** A member of a team. */
  export type IAgent = IAgentSpec;
  /** A team: members, speaker strategy, allowed transitions. */
  export type ITeam = ITeamSpec;
  /** A way of choosing the next speaker. */
  export type IStrategy = ISpeakerStrategy;
}
