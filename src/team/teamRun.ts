/**
 * One run of the team on one notebook: the group-chat loop.
 *
 * Speaker order is fixed by the flow (Coder → User proxy → Critic → Coder …),
 * so no model call is spent on choosing who speaks, and every agent turn is
 * exactly one model call with a bounded prompt.
 */
import { UUID } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { extractCodeBlocks, describeNonRunnable } from './codeBlocks';
import { ITeamConfig } from './config';
import { ICritique, parseCritique, saysTerminate } from './critique';
import { toModelOutput } from './outputs';
import {
  ICellSnapshot,
  coderMessages,
  criticMessages,
  critiqueFeedback,
  errorFeedback
} from './prompts';
import {
  AgentName,
  ChatModelError,
  ICellExecution,
  IChatMessage,
  IChatModel,
  INotebookWorkspace,
  ITeamCellMetadata
} from './types';

export class TeamRun {
  constructor(options: TeamRun.IOptions) {
    this.id = options.id ?? UUID.uuid4();
    this.task = options.task;
    this._model = options.model;
    this._workspace = options.workspace;
    this._config = options.config;
  }

  readonly id: string;
  readonly task: string;

  get notebookPath(): string {
    return this._workspace.path;
  }

  get messages(): readonly TeamRun.IMessage[] {
    return this._messages;
  }

  get phase(): TeamRun.Phase {
    return this._phase;
  }

  get activity(): TeamRun.IActivity {
    return this._activity;
  }

  /** The score threshold this run works to. */
  get threshold(): number {
    return this._config.scoreThreshold;
  }

  get latestCritique(): TeamRun.ICritiqueResult | null {
    return this._latestCritique;
  }

  get usage(): TeamRun.IUsage {
    return { ...this._usage };
  }

  /** Whether "Rerun with critique" can work: the run ended with a critique and its cells are still there. */
  get canRerun(): boolean {
    return (
      this._phase === 'ended' &&
      this._latestCritique !== null &&
      this._cells.some(cell => this._workspace.hasCell(cell.id))
    );
  }

  /** Emits whenever messages, activity or phase change. */
  get changed(): ISignal<this, TeamRun.IChange> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Run the task until a stop condition; resolves with the summary. */
  async start(): Promise<TeamRun.ISummary> {
    if (this._phase !== 'idle') {
      throw new Error('A run starts once; use rerunWithCritique to go on.');
    }
    this._post('user_proxy', 'task', this.task);
    return this._cycle(null, null);
  }

  /**
   * The Coder revises its cells from the latest critique (plus the user's
   * note), the cells rerun and the Critic rescores.
   */
  async rerunWithCritique(note = ''): Promise<TeamRun.ISummary> {
    if (!this.canRerun || !this._latestCritique) {
      throw new Error(
        'Nothing to rerun: the run has no critique or its cells are gone.'
      );
    }
    const trimmed = note.trim();
    this._post('user_proxy', 'rerun', trimmed);
    return this._cycle(
      critiqueFeedback(this._latestCritique.text),
      trimmed || null
    );
  }

  /** Stop the current cycle: the model call in flight is aborted. */
  stop(): void {
    this._abort?.abort();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.stop();
    Signal.clearData(this);
  }

  private async _cycle(
    firstFeedback: string | null,
    userNote: string | null
  ): Promise<TeamRun.ISummary> {
    const abort = new AbortController();
    this._abort = abort;
    this._setPhase('running');
    this._cycleMessages = 0;
    try {
      const reason = await this._loop(firstFeedback, userNote);
      return this._end(reason.reason, reason.detail);
    } catch (error) {
      if (abort.signal.aborted) {
        return this._end('stopped', '');
      }
      if (error instanceof ChatModelError) {
        return this._end('model-error', error.message);
      }
      return this._end(
        'notebook',
        error instanceof Error ? error.message : String(error)
      );
    }
  }

