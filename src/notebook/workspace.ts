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
import type { Cell, CodeCell, ICellModel } from '@jupyterlab/cells';
import { PathExt } from '@jupyterlab/coreutils';
import type * as nbformat from '@jupyterlab/nbformat';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelAPI, KernelMessage } from '@jupyterlab/services';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { runInFreshKernel } from './freshKernel';
import {
  inspectSilently,
  otherLanguage,
  whenKernelIdle
} from './kernelRequests';
import { TEAM_METADATA_KEY } from './metadataKey';
import {
  ICellExecution,
  ICellRun,
  IDraftCell,
  IFreshRun,
  IFreshRunOptions,
  INotebookWorkspace,
  IRawOutput,
  ITeamCellMetadata,
  IWorkspaceFault,
  WorkspaceError
} from '../team/types';

/** The class of team cells that wait for the user's Run or Skip. */
const PENDING_CELL_CLASS = 'jp-AgentTeam-pendingCell';

export class NotebookWorkspace implements INotebookWorkspace {
  constructor(options: NotebookWorkspace.IOptions) {
    this._panel = options.panel;
    this._translator = options.translator;
    this._sessionDialogs = options.sessionDialogs;
    this._trans = options.translator.load('jupyterlab_agent_team');
    // New cells go below the cell that was active when the run started,
    // wherever the user moves afterwards.
    this._anchorId = this._panel.content.activeCell?.model.id ?? null;
    const session = this._panel.sessionContext;
    session.statusChanged.connect(this._onKernelStatus, this);
    session.kernelChanged.connect(this._onKernelChanged, this);
    this._panel.disposed.connect(this._onPanelDisposed, this);
  }

  get path(): string {
    return this._panel.context.path;
  }

  get faulted(): ISignal<this, IWorkspaceFault> {
    return this._faulted;
  }

