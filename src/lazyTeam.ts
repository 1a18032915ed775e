/**
 * The team's view-model and sidebar view, built on first need (the sidebar
 * shown, or a command that needs them), so that start-up loads neither.
 */
import { PromiseDelegate } from '@lumino/coreutils';

import type { AgentTeamModel } from './model';
import type { TeamRun } from './team/teamRun';
import type { AgentTeamSidebar } from './widgets/AgentTeamSidebar';

export interface ITeam {
  model: AgentTeamModel;
  view: AgentTeamSidebar;
  /** A run's end in a sentence, as exports word it. */
  describeEnd: (summary: TeamRun.ISummary) => string;
}

export class LazyTeam {
  constructor(build: () => Promise<ITeam>) {
    this._build = build;
  }

  /** The team once built, else null. */
  get current(): ITeam | null {
    return this._current;
  }

  /** Resolves once the team is built, without building it. */
  get built(): Promise<ITeam> {
    return this._built.promise;
  }

  /** Build the team on the first call; every call shares that build. */
  get(): Promise<ITeam> {
    if (!this._building) {
      this._building = this._build().then(
        team => {
          this._current = team;
          this._built.resolve(team);
          return team;
        },
        error => {
          // A later call tries again.
          this._building = null;
          throw error;
        }
      );
    }
    return this._building;
  }

  private _build: () => Promise<ITeam>;
  private _building: Promise<ITeam> | null = null;
  private _current: ITeam | null = null;
  private _built = new PromiseDelegate<ITeam>();
}
