/**
 * A notebook held in memory on a kernel session of a Jupyter server: the
 * evaluation's `INotebookWorkspace`. Cells run as execute requests on the
 * session's kernel, the way a notebook sends them, and keep their outputs
 * the way the notebook file stores them.
 */
import { PathExt } from '@jupyterlab/coreutils';
import {
  KernelAPI,
  type Kernel,
  type KernelMessage,
  type Session
} from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { UUID } from '@lumino/coreutils';
import { type ISignal, Signal } from '@lumino/signaling';

import { runInFreshKernel } from '../../src/notebook/freshKernel';
import {
  inspectSilently,
  otherLanguage,
  whenKernelIdle
} from '../../src/notebook/kernelRequests';
import { TEAM_METADATA_KEY } from '../../src/notebook/metadataKey';
import {
  type ICellExecution,
  type ICellRun,
  type IDraftCell,
  type IFreshRun,
  type IFreshRunOptions,
  type INotebookWorkspace,
  type ITeamCellMetadata,
  type IWorkspaceFault,
  WorkspaceError
} from '../../src/team/types';
import { type INotebookOutput, OutputCollector } from './outputCollector';

export interface IWorkspaceCell {
  id: string;
  source: string;
  /** Set on cells the team wrote; null on anyone else's. */
  metadata: ITeamCellMetadata | null;
  outputs: INotebookOutput[];
  executionCount: number | null;
  /** How its latest run ended; null before it ran. */
  status: 'ok' | 'error' | 'aborted' | null;
}

export class KernelWorkspace implements INotebookWorkspace {
  constructor(options: KernelWorkspace.IOptions) {
    this._session = options.session;
    this._sessionManager = options.sessionManager;
    this._trans = options.trans;
    this._session.kernel?.statusChanged.connect(this._onStatus, this);
    this._session.kernelChanged.connect(this._onKernelChanged, this);
  }

  get path(): string {
    return this._session.path;
  }

  get faulted(): ISignal<this, IWorkspaceFault> {
    return this._faulted;
  }

  /** The notebook's cells, in order. */
  get cells(): readonly IWorkspaceCell[] {
    return this._cells;
  }

  /** The ids of the cells marked as waiting for approval. */
  get pending(): ReadonlySet<string> {
    return this._pending;
  }

  async checkReady(): Promise<string | null> {
    const kernel = this._session.kernel;
    if (!kernel) {
      return this._trans.__('The notebook %1 has no kernel.', this.path);
    }
    const status = await Private.settledStatus(kernel, START_TIMEOUT_MS);
    if (status === 'dead') {
      return this._trans.__('The kernel of %1 is dead.', this.path);
    }
    if (status !== 'idle' && status !== 'busy') {
      return this._trans.__(
        'The kernel of %1 is not ready (%2).',
        this.path,
        status
      );
    }
    const language = await otherLanguage(kernel, INFO_TIMEOUT_MS);
    if (language) {
      return this._trans.__(
        'The kernel of %1 runs %2, but the team writes Python.',
        this.path,
        language
      );
    }
    this._kernelId = kernel.id;
    return null;
  }

  isKernelBusy(): boolean {
    return this._session.kernel?.status === 'busy';
  }

  whenKernelIdle(): Promise<void> {
    return whenKernelIdle(this._session.kernel);
  }

  async writeDraft(
    cells: IDraftCell[],
    remove: string[],
    metadata: ITeamCellMetadata
  ): Promise<string[]> {
    // Checked before anything changes: a refused edit leaves the notebook as it was.
    cells.forEach(cell => cell.cellId !== null && this._teamCell(cell.cellId));
    remove.forEach(id => this._teamCell(id));
    const ids: string[] = [];
    for (const cell of cells) {
      if (cell.cellId !== null) {
        const existing = this._teamCell(cell.cellId);
        existing.source = cell.source;
        existing.metadata = { ...metadata };
        ids.push(existing.id);
        continue;
      }
      const after = ids.length > 0 ? this._indexOf(ids[ids.length - 1]) : -1;
      const index = after === -1 ? this._cells.length : after + 1;
      const id = UUID.uuid4();
      this._cells.splice(index, 0, {
        id,
        source: cell.source,
        metadata: { ...metadata },
        outputs: [],
        executionCount: null,
        status: null
      });
      ids.push(id);
    }
    this._cells = this._cells.filter(cell => !remove.includes(cell.id));
    return ids;
  }

