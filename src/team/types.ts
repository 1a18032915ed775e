/**
 * The contracts of the team core. `team/` talks to the world only through
 * `IChatModel` (a model server) and `INotebookWorkspace` (one notebook), so it
 * runs unchanged in jest with scripted fakes and in JupyterLab with the real ones.
 */

/** The three members of the team. */
export type AgentName = 'user_proxy' | 'coder' | 'critic';

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
}

export interface IChatRequest {
  /** Which agent speaks; lets a model layer route or log per agent. */
  agent: AgentName;
  messages: IChatMessage[];
  /** Aborts the call (the user pressed Stop). */
  signal?: AbortSignal;
  /** Called with each streamed piece of text as it arrives. */
  onToken?: (delta: string) => void;
}

export interface IChatResult {
  text: string;
  usage?: ITokenUsage;
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
    readonly kind: 'unreachable' | 'http' | 'aborted' | 'invalid' = 'http'
  ) {
    super(message);
    this.name = 'ChatModelError';
  }
}

/* -------------------------------------------------------------- notebook */

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
  /** `ok`, or `error` when the cell raised; `aborted` when it was interrupted or the kernel died. */
  status: 'ok' | 'error' | 'aborted';
  outputs: IRawOutput[];
  executionCount: number | null;
  /** Why an execution was aborted, for the user. */
  reason?: string;
}

/**
 * The cells and kernel of ONE notebook, the one a run started on.
 */
export interface INotebookWorkspace {
  /** The notebook's path, for messages. */
  readonly path: string;
  /** Resolves to null when a kernel is ready to run code, else to the reason it is not. */
  checkReady(): Promise<string | null>;
  /**
   * Insert a code cell below `afterCellId` (a team cell), or below the active
   * cell the run started from when it is null. Resolves to the new cell's id.
   */
  insertCell(
    source: string,
    metadata: ITeamCellMetadata,
    afterCellId: string | null
  ): Promise<string>;
  /** Replace the source and metadata of a cell the team created. */
  updateCell(
    cellId: string,
    source: string,
    metadata: ITeamCellMetadata
  ): Promise<void>;
  /** Delete a cell the team created (a revision that needs fewer cells). */
  deleteCell(cellId: string): Promise<void>;
  /** Whether the cell still exists in the notebook. */
  hasCell(cellId: string): boolean;
  /** The cell's source as the notebook has it now, or null when it is gone. */
  readCell(cellId: string): string | null;
  /** Run the cell through the notebook's own execution path. */
  executeCell(cellId: string): Promise<ICellExecution>;
}