  async checkReady(): Promise<string | null> {
    if (this._panel.isDisposed) {
      return this._trans.__('The notebook %1 was closed.', this.path);
    }
    const session = this._panel.sessionContext;
    const noKernel = this._trans.__(
      'The notebook %1 has no kernel. Choose one with Kernel › Change Kernel… and try again.',
      this.path
    );
    if (session.hasNoKernel || (session.isReady && !session.session?.kernel)) {
      return noKernel;
    }
    // `ready` never settles while the user has not chosen a kernel.
    if (!session.isReady) {
      await Promise.race([session.ready, Private.delay(30000)]);
    }
    const kernel = session.session?.kernel;
    if (session.hasNoKernel || !kernel) {
      return noKernel;
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
    const language = await otherLanguage(kernel, 10000);
    if (language) {
      return this._trans.__(
        'The kernel of %1 runs %2, but the team writes Python. Choose a Python kernel with Kernel › Change Kernel… and try again.',
        this.path,
        language
      );
    }
    this._kernelId = kernel.id;
    return null;
  }

  isKernelBusy(): boolean {
    return this._panel.sessionContext.session?.kernel?.status === 'busy';
  }

  whenKernelIdle(): Promise<void> {
    return whenKernelIdle(this._panel.sessionContext.session?.kernel);
  }

  async writeDraft(
    cells: IDraftCell[],
    remove: string[],
    metadata: ITeamCellMetadata
  ): Promise<string[]> {
    const notebook = this._sharedNotebook();
    // Checked before anything changes: a refused edit leaves the notebook as it was.
    const revised = new Map(
      cells.flatMap(cell =>
        cell.cellId === null
          ? []
          : [[cell.cellId, this._teamCellModel(cell.cellId)] as const]
      )
    );
    remove.forEach(id => this._teamCellModel(id));
    const ids: string[] = [];
    // One round is one undo step: the undo manager merges what happens
    // between two stops. (Not one transaction: the notebook's cell list only
    // catches up at the end of a transaction, and each insert needs the last.)
    Private.stopCapturing(notebook);
    for (const cell of cells) {
      const model = cell.cellId === null ? null : revised.get(cell.cellId);
      if (model) {
        model.sharedModel.setSource(cell.source);
        model.setMetadata(TEAM_METADATA_KEY, { ...metadata });
        ids.push(model.id);
        continue;
      }
      const after = ids.length > 0 ? ids[ids.length - 1] : this._anchorId;
      const afterIndex = after === null ? -1 : this._indexOf(after);
      const index = afterIndex === -1 ? notebook.cells.length : afterIndex + 1;
      const inserted = notebook.insertCell(index, {
        cell_type: 'code',
        source: cell.source,
        metadata: { [TEAM_METADATA_KEY]: { ...metadata } }
      });
      ids.push(inserted.id);
    }
    for (const id of remove) {
      notebook.deleteCell(this._indexOf(id));
    }
    Private.stopCapturing(notebook);
    return ids;
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

  markPending(cellIds: string[], pending: boolean): void {
    if (this._panel.isDisposed) {
      return;
    }
    for (const cell of this._panel.content.widgets) {
      if (cellIds.includes(cell.model.id)) {
        cell.toggleClass(PENDING_CELL_CLASS, pending);
      }
    }
  }

  inspect(expression: string, timeoutMs: number): Promise<string | null> {
    return inspectSilently(
      this._panel.sessionContext.session?.kernel,
      expression,
      timeoutMs
    );
  }

  async runInFreshKernel(
    sources: string[],
    options: IFreshRunOptions
  ): Promise<IFreshRun> {
    const session = this._panel.sessionContext;
    const kernel = session.session?.kernel;
    if (this._panel.isDisposed || !kernel) {
      return {
        status: 'unavailable',
        failedCell: null,
        output: [],
        kernel: '',
        reason: this._trans.__('the notebook %1 has no kernel.', this.path)
      };
    }
    const spec = await Promise.race([kernel.spec, Private.delay(10000)]);
    return runInFreshKernel(
      {
        sessionManager: session.sessionManager,
        folder: PathExt.dirname(session.session?.path ?? session.path),
        kernelName: kernel.name,
        displayName: spec?.display_name || kernel.name
      },
      sources,
      options,
      this._trans
    );
  }

  executeCell(cellId: string): ICellRun {
    let markStarted = () => {};
    const started = new Promise<void>(resolve => {
      markStarted = resolve;
    });
    return { started, done: this._run(cellId, () => markStarted()) };
  }

  async interrupt(cellId: string): Promise<void> {
    const execution = this._executing;
    if (!execution || execution.cellId !== cellId || execution.interruptAsked) {
      return;
    }
    execution.interruptAsked = true;
    // A cell still queued is interrupted the moment it starts (see _run).
    if (execution.started) {
      await Private.interruptKernel(execution.kernel);
    }
  }

  private async _run(
    cellId: string,
    onStarted: () => void
  ): Promise<ICellExecution> {
    this._teamCellModel(cellId);
    const widget = this._panel.content.widgets.find(
      (cell: Cell) => cell.model.id === cellId
    ) as CodeCell | undefined;
    if (!widget || widget.model.type !== 'code') {
      throw new WorkspaceError(
        this._trans.__('A cell the team wrote was deleted from %1.', this.path)
      );
    }
    const session = this._panel.sessionContext;
    const kernel = session.session?.kernel;
    // Never start or pick a kernel for the team: only the one the run checked.
    if (!kernel || (this._kernelId !== null && kernel.id !== this._kernelId)) {
      return this._aborted(
        this._trans.__(
          'the kernel of %1 is no longer the one the run started on',
          this.path
        ),
        []
      );
    }
    const execution: Private.IExecuting = {
      cellId,
      kernel,
      started: false,
      interruptAsked: false
    };
    // The kernel says when it starts this cell's request (it may have waited in its queue).
    const onIOPub = (
      _: Kernel.IKernelConnection,
      msg: KernelMessage.IIOPubMessage
    ) => {
      const request = widget.outputArea.future?.msg.header.msg_id;
      if (
        msg.header.msg_type === 'execute_input' &&
        request !== undefined &&
        msg.parent_header.msg_id === request
      ) {
        execution.started = true;
        onStarted();
        if (execution.interruptAsked) {
          void Private.interruptKernel(kernel);
        }
      }
    };
    kernel.iopubMessage.connect(onIOPub);
    this._executing = execution;
    const notebook = this._panel.content;
    // Running switches the notebook to command mode; someone typing in
    // another cell of it keeps their editor.
    const { mode, activeCell } = notebook;
    let succeeded = false;
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
    } catch {
      succeeded = false;
    } finally {
      kernel.iopubMessage.disconnect(onIOPub);
      this._executing = null;
    }
    if (widget.isDisposed || this._indexOf(cellId) === -1) {
      return { status: 'removed', outputs: [], executionCount: null };
    }
    const json = widget.model.toJSON() as nbformat.ICodeCell;
    const outputs = (json.outputs ?? []) as IRawOutput[];
    const executionCount = json.execution_count ?? null;
    if (outputs.some(output => output.output_type === 'error')) {
      return { status: 'error', outputs, executionCount };
    }
    if (!succeeded) {
      const status = session.session?.kernel?.status ?? 'gone';
      return this._aborted(
        this._trans.__(
          'the cell did not complete; the kernel of %1 is %2',
          this.path,
          status
        ),
        outputs,
        executionCount
      );
    }
    return { status: 'ok', outputs, executionCount };
  }

  private _aborted(
    reason: string,
    outputs: IRawOutput[],
    executionCount: number | null = null
  ): ICellExecution {
    return { status: 'aborted', outputs, executionCount, reason };
  }

  private _onKernelStatus(
    session: ISessionContext,
    status: Kernel.Status
  ): void {
    if (this._closing(session)) {
      return;
    }
    if (status === 'restarting' || status === 'autorestarting') {
      this._fault(
        'kernel',
        this._trans.__(
          'The kernel of %1 restarted, so the run ended.',
          this.path
        )
      );
    } else if (status === 'dead') {
      // A shutdown reports "dead" before the kernel is gone; wait to tell which.
      setTimeout(() => {
        if (!this._closing(session) && session.session?.kernel) {
          this._fault(
            'kernel',
            this._trans.__(
              'The kernel of %1 died, so the run ended.',
              this.path
            )
          );
        }
      }, 200);
    }
  }

  private _onKernelChanged(
    session: ISessionContext,
    change: { newValue: Kernel.IKernelConnection | null }
  ): void {
    if (this._closing(session)) {
      return;
    }
    this._fault(
      'kernel',
      change.newValue
        ? this._trans.__(
            'The kernel of %1 was changed, so the run ended.',
            this.path
          )
        : this._trans.__(
            'The kernel of %1 was shut down, so the run ended. The team starts no kernel of its own.',
            this.path
          )
    );
  }

  /** Closing the notebook lets go of its kernel: that is the notebook's fault to report, not the kernel's. */
  private _closing(session: ISessionContext): boolean {
    return this._panel.isDisposed || session.isDisposed;
  }

  private _onPanelDisposed(): void {
    // The kernel lives on after its notebook closes: stop the team's cell on it.
    const execution = this._executing;
    if (execution?.started) {
      execution.interruptAsked = true;
      void Private.interruptKernel(execution.kernel);
    } else if (execution) {
      execution.interruptAsked = true;
    }
    this._fault(
      'notebook',
      this._trans.__('The notebook %1 was closed, so the run ended.', this.path)
    );
  }

  private _fault(kind: IWorkspaceFault['kind'], reason: string): void {
    this._faulted.emit({ kind, reason });
  }

  private _sharedNotebook() {
    const model = this._panel.content.model;
    if (this._panel.isDisposed || !model) {
      throw new WorkspaceError(
        this._trans.__('The notebook %1 was closed.', this.path)
      );
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
      throw new WorkspaceError(
        this._trans.__('A cell the team wrote was deleted from %1.', this.path)
      );
    }
    const cell = model.cells.get(index);
    if (!cell.getMetadata(TEAM_METADATA_KEY)) {
      throw new WorkspaceError(
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
  /** The kernel the run checked; the team runs nothing on any other. */
  private _kernelId: string | null = null;
  private _executing: Private.IExecuting | null = null;
  private _faulted = new Signal<this, IWorkspaceFault>(this);
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

  /** End the current undo step (the shared notebook's Yjs undo manager). */
  export function stopCapturing(notebook: object): void {
    (
      notebook as { undoManager?: { stopCapturing(): void } }
    ).undoManager?.stopCapturing();
  }

  /** The team cell the kernel has been asked to run. */
  export interface IExecuting {
    cellId: string;
    kernel: Kernel.IKernelConnection;
    /** The kernel started it (it is no longer queued). */
    started: boolean;
    /** Stop, the timeout or a closed notebook asked for an interrupt. */
    interruptAsked: boolean;
  }

  /**
   * Interrupt through the REST API, which works even when the notebook's
   * connection to the kernel is already disposed (a closed notebook).
   */
  export async function interruptKernel(
    kernel: Kernel.IKernelConnection
  ): Promise<void> {
    try {
      await KernelAPI.interruptKernel(kernel.id, kernel.serverSettings);
    } catch {
      // The kernel is gone already: nothing left to interrupt.
    }
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