  hasCell(cellId: string): boolean {
    return this._indexOf(cellId) !== -1;
  }

  readCell(cellId: string): string | null {
    return this._cells.find(cell => cell.id === cellId)?.source ?? null;
  }

  markPending(cellIds: string[], pending: boolean): void {
    for (const id of cellIds) {
      if (pending) {
        this._pending.add(id);
      } else {
        this._pending.delete(id);
      }
    }
  }

  executeCell(cellId: string): ICellRun {
    let markStarted = () => {};
    const started = new Promise<void>(resolve => {
      markStarted = resolve;
    });
    return { started, done: this._run(cellId, () => markStarted()) };
  }

  inspect(expression: string, timeoutMs: number): Promise<string | null> {
    return inspectSilently(this._session.kernel, expression, timeoutMs);
  }

  async runInFreshKernel(
    sources: string[],
    options: IFreshRunOptions
  ): Promise<IFreshRun> {
    const kernel = this._session.kernel;
    if (!kernel) {
      return {
        status: 'unavailable',
        failedCell: null,
        output: [],
        kernel: '',
        reason: this._trans.__('the notebook %1 has no kernel.', this.path)
      };
    }
    const spec = await Private.within(kernel.spec, INFO_TIMEOUT_MS);
    return runInFreshKernel(
      {
        sessionManager: this._sessionManager,
        folder: PathExt.dirname(this.path),
        kernelName: kernel.name,
        displayName: spec?.display_name || kernel.name
      },
      sources,
      options,
      this._trans
    );
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

  /** The notebook as nbformat 4 JSON, for the file the evaluation keeps. */
  toNotebook(): Record<string, unknown> {
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: this._session.kernel?.name ?? 'python3' },
        language_info: { name: 'python' }
      },
      cells: this._cells.map(cell => ({
        id: cell.id,
        cell_type: 'code',
        source: cell.source,
        metadata: cell.metadata ? { [TEAM_METADATA_KEY]: cell.metadata } : {},
        execution_count: cell.executionCount,
        outputs: cell.outputs.map(Private.toNbformat)
      }))
    };
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._session.kernel?.statusChanged.disconnect(this._onStatus, this);
    this._session.kernelChanged.disconnect(this._onKernelChanged, this);
    Signal.clearData(this);
  }

  private async _run(
    cellId: string,
    onStarted: () => void
  ): Promise<ICellExecution> {
    const cell = this._teamCell(cellId);
    const kernel = this._session.kernel;
    // Only the kernel the run checked runs the team's code.
    if (!kernel || (this._kernelId !== null && kernel.id !== this._kernelId)) {
      return Private.aborted(
        this._trans.__(
          'the kernel of %1 is no longer the one the run started on',
          this.path
        )
      );
    }
    const execution: Private.IExecuting = {
      cellId,
      kernel,
      started: false,
      interruptAsked: false
    };
    this._executing = execution;
    const collector = new OutputCollector();
    const future = kernel.requestExecute(
      {
        code: cell.source,
        silent: false,
        store_history: true,
        allow_stdin: false,
        stop_on_error: true
      },
      true
    );
    future.onIOPub = msg => {
      if (msg.header.msg_type === 'execute_input' && !execution.started) {
        execution.started = true;
        onStarted();
        if (execution.interruptAsked) {
          void Private.interruptKernel(kernel);
        }
      }
      collector.add(msg);
    };
    let reply: KernelMessage.IExecuteReplyMsg | null = null;
    try {
      reply = await future.done;
    } catch {
      reply = null;
    } finally {
      this._executing = null;
    }
    cell.outputs = collector.outputs;
    if (!this.hasCell(cellId)) {
      return { status: 'removed', outputs: [], executionCount: null };
    }
    const content = reply?.content;
    cell.executionCount =
      content && 'execution_count' in content
        ? (content.execution_count ?? null)
        : null;
    if (cell.outputs.some(output => output.output_type === 'error')) {
      cell.status = 'error';
      return {
        status: 'error',
        outputs: cell.outputs,
        executionCount: cell.executionCount
      };
    }
    if (!content || content.status !== 'ok') {
      cell.status = 'aborted';
      return Private.aborted(
        this._trans.__(
          'the cell did not complete; the kernel of %1 is %2',
          this.path,
          this._session.kernel?.status ?? 'gone'
        ),
        cell.outputs,
        cell.executionCount
      );
    }
    cell.status = 'ok';
    return {
      status: 'ok',
      outputs: cell.outputs,
      executionCount: cell.executionCount
    };
  }

  private _onStatus(_: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._fault(
        this._trans.__(
          'The kernel of %1 restarted, so the run ended.',
          this.path
        )
      );
    } else if (status === 'dead') {
      this._fault(
        this._trans.__('The kernel of %1 died, so the run ended.', this.path)
      );
    }
  }

  private _onKernelChanged(): void {
    this._fault(
      this._trans.__(
        'The kernel of %1 was changed, so the run ended.',
        this.path
      )
    );
  }

  private _fault(reason: string): void {
    this._faulted.emit({ kind: 'kernel', reason });
  }

  private _indexOf(cellId: string): number {
    return this._cells.findIndex(cell => cell.id === cellId);
  }

  /** A cell the team created; anything else is refused. */
  private _teamCell(cellId: string): IWorkspaceCell {
    const cell = this._cells.find(c => c.id === cellId);
    if (!cell) {
      throw new WorkspaceError(
        this._trans.__('A cell the team wrote was deleted from %1.', this.path)
      );
    }
    if (!cell.metadata) {
      throw new WorkspaceError(
        this._trans.__('The team does not change cells it did not create.')
      );
    }
    return cell;
  }

  private _session: Session.ISessionConnection;
  private _sessionManager: Session.IManager;
  private _trans: TranslationBundle;
  private _cells: IWorkspaceCell[] = [];
  private _pending = new Set<string>();
  /** The kernel the run checked; the team runs nothing on any other. */
  private _kernelId: string | null = null;
  private _executing: Private.IExecuting | null = null;
  private _faulted = new Signal<this, IWorkspaceFault>(this);
  private _isDisposed = false;
}

