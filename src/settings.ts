/**
 * One typed view of the plugin's settings (schema/plugin.json).
 */
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { PartialJSONValue } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import type { IUserEndpoint } from './llm/endpoints';
import { DEFAULT_TEAM_CONFIG, ITeamConfig } from './team/config';
import {
  readTeam,
  type IAgentSpec,
  type ITeamExtras,
  type ITeamSpec
} from './team/agents';
import { readRubric } from './team/rubric';
import type { ApprovalMode } from './team/types';

/** Which endpoint and model an agent calls, and where it goes when that fails. */
export interface IAgentModelSetting {
  /** The endpoint's name; '' for the first endpoint. */
  endpoint: string;
  /** '' for the endpoint's default model, else the first it lists. */
  model: string;
  /** Endpoint names tried in order after this one. */
  fallbacks: string[];
}

/** The agents that call a model. */
export type ModelAgent = 'coder' | 'critic';

export interface IModelSettings {
  temperature: number;
  seed: number | null;
  /** Seconds a streamed answer may stay silent before the call fails (0: no limit). */
  streamIdleTimeout: number;
  /** Seconds a whole model call may take (0: no limit). */
  requestTimeout: number;
  /** Retries after a 429, or a 5xx on an agent's last endpoint. */
  retries: number;
  /** Answer identical requests from the server's response cache. */
  cache: boolean;
}

export class AgentTeamSettings {
  constructor(settings: ISettingRegistry.ISettings | null) {
    this._settings = settings;
    settings?.changed.connect(this._onChanged, this);
  }

  /** What shapes a run. */
  get team(): ITeamConfig {
    const d = DEFAULT_TEAM_CONFIG;
    return {
      team: this.teamSpec().team,
      coderSystemMessage: this._string(
        'coderSystemMessage',
        d.coderSystemMessage
      ),
      criticSystemMessage: this._string(
        'criticSystemMessage',
        d.criticSystemMessage
      ),
      rubric: readRubric(this._get('rubric')).rubric,
      maxRounds: this._number('maxRounds', d.maxRounds),
      autoRevisions: this._number('autoRevisions', d.autoRevisions),
      scoreThreshold: this._number('scoreThreshold', d.scoreThreshold),
      maxFixAttempts: this._number('maxFixAttempts', d.maxFixAttempts),
      maxOutputChars: this._number('maxOutputChars', d.maxOutputChars),
      vision: this.visionFallback,
      executionTimeout: this._number('executionTimeout', d.executionTimeout),
      timeLimit: this._number('timeLimit', d.timeLimit),
      tokenBudget: this._number('tokenBudget', d.tokenBudget),
      approvalMode: this.approvalMode,
      reproduceCheck: this._get('reproduceCheck') !== false
    };
  }

  /**
   * The team the settings describe, with agents other extensions registered
   * and presets they added, and why the setting cannot be used, if so.
   */
  teamSpec(): { team: ITeamSpec; problem: string | null } {
    return readTeam(this._get('team'), this.teamExtras());
  }

  /** What other extensions registered (see `IAgentTeamRegistry`). */
  teamExtras: () => ITeamExtras = () => ({});

  /** Change the team (the sidebar's team editor); saved like any setting. */
  async setTeam(value: {
    preset?: string;
    strategy?: string;
    agents?: IAgentSpec[];
  }): Promise<void> {
    await this._settings?.set('team', value as unknown as PartialJSONValue);
  }

  /** Why the rubric setting cannot be used, or null. */
  get rubricProblem(): string | null {
    return readRubric(this._get('rubric')).problem;
  }

  /** When the team asks the user before going on. */
  get approvalMode(): ApprovalMode {
    const value = this._get('approvalMode');
    return value === 'ask' || value === 'end' ? value : 'auto';
  }

  /** Change the approval mode (the sidebar's toggle); saved like any setting. */
  async setApprovalMode(mode: ApprovalMode): Promise<void> {
    await this._settings?.set('approvalMode', mode);
  }

  /** Whether the Critic gets plots when the server does not say what its model takes. */
  get visionFallback(): boolean {
    return this._get('vision') === true;
  }

  /**
   * Each model-calling agent's endpoint, model and fallbacks: the Coder's and
   * the Critic's, and those of other agents by their key (`planner`).
   */
  get agents(): Record<ModelAgent, IAgentModelSetting> &
    Record<string, IAgentModelSetting> {
    const raw = (this._get('agents') ?? {}) as Record<
      string,
      Partial<IAgentModelSetting> | undefined
    >;
    const one = (value: Partial<IAgentModelSetting> | undefined) => ({
      endpoint: typeof value?.endpoint === 'string' ? value.endpoint : '',
      model: typeof value?.model === 'string' ? value.model.trim() : '',
      fallbacks: Array.isArray(value?.fallbacks)
        ? value.fallbacks.filter((name): name is string => !!name)
        : []
    });
    return {
      ...Object.fromEntries(
        Object.entries(raw).map(([agent, value]) => [agent, one(value)])
      ),
      coder: one(raw.coder),
      critic: one(raw.critic)
    };
  }

  /** Choose an agent's endpoint and model (the sidebar's pickers); fallbacks stay. */
  async setAgentModel(
    agent: ModelAgent,
    endpoint: string,
    model: string
  ): Promise<void> {
    const agents = this.agents;
    agents[agent] = { ...agents[agent], endpoint, model };
    await this._settings?.set('agents', agents as unknown as PartialJSONValue);
  }

  /** Endpoints added in the settings (never with a key). */
  get userEndpoints(): IUserEndpoint[] {
    const raw = this._get('endpoints');
    return Array.isArray(raw)
      ? raw.filter(
          (item): item is IUserEndpoint =>
            typeof item?.name === 'string' && typeof item?.baseUrl === 'string'
        )
      : [];
  }

  /** The ports Find local servers probes. */
  get discoveryPorts(): number[] {
    const raw = this._get('discoveryPorts');
    return Array.isArray(raw)
      ? raw.filter((port): port is number => Number.isInteger(port))
      : [1234, 11434, 8080, 8000];
  }

  /** How calls are made. */
  get model(): IModelSettings {
    const seed = this._get('seed');
    return {
      temperature: this._number('temperature', 0),
      seed: typeof seed === 'number' ? seed : null,
      streamIdleTimeout: this._number('streamIdleTimeout', 60),
      requestTimeout: this._number('requestTimeout', 600),
      retries: this._number('retries', 3),
      cache: this._get('cache') === true
    };
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  dispose(): void {
    this._settings?.changed.disconnect(this._onChanged, this);
    Signal.clearData(this);
  }

  private _get(key: string): unknown {
    return this._settings?.composite[key];
  }

  private _string(key: string, fallback: string): string {
    const value = this._get(key);
    return typeof value === 'string' && value.trim() !== '' ? value : fallback;
  }

  private _number(key: string, fallback: number): number {
    const value = this._get(key);
    return typeof value === 'number' && Number.isFinite(value)
      ? value
      : fallback;
  }

  private _onChanged(): void {
    this._changed.emit();
  }

  private _settings: ISettingRegistry.ISettings | null;
  private _changed = new Signal<this, void>(this);
}