  private async _loop(
    firstFeedback: string | null,
    userNote: string | null
  ): Promise<TeamRun.IEnd> {
    this._setActivity({ kind: 'checking-kernel' });
    const notReady = await Private.unlessStopped(
      this._workspace.checkReady(),
      this._abort
    );
    if (notReady !== null) {
      return { reason: 'kernel', detail: notReady };
    }
    let feedback = firstFeedback;
    let revisionsLeft = this._config.autoRevisions;
    let failedDrafts = 0;
    for (;;) {
      if (this._budgetSpent()) {
        return { reason: 'max-rounds', detail: '' };
      }
      this._round += 1;
      const coderText = await this._coderTurn(feedback, userNote);
      userNote = null;
      const blocks = extractCodeBlocks(coderText);
      const runnable = blocks.filter(block => block.runnable);
      if (runnable.length === 0) {
        if (saysTerminate(coderText)) {
          return { reason: 'terminate', detail: '' };
        }
        failedDrafts += 1;
        if (failedDrafts > this._config.maxFixAttempts) {
          return { reason: 'no-code', detail: '' };
        }
        feedback =
          describeNonRunnable(blocks) ??
          'Your reply had no ```python block, so nothing ran. Reply with the code in ```python blocks.';
        continue;
      }
      await this._applyDraft(runnable.map(block => block.code));
      if (this._budgetSpent()) {
        return { reason: 'max-rounds', detail: '' };
      }
      const execution = await this._userProxyTurn();
      if (execution.aborted) {
        return { reason: 'kernel', detail: execution.aborted };
      }
      if (execution.timedOut) {
        return { reason: 'timeout', detail: '' };
      }
      if (execution.failedCell !== null) {
        failedDrafts += 1;
        if (failedDrafts > this._config.maxFixAttempts) {
          return { reason: 'fix-attempts', detail: '' };
        }
        feedback = errorFeedback(
          execution.failedCell,
          this._snapshots[execution.failedCell - 1].output
        );
        const notRun = describeNonRunnable(blocks);
        if (notRun) {
          feedback += `\n${notRun}`;
        }
        continue;
      }
      failedDrafts = 0;
      if (this._budgetSpent()) {
        return { reason: 'max-rounds', detail: '' };
      }
      const critique = await this._criticTurn(execution.images);
      // Met only with all six scores: a critique cut short proves nothing.
      if (
        critique.missing.length === 0 &&
        critique.lowest !== null &&
        critique.lowest >= this._config.scoreThreshold
      ) {
        return { reason: 'threshold', detail: '' };
      }
      if (critique.terminate) {
        return { reason: 'terminate', detail: '' };
      }
      if (revisionsLeft <= 0) {
        return { reason: 'revisions-used', detail: '' };
      }
      revisionsLeft -= 1;
      feedback = critiqueFeedback(critique.text);
    }
  }

  private async _coderTurn(
    feedback: string | null,
    userNote: string | null
  ): Promise<string> {
    this._setActivity({ kind: 'coder-writing' });
    // The Coder revises what is in the notebook now, edits by the user included.
    this._cells.forEach((cell, i) => {
      const source = this._workspace.readCell(cell.id);
      if (source !== null) {
        cell.source = source;
        this._snapshots[i].source = source;
      }
    });
    const messages = coderMessages({
      systemMessage: this._config.coderSystemMessage,
      task: this.task,
      notebookPath: this._workspace.path,
      cells: this._snapshots,
      feedback,
      userNote
    });
    return this._modelTurn(this._post('coder', 'code', '', true), messages);
  }

  private async _criticTurn(
    images: string[]
  ): Promise<TeamRun.ICritiqueResult> {
    this._setActivity({ kind: 'critic-scoring' });
    const messages = criticMessages({
      systemMessage: this._config.criticSystemMessage,
      task: this.task,
      cells: this._snapshots,
      images: this._config.vision ? images : []
    });
    const previous = this._latestCritique;
    const message = this._post('critic', 'critique', '', true);
    const text = await this._modelTurn(message, messages);
    const critique = { ...parseCritique(text), text };
    this._latestCritique = critique;
    message.critique = critique;
    message.previousCritique = previous;
    this._changed.emit({ type: 'message-updated', message });
    return critique;
  }

  /** One agent turn: exactly one streamed model call, into `message`. */
  private async _modelTurn(
    message: TeamRun.IMessage,
    messages: IChatMessage[]
  ): Promise<string> {
    this._usage.modelCalls += 1;
    try {
      Private.throwIfStopped(this._abort);
      const result = await this._model.complete({
        agent: message.agent,
        messages,
        signal: this._abort?.signal,
        onToken: delta => {
          message.text += delta;
          this._changed.emit({ type: 'message-updated', message });
        }
      });
      message.text = result.text;
      if (result.usage) {
        this._usage.promptTokens += result.usage.promptTokens;
        this._usage.completionTokens += result.usage.completionTokens;
      }
      return result.text;
    } catch (error) {
      message.failed = true;
      throw error;
    } finally {
      message.streaming = false;
      this._changed.emit({ type: 'message-updated', message });
    }
  }

