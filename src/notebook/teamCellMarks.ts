/**
 * A small mark on every cell the team wrote ("Coder · round 2"): where the
 * cell came from, at a glance; a click opens its run in the sidebar.
 */
import type { Cell } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ITeamCellMetadata } from '../team/types';
import { TEAM_METADATA_KEY } from './metadataKey';

const MARK_CLASS = 'jp-AgentTeam-CellMark';
const TEAM_CELL_CLASS = 'jp-AgentTeam-teamCell';

export class TeamCellMarks {
  constructor(options: TeamCellMarks.IOptions) {
    this._options = options;
    options.tracker.widgetAdded.connect((_, panel) => this._watch(panel));
    options.tracker.forEach(panel => this._watch(panel));
  }

  private _watch(panel: NotebookPanel): void {
    void panel.context.ready.then(() => {
      const model = panel.content.model;
      if (panel.isDisposed || !model) {
        return;
      }
      // Cells come and go, and the team rewrites their metadata: mark again
      // once per frame at most.
      let scheduled = false;
      const schedule = () => {
        if (!scheduled) {
          scheduled = true;
          requestAnimationFrame(() => {
            scheduled = false;
            this._markAll(panel);
          });
        }
      };
      model.contentChanged.connect(schedule);
      model.cells.changed.connect(schedule);
      panel.disposed.connect(() => {
        model.contentChanged.disconnect(schedule);
        model.cells.changed.disconnect(schedule);
      });
      this._markAll(panel);
    });
  }

  private _markAll(panel: NotebookPanel): void {
    if (!panel.isDisposed) {
      panel.content.widgets.forEach(cell => this._mark(cell));
    }
  }

  private _mark(cell: Cell): void {
    const { trans, onOpenRun } = this._options;
    const metadata = cell.model.getMetadata(TEAM_METADATA_KEY) as
      ITeamCellMetadata | undefined;
    let mark = cell.node.querySelector<HTMLButtonElement>(
      `:scope > .${MARK_CLASS}`
    );
    if (!metadata?.run) {
      mark?.remove();
      cell.removeClass(TEAM_CELL_CLASS);
      return;
    }
    if (!mark) {
      mark = document.createElement('button');
      mark.className = MARK_CLASS;
      mark.addEventListener('click', event => {
        event.stopPropagation();
        onOpenRun(mark!.dataset.run ?? '');
      });
      cell.node.appendChild(mark);
      cell.addClass(TEAM_CELL_CLASS);
    }
    const agent =
      metadata.agent === 'coder' ? trans.__('Coder') : metadata.agent;
    mark.dataset.run = metadata.run;
    mark.textContent = trans.__('%1 · r%2', agent, metadata.round);
    mark.title = trans.__(
      'Written by the Agent Team (%1, round %2 of run %3). Click to show the run.',
      agent,
      metadata.round,
      metadata.run.slice(0, 8)
    );
  }

  private _options: TeamCellMarks.IOptions;
}

export namespace TeamCellMarks {
  export interface IOptions {
    tracker: INotebookTracker;
    trans: TranslationBundle;
    /** Show the run with this id in the sidebar. */
    onOpenRun: (runId: string) => void;
  }
}
