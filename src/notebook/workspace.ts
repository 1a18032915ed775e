/**
 * The cells and kernel of one notebook panel, as the team core sees them.
 *
 * The only place that touches NotebookPanel, cells and the session. Cells run
 * through NotebookActions.runCells, the path Shift-Enter takes, so execution
 * counts, outputs and the notebook's executed signals are what the user sees
 * when they run a cell themselves.
 */
import type {
  ISessionContext,
  ISessionContextDialogs
} from '@jupyterlab/apputils';
import type { Cell, ICellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';

import type {
  ICellExecution,
  INotebookWorkspace,
  IRawOutput,
  ITeamCellMetadata
} from '../team/types';

/** The cell metadata key that marks a cell as the team's. */
export const TEAM_METADATA_KEY = 'agent_team';

export class NotebookWorkspace implements INotebookWorkspace {
  constructor(options: NotebookWorkspace.IOptions) {
    this._panel = options.panel;
    this._translator = options.translator;
    this._sessionDialogs = options.sessionDialogs;
    this._trans = options.translator.load('jupyterlab_agent_team');
    // New cells go below the cell that was active when the run started,
    // wherever the user moves afterwards.
    this._anchorId = this._panel.content.activeCell?.model.id ?? null;
  }

  get path(): string {
    return this._panel.context.path;
  }

  async checkReady(): Promise<string | null> {
    if (this._panel.isDisposed) {
      return this._trans.__('The notebook %1 was closed.', this.path);
    }
    const session = this._panel.sessionContext;
    // `ready` never settles while the user has not chosen a kernel.
    if (!session.isReady) {
      await Promise.race([session.ready, Private.delay(30000)]);
    }
    const kernel = session.session?.kernel;
    if (session.hasNoKernel || !kernel) {
      return this._trans.__(
        'The notebook %1 has no kernel. Choose one with Kernel › Change Kernel… and try again.',
        this.path
      );
    }
    const status = await Private.settledStatus(session, 30000);
    if (status === 'dead') {
      return this._trans.__(
        'The kernel of %1 is dead. Restart it with Kernel › Restart Kernel… and try again.',
        this.path
      );
    }
    if (status !== 'idle' && status !== 'busy') {
      return this._trans.__(
        'The kernel of %1 is not ready (%2). Wait until it is idle and try again.',
        this.path,
        status
      );
    }
    return null;
  }

  async insertCell(
    source: string,
    metadata: ITeamCellMetadata,
    afterCellId: string | null
  ): Promise<string> {
    const notebook = this._sharedNotebook();
    const after = afterCellId ?? this._anchorId;
    const afterIndex = after === null ? -1 : this._indexOf(after);
    const index = afterIndex === -1 ? notebook.cells.length : afterIndex + 1;
    const cell = notebook.insertCell(index, {
      cell_type: 'code',
      source,
      metadata: { [TEAM_METADATA_KEY]: { ...metadata } }
    });
    return cell.id;
  }

  async updateCell(
    cellId: string,
    source: string,
    metadata: ITeamCellMetadata
  ): Promise<void> {
    const model = this._teamCellModel(cellId);
    model.sharedModel.setSource(source);
    model.setMetadata(TEAM_METADATA_KEY, { ...metadata });
  }

  async deleteCell(cellId: string): Promise<void> {
    this._teamCellModel(cellId);
    this._sharedNotebook().deleteCell(this._indexOf(cellId));
  }

  readCell(cellId: string): string | null {
    const index = this._indexOf(cellId);
    return index === -1
      ? null
      : this._panel.content.model!.sharedModel.cells[index].getSource();
  }

  hasCell(cellId: string): boolean {
    return !this._panel.isDisposed && this._indexOf(cellId) !== -1;
  }

  async executeCell(cellId: string): Promise<ICellExecution> {
    this._teamCellModel(cellId);
    const widget = this._panel.content.widgets.find(
      (cell: Cell) => cell.model.id === cellId
    );
    if (!widget || widget.model.type !== 'code') {
      throw new Error(this._trans.__('The team cell %1 is gone.', cellId));
    }
    const session = this._panel.sessionContext;
    const notebook = this._panel.content;
    // Running switches the notebook to command mode; someone typing in
    // another cell of it keeps their editor.
    const { mode, activeCell } = notebook;
    let succeeded: boolean;
    try {
      succeeded = await NotebookActions.runCells(
        notebook,
        [widget],
        session,
        this._sessionDialogs,
        this._translator
      );
      if (mode === 'edit' && notebook.activeCell === activeCell) {
        notebook.mode = 'edit';
      }
    } catch (error) {
      return {
        status: 'aborted',
        outputs: [],
        executionCount: null,
        reason: error instanceof Error ? error.message : String(error)
      };
    }
    const json = widget.model.toJSON() as nbformat.ICodeCell;
    const outputs = (json.outputs ?? []) as IRawOutput[];
    const executionCount = json.execution_count ?? null;
    if (outputs.some(output => output.output_type === 'error')) {
      return { status: 'error', outputs, executionCount };
    }
    if (!succeeded) {
      const status = session.session?.kernel?.status ?? 'no kernel';
      return {
        status: 'aborted',
        outputs,
        executionCount,
        reason: this._trans.__(
          'the cell did not complete; the kernel of %1 is %2',
          this.path,
          status
        )
      };
    }
    return { status: 'ok', outputs, executionCount };
  }

  private _sharedNotebook() {
    const model = this._panel.content.model;
    if (this._panel.isDisposed || !model) {
      throw new Error(this._trans.__('The notebook %1 was closed.', this.path));
    }
    return model.sharedModel;
  }

  private _indexOf(cellId: string): number {
    const model = this._panel.content.model;
    if (!model) {
      return -1;
    }
    return model.sharedModel.cells.findIndex(cell => cell.id === cellId);
  }

  /** The model of a cell the team created; anything else is refused. */
  private _teamCellModel(cellId: string): ICellModel {
    const model = this._panel.content.model;
    const index = this._indexOf(cellId);
    if (!model || index === -1) {
      throw new Error(
        this._trans.__('A cell the team wrote was deleted from %1.', this.path)
      );
    }
    const cell = model.cells.get(index);
    if (!cell.getMetadata(TEAM_METADATA_KEY)) {
      throw new Error(
        this._trans.__('The team does not change cells it did not create.')
      );
    }
    return cell;
  }

  private _panel: NotebookPanel;
  private _translator: ITranslator;
  private _sessionDialogs?: ISessionContextDialogs;
  private _trans: TranslationBundle;
  private _anchorId: string | null;
}

export namespace NotebookWorkspace {
  export interface IOptions {
    panel: NotebookPanel;
    translator: ITranslator;
    sessionDialogs?: ISessionContextDialogs;
  }
}

namespace Private {
  export function delay(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
  }

  const SETTLING = new Set([
    'starting',
    'restarting',
    'autorestarting',
    'unknown'
  ]);

  /** Wait (bounded) until the kernel leaves a transitional status. */
  export async function settledStatus(
    session: ISessionContext,
    timeoutMs: number
  ): Promise<string> {
    const kernel = session.session?.kernel;
    if (!kernel) {
      return 'no kernel';
    }
    if (!SETTLING.has(kernel.status)) {
      return kernel.status;
    }
    return new Promise<string>(resolve => {
      const done = () => {
        clearTimeout(timer);
        kernel.statusChanged.disconnect(onStatus);
        resolve(kernel.status);
      };
      const onStatus = () => {
        if (!SETTLING.has(kernel.status)) {
          done();
        }
      };
      const timer = setTimeout(done, timeoutMs);
      kernel.statusChanged.connect(onStatus);
    });
  }
}