  /** Put the draft into the team's cells: revise in place, add or remove the difference. */
  private async _applyDraft(sources: string[]): Promise<void> {
    // Cells the user deleted are no longer the team's to manage.
    this._cells = this._cells.filter(cell => this._workspace.hasCell(cell.id));
    const metadata: ITeamCellMetadata = {
      run: this.id,
      round: this._round,
      agent: 'coder'
    };
    const next: TeamRun.ITeamCell[] = [];
    for (let i = 0; i < sources.length; i++) {
      const existing = this._cells[i];
      if (existing) {
        await this._workspace.updateCell(existing.id, sources[i], metadata);
        next.push({ id: existing.id, source: sources[i] });
      } else {
        const after = next.length > 0 ? next[next.length - 1].id : null;
        const id = await this._workspace.insertCell(
          sources[i],
          metadata,
          after
        );
        next.push({ id, source: sources[i] });
      }
    }
    for (const surplus of this._cells.slice(sources.length)) {
      await this._workspace.deleteCell(surplus.id);
    }
    this._cells = next;
    this._snapshots = next.map(cell => ({
      source: cell.source,
      output: '(not run yet)'
    }));
  }

  /** The User proxy runs the cells in order and stops at the first error. */
  private async _userProxyTurn(): Promise<TeamRun.IExecutionOutcome> {
    const reports: TeamRun.ICellReport[] = [];
    const message = this._post('user_proxy', 'execution', '', true);
    message.cells = reports;
    const images: string[] = [];
    const outcome: TeamRun.IExecutionOutcome = {
      failedCell: null,
      aborted: null,
      timedOut: false,
      images
    };
    try {
      for (let i = 0; i < this._cells.length; i++) {
        this._setActivity({
          kind: 'running-cell',
          cell: i + 1,
          of: this._cells.length
        });
        const execution = await this._execute(this._cells[i].id);
        if (execution === null) {
          outcome.timedOut = true;
          break;
        }
        const converted = toModelOutput(execution.outputs, {
          maxChars: this._config.maxOutputChars,
          vision: this._config.vision
        });
        this._snapshots[i].output = converted.text;
        images.push(...converted.images);
        reports.push({
          cellId: this._cells[i].id,
          number: i + 1,
          executionCount: execution.executionCount,
          status: execution.status,
          output: converted.text
        });
        this._changed.emit({ type: 'message-updated', message });
        if (execution.status === 'aborted') {
          outcome.aborted = execution.reason ?? `cell ${i + 1} did not finish`;
          break;
        }
        if (execution.status === 'error') {
          outcome.failedCell = i + 1;
          break;
        }
      }
      for (let i = reports.length; i < this._snapshots.length; i++) {
        this._snapshots[i].output = '(not run: an earlier cell failed)';
      }
      message.failed =
        outcome.failedCell !== null ||
        outcome.aborted !== null ||
        outcome.timedOut;
    } finally {
      message.streaming = false;
      this._changed.emit({ type: 'message-updated', message });
    }
    return outcome;
  }

  /** Execute one cell, bounded by Stop and by the timeout (null when it ran out). */
  private _execute(cellId: string): Promise<ICellExecution | null> {
    // Checked before the cell starts: once started, it would run on regardless.
    Private.throwIfStopped(this._abort);
    const seconds = this._config.executionTimeout;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>(resolve => {
      if (seconds > 0) {
        timer = setTimeout(() => resolve(null), seconds * 1000);
      }
    });
    return Private.unlessStopped(
      Promise.race([this._workspace.executeCell(cellId), timeout]),
      this._abort
    ).finally(() => clearTimeout(timer));
  }

  private _budgetSpent(): boolean {
    return this._cycleMessages >= this._config.maxRounds;
  }

  private _post(
    agent: AgentName,
    kind: TeamRun.MessageKind,
    text: string,
    streaming = false
  ): TeamRun.IMessage {
    const message: TeamRun.IMessage = {
      id: UUID.uuid4(),
      agent,
      kind,
      round: this._round,
      text,
      streaming,
      failed: false
    };
    this._messages.push(message);
    if (kind === 'code' || kind === 'execution' || kind === 'critique') {
      this._cycleMessages += 1;
    }
    this._changed.emit({ type: 'message-added', message });
    return message;
  }

  private _end(reason: TeamRun.EndReason, detail: string): TeamRun.ISummary {
    const critique = this._latestCritique;
    const summary: TeamRun.ISummary = {
      reason,
      detail,
      rounds: this._round,
      critique,
      threshold: this._config.scoreThreshold,
      executionTimeout: this._config.executionTimeout,
      usage: this.usage
    };
    // Kept in the transcript, so a rerun does not hide how the cycle before it ended.
    this._post('user_proxy', 'summary', '').summary = summary;
    this._abort = null;
    this._setActivity({ kind: 'idle' });
    this._setPhase('ended');
    return summary;
  }

