/**
 * One typed view of the plugin's settings (schema/plugin.json).
 */
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';

import { DEFAULT_TEAM_CONFIG, ITeamConfig } from './team/config';
import type { ApprovalMode } from './team/types';

export interface IModelSettings {
  model: string;
  baseUrl: string;
  temperature: number;
  seed: number | null;
  /** Seconds a streamed answer may stay silent before the call fails (0: no limit). */
  streamIdleTimeout: number;
  /** Seconds a whole model call may take (0: no limit). */
  requestTimeout: number;
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
      coderSystemMessage: this._string(
        'coderSystemMessage',
        d.coderSystemMessage
      ),
      criticSystemMessage: this._string(
        'criticSystemMessage',
        d.criticSystemMessage
      ),
      maxRounds: this._number('maxRounds', d.maxRounds),
      autoRevisions: this._number('autoRevisions', d.autoRevisions),
      scoreThreshold: this._number('scoreThreshold', d.scoreThreshold),
      maxFixAttempts: this._number('maxFixAttempts', d.maxFixAttempts),
      maxOutputChars: this._number('maxOutputChars', d.maxOutputChars),
      vision: this._get('vision') === true,
      executionTimeout: this._number('executionTimeout', d.executionTimeout),
      approvalMode: this.approvalMode
    };
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

  /** How to reach the model. */
  get model(): IModelSettings {
    const seed = this._get('seed');
    return {
      model: this._string('model', '').trim(),
      baseUrl: this._string('baseUrl', '').trim(),
      temperature: this._number('temperature', 0),
      seed: typeof seed === 'number' ? seed : null,
      streamIdleTimeout: this._number('streamIdleTimeout', 60),
      requestTimeout: this._number('requestTimeout', 600)
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
