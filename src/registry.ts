/**
 * The registry behind `IAgentTeamRegistry`: plain maps with a change signal.
 */
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { IAgentSpec, ITeamSpec } from './team/agents';
import type { ISpeakerStrategy } from './team/speakers';
import type { IChatModel } from './team/types';
import type { IAgentTeamRegistry } from './tokens';

export class AgentTeamRegistry implements IAgentTeamRegistry {
  registerAgent(agent: IAgentSpec): IDisposable {
    const key = agent.name.toLowerCase();
    if (this._agents.some(known => known.name.toLowerCase() === key)) {
      throw new Error(`An agent called "${agent.name}" is already registered.`);
    }
    this._agents = [...this._agents, agent];
    this._changed.emit();
    return new DisposableDelegate(() => {
      this._agents = this._agents.filter(known => known !== agent);
      this._changed.emit();
    });
  }

  registerPreset(name: string, team: ITeamSpec): IDisposable {
    return this._add(this._presets, name, { ...team, preset: name });
  }

  registerSpeakerStrategy(
    name: string,
    strategy: ISpeakerStrategy
  ): IDisposable {
    if (name === 'pipeline') {
      throw new Error('"pipeline" is the team\'s own flow, not a strategy.');
    }
    return this._add(this._strategies, name, strategy);
  }

  registerModelProvider(name: string, model: IChatModel): IDisposable {
    return this._add(this._providers, name, model);
  }

  get agents(): readonly IAgentSpec[] {
    return this._agents;
  }

  get presets(): Readonly<Record<string, ITeamSpec>> {
    return Object.fromEntries(this._presets);
  }

  get strategies(): Readonly<Record<string, ISpeakerStrategy>> {
    return Object.fromEntries(this._strategies);
  }

  get modelProviders(): Readonly<Record<string, IChatModel>> {
    return Object.fromEntries(this._providers);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  private _add<T>(map: Map<string, T>, name: string, value: T): IDisposable {
    if (map.has(name)) {
      throw new Error(`"${name}" is already registered.`);
    }
    map.set(name, value);
    this._changed.emit();
    return new DisposableDelegate(() => {
      if (map.get(name) === value) {
        map.delete(name);
        this._changed.emit();
      }
    });
  }

  private _agents: readonly IAgentSpec[] = [];
  private _presets = new Map<string, ITeamSpec>();
  private _strategies = new Map<string, ISpeakerStrategy>();
  private _providers = new Map<string, IChatModel>();
  private _changed = new Signal<this, void>(this);
}