  private _setActivity(activity: TeamRun.IActivity): void {
    this._activity = activity;
    this._changed.emit({ type: 'activity' });
  }

  private _setPhase(phase: TeamRun.Phase): void {
    this._phase = phase;
    this._changed.emit({ type: 'phase' });
  }

  private _model: IChatModel;
  private _workspace: INotebookWorkspace;
  private _config: ITeamConfig;
  private _messages: TeamRun.IMessage[] = [];
  private _phase: TeamRun.Phase = 'idle';
  private _activity: TeamRun.IActivity = { kind: 'idle' };
  private _latestCritique: TeamRun.ICritiqueResult | null = null;
  private _cells: TeamRun.ITeamCell[] = [];
  private _snapshots: ICellSnapshot[] = [];
  private _round = 0;
  private _cycleMessages = 0;
  private _usage: TeamRun.IUsage = {
    modelCalls: 0,
    promptTokens: 0,
    completionTokens: 0
  };
  private _abort: AbortController | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, TeamRun.IChange>(this);
}

export namespace TeamRun {
  export interface IOptions {
    task: string;
    model: IChatModel;
    workspace: INotebookWorkspace;
    config: ITeamConfig;
    id?: string;
  }

  export type Phase = 'idle' | 'running' | 'ended';

  /** Who is doing what, for the status line. */
  export type IActivity =
    | { kind: 'idle' }
    | { kind: 'checking-kernel' }
    | { kind: 'coder-writing' }
    | { kind: 'running-cell'; cell: number; of: number }
    | { kind: 'critic-scoring' };

  export type MessageKind =
    'task' | 'rerun' | 'code' | 'execution' | 'critique' | 'summary';

  /** A parsed critique with the Critic's full text. */
  export interface ICritiqueResult extends ICritique {
    text: string;
  }

  export interface ICellReport {
    cellId: string;
    /** 1-based position in the draft. */
    number: number;
    executionCount: number | null;
    status: ICellExecution['status'];
    /** The output as the models read it. */
    output: string;
  }

  export interface IMessage {
    readonly id: string;
    readonly agent: AgentName;
    readonly kind: MessageKind;
    /** The Coder draft this message belongs to (0 before the first draft). */
    readonly round: number;
    text: string;
    streaming: boolean;
    failed: boolean;
    cells?: ICellReport[];
    critique?: ICritiqueResult;
    previousCritique?: ICritiqueResult | null;
    summary?: ISummary;
  }

  export type IChange =
    | { type: 'message-added'; message: IMessage }
    | { type: 'message-updated'; message: IMessage }
    | { type: 'activity' }
    | { type: 'phase' };

  export type EndReason =
    | 'threshold'
    | 'terminate'
    | 'max-rounds'
    | 'revisions-used'
    | 'fix-attempts'
    | 'no-code'
    | 'timeout'
    | 'stopped'
    | 'model-error'
    | 'kernel'
    | 'notebook';

  export interface IUsage {
    modelCalls: number;
    promptTokens: number;
    completionTokens: number;
  }

  export interface ISummary {
    reason: EndReason;
    /** The model's or kernel's own words, when the reason has them. */
    detail: string;
    rounds: number;
    critique: ICritiqueResult | null;
    /** The score threshold and execution timeout this run used. */
    threshold: number;
    executionTimeout: number;
    usage: IUsage;
  }

  export interface IEnd {
    reason: EndReason;
    detail: string;
  }

  export interface ITeamCell {
    id: string;
    source: string;
  }

  export interface IExecutionOutcome {
    /** 1-based number of the cell that raised, or null. */
    failedCell: number | null;
    /** Why execution could not go on (the kernel died or restarted), or null. */
    aborted: string | null;
    /** A cell ran longer than the execution timeout. */
    timedOut: boolean;
    images: string[];
  }
}

namespace Private {
  /** Resolves as `promise` does, or rejects as soon as the user presses Stop. */
  export function unlessStopped<T>(
    promise: Promise<T>,
    abort: AbortController | null
  ): Promise<T> {
    const signal = abort?.signal;
    if (!signal) {
      return promise;
    }
    let onAbort = () => {};
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(stoppedError());
      signal.addEventListener('abort', onAbort);
    });
    return Promise.race([promise, stopped]).finally(() =>
      signal.removeEventListener('abort', onAbort)
    );
  }

  export function stoppedError(): ChatModelError {
    return new ChatModelError('stopped by the user', 'aborted');
  }

  export function throwIfStopped(abort: AbortController | null): void {
    if (abort?.signal.aborted) {
      throw stoppedError();
    }
  }
}
