/**
 * The Agent Team's place in the left sidebar from start-up: its tab, and the
 * view, whose code loads when the sidebar is first shown.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import { BoxPanel, Widget } from '@lumino/widgets';

import type { ITeam, LazyTeam } from '../lazyTeam';

/**
 * How long a run to reveal may take to appear when the team was just built:
 * the open notebooks' runs restore shortly after.
 */
const RESTORE_WAIT_MS = 5000;

export class SidebarShell extends BoxPanel {
  constructor(options: SidebarShell.IOptions) {
    super({ spacing: 0 });
    this._team = options.team;
    this._trans = options.trans;
    this.addClass('jp-AgentTeam-SidebarShell');
  }

  /** The team, with its view in this sidebar; built on the first call. */
  team(): Promise<ITeam> {
    if (!this._shown) {
      this._problem?.dispose();
      this._problem = null;
      this._shown = this._team.get().then(
        team => {
          BoxPanel.setStretch(team.view, 1);
          this.addWidget(team.view);
          return team;
        },
        error => {
          this._shown = null;
          this._showProblem(error);
          throw error;
        }
      );
    }
    return this._shown;
  }

  /** Put the cursor in the task box. */
  async focusTaskInput(): Promise<void> {
    const { view } = await this.team();
    await view.renderPromise;
    view.focusTaskInput();
  }

  /** Unfold the run with this id and scroll to it; false when the sidebar does not hold it. */
  async revealRun(runId: string): Promise<boolean> {
    const wasBuilt = this._team.current !== null;
    const { view } = await this.team();
    const deadline = Date.now() + (wasBuilt ? 0 : RESTORE_WAIT_MS);
    for (;;) {
      // The view renders on activation; try once it has.
      await new Promise(resolve => requestAnimationFrame(resolve));
      if (view.revealRun(runId)) {
        return true;
      }
      if (Date.now() >= deadline) {
        return false;
      }
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.team().catch(() => undefined);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      void this.team().catch(() => undefined);
    }
  }

  private _showProblem(error: unknown): void {
    console.error('Agent Team: the sidebar could not load.', error);
    const problem = new Widget();
    problem.addClass('jp-AgentTeam-LoadProblem');
    problem.node.textContent = this._trans.__(
      'The Agent Team could not load: %1',
      error instanceof Error ? error.message : String(error)
    );
    this.addWidget(problem);
    this._problem = problem;
  }

  private _team: LazyTeam;
  private _trans: TranslationBundle;
  private _shown: Promise<ITeam> | null = null;
  private _problem: Widget | null = null;
}

export namespace SidebarShell {
  export interface IOptions {
    team: LazyTeam;
    trans: TranslationBundle;
  }
}
