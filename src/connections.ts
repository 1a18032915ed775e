/**
 * The model connections the sidebar shows before anything is typed: the
 * endpoints, whether each answers (and what to do when it does not), their
 * models, and the local servers found on this machine.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  IEndpoint,
  IEndpointService,
  IEndpointStatus
} from './llm/endpoints';
import { chooseModels, IModelDecision } from './llm/modelChoice';
import type { AgentTeamSettings } from './settings';

export class ModelConnections {
  constructor(options: ModelConnections.IOptions) {
    this._service = options.service;
    this._settings = options.settings;
    this._trans = options.trans;
    this._userEndpoints = JSON.stringify(this._settings.userEndpoints);
    this._settings.changed.connect(this._onSettingsChanged, this);
  }

  get endpoints(): readonly IEndpoint[] {
    return this._endpoints;
  }

  /** What each endpoint said when it was last checked, by name. */
  get statuses(): ReadonlyMap<string, IEndpointStatus> {
    return this._statuses;
  }

  /** Why the endpoint list could not be loaded, if it could not. */
  get error(): string | null {
    return this._error;
  }

  /** Whether a search for local servers is under way. */
  get discovering(): boolean {
    return this._discovering;
  }

  /** What the last search for local servers found, or null before one. */
  get found(): readonly (IEndpoint & IEndpointStatus)[] | null {
    return this._found;
  }

  /** Resolves once the endpoints have been listed and checked the first time. */
  get ready(): Promise<void> {
    return this._ready;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Every agent's endpoints and model, and what stops a run. */
  choose(): IModelDecision {
    return chooseModels(this._settings.agents, this._endpoints, this._statuses);
  }

  /**
   * Send the settings' endpoints to the server, list every endpoint, and
   * check each one. Runs wait for the first time this finishes.
   */
  refresh(): Promise<void> {
    const refreshed = this._refresh();
    if (!this._started) {
      this._started = true;
      this._ready = refreshed;
    }
    return refreshed;
  }

  /** Check one endpoint again (after the user started its server, say). */
  async check(name: string): Promise<void> {
    this._statuses.set(name, {
      name,
      state: 'checking',
      reason: '',
      fix: '',
      models: []
    });
    this._emit();
    let status: IEndpointStatus;
    try {
      status = await this._service.check(name);
    } catch (error) {
      status = {
        name,
        state: 'error',
        reason: Private.message(error),
        fix: this._trans.__(
          'The Jupyter server could not check it; see its log.'
        ),
        models: []
      };
    }
    this._statuses.set(name, status);
    this._emit();
  }

  /**
   * Check the known endpoints again (a server may have started since), then
   * probe this machine's usual model server ports and the server's OPENAI_API_KEY.
   */
  async discover(): Promise<void> {
    if (this._discovering) {
      return;
    }
    this._discovering = true;
    this._emit();
    try {
      await this._refresh();
      const discovery = await this._service.discover(
        this._settings.discoveryPorts
      );
      this._endpoints = discovery.endpoints;
      this._found = discovery.found;
      for (const found of discovery.found) {
        this._statuses.set(found.name, {
          name: found.name,
          state: found.state,
          reason: found.reason,
          fix: found.fix,
          models: found.models
        });
      }
    } catch (error) {
      this._found = [];
      this._error = this._trans.__(
        'Could not look for local servers: %1',
        Private.message(error)
      );
    } finally {
      this._discovering = false;
      this._emit();
    }
  }

  /** Empty the server's response cache; resolves to how many replies it held. */
  clearCache(): Promise<number> {
    return this._service.clearCache();
  }

  dispose(): void {
    this._settings.changed.disconnect(this._onSettingsChanged, this);
    Signal.clearData(this);
  }

  private async _refresh(): Promise<void> {
    try {
      const list = await this._service.setUserEndpoints(
        this._settings.userEndpoints
      );
      this._endpoints = list.endpoints;
      this._error = null;
    } catch (error) {
      // The settings' endpoints were refused; the server's still work.
      this._error = this._trans.__(
        'The endpoints in the settings were not taken: %1',
        Private.message(error)
      );
      try {
        this._endpoints = (await this._service.list()).endpoints;
      } catch (inner) {
        this._error = this._trans.__(
          'The Jupyter server did not list its model endpoints: %1. Is the jupyterlab_agent_team server extension enabled?',
          Private.message(inner)
        );
        this._endpoints = [];
      }
    }
    this._emit();
    await Promise.all(
      this._endpoints.map(endpoint => this.check(endpoint.name))
    );
  }

  /** Endpoints added or changed in the settings are sent and checked again. */
  private _onSettingsChanged(): void {
    const now = JSON.stringify(this._settings.userEndpoints);
    if (now !== this._userEndpoints) {
      this._userEndpoints = now;
      void this.refresh();
    }
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _service: IEndpointService;
  private _settings: AgentTeamSettings;
  private _trans: TranslationBundle;
  private _endpoints: IEndpoint[] = [];
  private _statuses = new Map<string, IEndpointStatus>();
  private _error: string | null = null;
  private _found: (IEndpoint & IEndpointStatus)[] | null = null;
  private _discovering = false;
  private _started = false;
  private _userEndpoints: string;
  private _ready: Promise<void> = Promise.resolve();
  private _changed = new Signal<this, void>(this);
}

export namespace ModelConnections {
  export interface IOptions {
    service: IEndpointService;
    settings: AgentTeamSettings;
    trans: TranslationBundle;
  }
}

namespace Private {
  export function message(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
  }
}
