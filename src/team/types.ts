/**
 * The contracts of the team core. `team/` talks to the world only through
 * `IChatModel` (a model server) and `INotebookWorkspace` (one notebook), so it
 * runs unchanged in jest with scripted fakes and in JupyterLab with the real ones.
 */
import type { ISignal } from '@lumino/signaling';

/**
 * What a member of the team is, for styling, labels and usage: the three of
 * the default team, a planner, any other agent, and the speaker selector of
 * a group chat.
 */
export type AgentName =
  'user_proxy' | 'coder' | 'critic' | 'planner' | 'agent' | 'manager';

/** When the user's approval is asked for, as AutoGen's `human_input_mode`. */
export type ApprovalMode = 'auto' | 'ask' | 'end';

/* ---------------------------------------------------------------- models */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ITextPart {
  type: 'text';
  text: string;
}

/** An image sent to a vision-capable model, as a `data:image/png;base64,…` URL. */
export interface IImagePart {
  type: 'image_url';
  image_url: { url: string };
}

export type ContentPart = ITextPart | IImagePart;

export interface IChatMessage {
  role: ChatRole;
  content: string | ContentPart[];
}

export interface ITokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Counted from characters because the server sent no usage. */
  estimated?: boolean;
}

/** Where a call went: the endpoint's name and the model. */
export interface IModelRoute {
  endpoint: string;
  model: string;
}

/** What happened on the way to an answer, for the status line and the transcript. */
export type ChatEvent =
  | {
      kind: 'retry';
      /** 1-based attempt about to be made after the wait. */
      attempt: number;
      of: number;
      delayMs: number;
      reason: string;
    }
  | {
      kind: 'fallback';
      from: IModelRoute;
      to: IModelRoute;
      reason: string;
    };

export interface IChatRequest {
  /** Which kind of agent speaks; the model layer routes by it (the Critic's model for a critic, else the Coder's). */
  agent: AgentName;
  /** The speaker's key when it is not the agent kind (`planner`, `analyst`), for the server's logs. */
  speaker?: string;
  /** A model provider another extension registered that answers instead of the endpoints. */
  provider?: string;
  messages: IChatMessage[];
  /** Aborts the call (the user pressed Stop). */
  signal?: AbortSignal;
  /** Called with each streamed piece of text as it arrives. */
  onToken?: (delta: string) => void;
  /** Called when the call is retried or moves to another endpoint. */
  onEvent?: (event: ChatEvent) => void;
}

export interface IChatResult {
  text: string;
  usage?: ITokenUsage;
  /** The endpoint and model that answered. */
  route?: IModelRoute;
  /** Answered from the response cache, without a model call. */
  cached?: boolean;
}

/**
 * One OpenAI-compatible model endpoint. Implementations throw `ChatModelError`
 * with a message a person can act on.
 */
export interface IChatModel {
  complete(request: IChatRequest): Promise<IChatResult>;
}

/** A failed model call, with a message meant for the user. */
export class ChatModelError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'http' | 'aborted' | 'invalid' = 'http',
    details: ChatModelError.IDetails = {}
  ) {
    super(message);
    this.name = 'ChatModelError';
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.streamed = details.streamed ?? false;
  }

  /** The HTTP status the server answered, if it answered. */
  readonly status: number | null;
  /** How long the server asked to wait before trying again (Retry-After). */
  readonly retryAfterMs: number | null;
  /** Part of the answer had already streamed: trying again would repeat it. */
  readonly streamed: boolean;
}

export namespace ChatModelError {
  export interface IDetails {
    status?: number;
    retryAfterMs?: number;
    streamed?: boolean;
  }
}

/* -------------------------------------------------------------- notebook */

/** A notebook operation the team could not do, with a message meant for the user. */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

/** Metadata stored on every cell the team creates, under the key `agent_team`. */
export interface ITeamCellMetadata {
  run: string;
  round: number;
  agent: AgentName;
}

/**
 * A cell output as nbformat stores it (stream, execute_result, display_data,
 * error). Kept structural so the core needs no @jupyterlab import.
 */
export interface IRawOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: { [mime: string]: unknown };
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface ICellExecution {
  /**
   * `ok`; `error` when the cell raised (an interrupt included); `aborted` when
   * the kernel died or went away; `removed` when the user deleted the cell
   * while it ran.
   */
  status: 'ok' | 'error' | 'aborted' | 'removed';
  outputs: IRawOutput[];
  executionCount: number | null;
  /** Why an execution was aborted, for the user. */
  reason?: string;
}