export namespace KernelWorkspace {
  export interface IOptions {
    /** The notebook's session: its path and its kernel. */
    session: Session.ISessionConnection;
    /** Starts the kernels of the reproduce checks. */
    sessionManager: Session.IManager;
    trans: TranslationBundle;
  }
}

/** How long a new kernel may take to start and answer. */
const START_TIMEOUT_MS = 60000;
const INFO_TIMEOUT_MS = 10000;

namespace Private {
  /** The team cell the kernel has been asked to run. */
  export interface IExecuting {
    cellId: string;
    kernel: Kernel.IKernelConnection;
    /** The kernel started it (it is no longer queued). */
    started: boolean;
    interruptAsked: boolean;
  }

  export function aborted(
    reason: string,
    outputs: INotebookOutput[] = [],
    executionCount: number | null = null
  ): ICellExecution {
    return { status: 'aborted', outputs, executionCount, reason };
  }

  /** Resolves as `promise` does, or to null after `ms`. */
  export function within<T>(
    promise: Promise<T>,
    ms: number
  ): Promise<T | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>(resolve => {
      timer = setTimeout(() => resolve(null), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  }

  /** Through the REST API, which works whatever the connection's state. */
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
  export function settledStatus(
    kernel: Kernel.IKernelConnection,
    timeoutMs: number
  ): Promise<string> {
    if (!SETTLING.has(kernel.status)) {
      return Promise.resolve(kernel.status);
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

  /** An output as nbformat 4 requires it (displays and results carry metadata). */
  export function toNbformat(output: INotebookOutput): INotebookOutput {
    if (
      output.output_type === 'display_data' ||
      output.output_type === 'execute_result'
    ) {
      return { metadata: {}, ...output };
    }
    return output;
  }
}
