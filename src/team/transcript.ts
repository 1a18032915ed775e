/**
 * The transcript of a run: immutable message records, each with a signal of
 * its own, so a streamed token re-renders one message and not the panel
 * (the pattern of jupyter-chat's message model).
 */
import { UUID } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import type { ICritique } from './critique';
import type {
  AgentName,
  ICellExecution,
  IModelRoute,
  ITokenUsage
} from './types';

export class Transcript {
  /** The messages, oldest first. */
  get messages(): readonly Transcript.IMessage[] {
    return this._order.map(id => this._records.get(id)!);
  }

  /** Emits each message as it is added. */
  get added(): ISignal<this, Transcript.IMessage> {
    return this._added;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The message with this id, as it is now. */
  get(id: string): Transcript.IMessage | undefined {
    return this._records.get(id);
  }

  /** Emits the message's new record whenever it changes. */
  changedOf(id: string): ISignal<this, Transcript.IMessage> {
    let signal = this._changed.get(id);
    if (!signal) {
      signal = new Signal<this, Transcript.IMessage>(this);
      this._changed.set(id, signal);
    }
    return signal;
  }

  add(
    message: Omit<Transcript.IMessage, 'id'> & { id?: string }
  ): Transcript.IMessage {
    const record = Object.freeze({
      ...message,
      id: message.id ?? UUID.uuid4()
    });
    this._records.set(record.id, record);
    this._order.push(record.id);
    this._added.emit(record);
    return record;
  }

  /** Replace the message with a new record holding `patch`. */
  update(
    id: string,
    patch: Partial<Omit<Transcript.IMessage, 'id'>>
  ): Transcript.IMessage {
    const current = this._records.get(id);
    if (!current) {
      throw new Error(`No message ${id} in the transcript.`);
    }
    const record = Object.freeze({ ...current, ...patch, id });
    this._records.set(id, record);
    this._changed.get(id)?.emit(record);
    return record;
  }

  toJSON(): Transcript.IMessage[] {
    return this.messages.map(message => ({ ...message }));
  }

  static fromJSON(messages: Transcript.IMessage[]): Transcript {
    const transcript = new Transcript();
    for (const message of messages) {
      transcript.add(message);
    }
    return transcript;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _records = new Map<string, Transcript.IMessage>();
  private _order: string[] = [];
  private _added = new Signal<this, Transcript.IMessage>(this);
  private _changed = new Map<string, Signal<this, Transcript.IMessage>>();
  private _isDisposed = false;
}

export namespace Transcript {
  export type MessageKind =
    | 'task'
    | 'rerun'
    | 'restore'
    | 'feedback'
    | 'code'
    | 'approval'
    | 'execution'
    | 'notice'
    | 'critique'
    | 'message'
    | 'summary';

  /** A parsed critique with the Critic's full text. */
  export interface ICritiqueResult extends ICritique {
    text: string;
  }

  /** How a cell's run ended, as the transcript shows it. */
  export type CellStatus = ICellExecution['status'] | 'timeout' | 'interrupted';

  export interface ICellReport {
    cellId: string;
    /** 1-based position in the draft. */
    number: number;
    executionCount: number | null;
    status: CellStatus;
    /** The output as the models read it. */
    output: string;
    /** How many outputs the cell shows, and how many of them are plots. */
    outputs?: number;
    plots?: number;
  }

  /** A draft waiting for the user in ask mode, and what they decided. */
  export interface IDraft {
    cells: {
      cellId: string;
      number: number;
      source: string;
      /** What the cell held before this revision; null for a new cell. */
      previous: string | null;
    }[];
    decision: 'pending' | 'run' | 'skipped';
    /** Numbers of the cells the user edited before Run. */
    edited: number[];
    /** The user's reason for skipping. */
    reason: string;
  }

  /** What a critique scored: the cells as they ran, and the round's first plot. */
  export interface IScoredRound {
    sources: readonly string[];
    /** The plot as a `data:` image URL; null when the round drew none or the record left it out. */
    plot: string | null;
    /** The round these cells were restored from, if they were. */
    restoredFrom?: number;
  }

  export type EndReason =
    | 'threshold'
    | 'terminate'
    | 'max-rounds'
    | 'ran'
    | 'timeout'
    | 'token-budget'
    | 'no-speaker'
    | 'revisions-used'
    | 'fix-attempts'
    | 'no-code'
    | 'skipped'
    | 'restored'
    | 'stopped'
    | 'model-error'
    | 'kernel'
    | 'notebook'
    | 'internal';

  export interface IAgentUsage {
    modelCalls: number;
    promptTokens: number;
    completionTokens: number;
  }

  export interface IUsage extends IAgentUsage {
    /** Some counts are estimates: a server sent no usage. */
    estimated?: boolean;
    /** The same, per agent that called a model. */
    byAgent?: Partial<Record<AgentName, IAgentUsage>>;
  }

  export interface ISummary {
    reason: EndReason;
    /** The model's or kernel's own words, or the user's reason for skipping. */
    detail: string;
    rounds: number;
    critique: ICritiqueResult | null;
    /** The score threshold this run used. */
    threshold: number;
    /** The cell Stop interrupted on the kernel, if any. */
    interruptedCell: number | null;
    usage: IUsage;
    /** How long the cycle took, in seconds (absent in records from before it was kept). */
    seconds?: number;
  }

  /** What the check in a fresh kernel found (a notice). */
  export interface IReproduceCheck {
    status: 'ok' | 'error' | 'timeout' | 'unavailable';
    /** How many cells the draft has. */
    cells: number;
    /** The 1-based cell that failed or timed out, else null. */
    failedCell: number | null;
    /** The exception's final line, when a cell raised. */
    errorLine: string;
    /** The fresh kernel's name ("Python 3"); '' when none started. */
    kernel: string;
    /** Why the check could not run. */
    reason: string;
    /** How long each cell could run, in seconds (0: no limit). */
    seconds: number;
  }

  /** One message, as an immutable record. */
  export interface IMessage {
    readonly id: string;
    readonly agent: AgentName;
    /** The agent's own name when the team has its own members (`Planner`, `Analyst`). */
    readonly speaker?: string;
    readonly kind: MessageKind;
    /** The Coder draft this message belongs to (0 before the first draft). */
    readonly round: number;
    readonly text: string;
    readonly streaming: boolean;
    readonly failed: boolean;
    /** The reply was cut short by Stop or by the notebook closing. */
    readonly stopped?: boolean;
    readonly cells?: readonly ICellReport[];
    readonly draft?: IDraft;
    /** The 1-based number of the team cell the user deleted (a notice). */
    readonly removedCell?: number;
    /** A call moved to the agent's next endpoint (a notice). */
    readonly fallback?: {
      readonly from: IModelRoute;
      readonly to: IModelRoute;
      readonly reason: string;
    };
    /** The draft's cells ran in a fresh kernel (a notice). */
    readonly reproduce?: IReproduceCheck;
    /** The endpoint and model that wrote this reply. */
    readonly route?: IModelRoute;
    /** The reply came from the response cache. */
    readonly cached?: boolean;
    /** The tokens of the call that wrote this reply. */
    readonly usage?: ITokenUsage;
    readonly critique?: ICritiqueResult;
    readonly previousCritique?: ICritiqueResult | null;
    /** On a critique: what it scored, so the round can be seen and restored. */
    readonly scored?: IScoredRound;
    /** On a restore request: the round asked for. */
    readonly restoredRound?: number;
    readonly summary?: ISummary;
  }
}