/** A cell sent to the kernel: it may wait behind other code before it starts. */
export interface ICellRun {
  /** Resolves when the kernel starts running this cell. */
  readonly started: Promise<void>;
  /** Resolves once the cell finished, however it ended. */
  readonly done: Promise<ICellExecution>;
}

/** One cell of a draft: a team cell to revise (`cellId`), or a new one (null). */
export interface IDraftCell {
  cellId: string | null;
  source: string;
}

/** How a draft's cells ran, top to bottom, in a kernel started only for them. */
export interface IFreshRun {
  /**
   * `ok`: every cell ran; `error`: a cell raised; `timeout`: a cell ran too
   * long; `unavailable`: no such kernel could start; `stopped`: the signal
   * aborted the check.
   */
  status: 'ok' | 'error' | 'timeout' | 'unavailable' | 'stopped';
  /** The 1-based cell that raised or timed out, else null. */
  failedCell: number | null;
  /** The outputs of that cell; empty when none failed. */
  output: IRawOutput[];
  /** The kernel's name as the user knows it ("Python 3"); '' when none started. */
  kernel: string;
  /** Why the check could not run, for the user. */
  reason?: string;
}

export interface IFreshRunOptions {
  /** How long each cell may run (0: no limit). */
  timeoutMs: number;
  /** Ends the check early; the kernel is shut down all the same. */
  signal?: AbortSignal;
}

/** Something that ends a run from outside: the kernel went away or the notebook closed. */
export interface IWorkspaceFault {
  kind: 'kernel' | 'notebook';
  /** What happened, for the user. */
  reason: string;
}

/**
 * The cells and kernel of ONE notebook, the one a run started on.
 */
export interface INotebookWorkspace {
  /** The notebook's path, for messages. */
  readonly path: string;
  /**
   * Emits when the kernel dies, restarts or is shut down, or the notebook is
   * closed: the run must end, and must not start a kernel of its own.
   */
  readonly faulted: ISignal<INotebookWorkspace, IWorkspaceFault>;
  /**
   * Resolves to null when a Python kernel is ready to run code, else to the
   * reason it is not (said at once when there is no kernel).
   */
  checkReady(): Promise<string | null>;
  /** Whether the kernel is running something now (the user's own code, say). */
  isKernelBusy(): boolean;
  /** Resolves once the kernel is idle. */
  whenKernelIdle(): Promise<void>;
  /**
   * Write one round's draft as one undo step: revise the listed team cells,
   * insert the new ones below the previous draft cell (the first below the
   * cell the run started from), and delete `remove`. Resolves to the ids of
   * the draft's cells, in order.
   */
  writeDraft(
    cells: IDraftCell[],
    remove: string[],
    metadata: ITeamCellMetadata
  ): Promise<string[]>;
  /** Whether the cell still exists in the notebook. */
  hasCell(cellId: string): boolean;
  /** The cell's source as the notebook has it now, or null when it is gone. */
  readCell(cellId: string): string | null;
  /** Mark team cells as waiting for the user's approval (or clear the mark). */
  markPending(cellIds: string[], pending: boolean): void;
  /** Run the cell through the notebook's own execution path. */
  executeCell(cellId: string): ICellRun;
  /**
   * Evaluate a Python expression silently: nothing in the notebook, its
   * history or the user's namespace. Resolves to the text of its value, or
   * null when the kernel did not answer in `timeoutMs` or the expression failed.
   */
  inspect(expression: string, timeoutMs: number): Promise<string | null>;
  /**
   * Run `sources` in order in a new kernel of the notebook's kernelspec,
   * started in the notebook's folder (never the notebook's own kernel), and
   * stop at the first error. The kernel is shut down afterwards, however the
   * check ends. Never rejects: a kernel that cannot start is `unavailable`.
   */
  runInFreshKernel(
    sources: string[],
    options: IFreshRunOptions
  ): Promise<IFreshRun>;
  /**
   * Interrupt the kernel if it is running this team cell, or as soon as it
   * starts it; never the user's own code. Resolves once asked.
   */
  interrupt(cellId: string): Promise<void>;
}
