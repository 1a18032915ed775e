/**
 * Fakes for the team core: a scripted model and an in-memory notebook.
 */
import { Signal } from '@lumino/signaling';

import {
  AgentName,
  ChatModelError,
  ICellExecution,
  ICellRun,
  IDraftCell,
  IWorkspaceFault,
  IChatRequest,
  IChatResult,
  IChatModel,
  IFreshRun,
  IFreshRunOptions,
  INotebookWorkspace,
  ITeamCellMetadata
} from '../src/team/types';

export type Reply = string | ((request: IChatRequest) => Promise<string>);

/** Answers each agent from its own queue and records every request. */
/** Replies per speaker: an agent kind (`coder`, `manager`) or an agent's key (`analyst`). */
export class ScriptedModel implements IChatModel {
  constructor(replies: Partial<Record<AgentName | string, Reply[]>>) {
    this.replies = replies;
  }

  readonly replies: Partial<Record<AgentName | string, Reply[]>>;
  readonly requests: IChatRequest[] = [];

  async complete(request: IChatRequest): Promise<IChatResult> {
    this.requests.push(request);
    const speaker = request.speaker ?? request.agent;
    const reply = this.replies[speaker]?.shift();
    if (reply === undefined) {
      throw new Error(`no scripted reply left for ${speaker}`);
    }
    const text = typeof reply === 'string' ? reply : await reply(request);
    // Stream in two pieces, as a server would.
    const half = Math.ceil(text.length / 2);
    request.onToken?.(text.slice(0, half));
    request.onToken?.(text.slice(half));
    return { text, usage: { promptTokens: 10, completionTokens: 5 } };
  }

  calls(speaker: AgentName | string): IChatRequest[] {
    return this.requests.filter(
      request => (request.speaker ?? request.agent) === speaker
    );
  }
}

/** A reply that streams a little, then waits until the call is aborted. */
export function hangUntilAborted(partial: string): Reply {
  return (request: IChatRequest) =>
    new Promise<string>((_, reject) => {
      request.onToken?.(partial);
      request.signal?.addEventListener('abort', () =>
        reject(new ChatModelError('stopped by the user', 'aborted'))
      );
    });
}

export interface IFakeCell {
  id: string;
  source: string;
  metadata: ITeamCellMetadata | null;
  executionCount: number | null;
}

/**
 * An in-memory notebook whose "kernel" runs cells through `run`. It refuses
 * to touch cells without team metadata, as the real workspace does.
 */
export class FakeWorkspace implements INotebookWorkspace {
  constructor(
    run: (source: string) => ICellExecution | Promise<ICellExecution> = () =>
      ok()
  ) {
    this.run = run;
  }

  readonly path = 'analysis.ipynb';
  run: (source: string) => ICellExecution | Promise<ICellExecution>;
  /** What checkReady answers; a promise that never settles stands for a kernel never chosen. */
  ready: string | null | Promise<string | null> = null;
  cells: IFakeCell[] = [
    {
      id: 'user-1',
      source: 'import pandas as pd',
      metadata: null,
      executionCount: 1
    },
    { id: 'user-2', source: '# my notes', metadata: null, executionCount: null }
  ];
  /** The user's active cell when the run started. */
  anchorId = 'user-1';
  executed: string[] = [];
  private _next = 0;
  private _count = 1;

  /** Ids of the cells marked as waiting for approval. */
  pending = new Set<string>();
  /** Whether the kernel runs the user's own code; `idle()` ends it. */
  busy = false;
  /** Cells whose run was interrupted, in order. */
  interrupted: string[] = [];
  /** Cell ids in the order the kernel started them. */
  started: string[] = [];
  readonly faulted = new Signal<this, IWorkspaceFault>(this);

  checkReady(): Promise<string | null> {
    return Promise.resolve(this.ready);
  }

  isKernelBusy(): boolean {
    return this.busy;
  }

  whenKernelIdle(): Promise<void> {
    return new Promise(resolve => this._idleWaiters.push(resolve));
  }

  /** The user's own code finished. */
  idle(): void {
    this.busy = false;
    this._idleWaiters.splice(0).forEach(resolve => resolve());
  }

  async writeDraft(
    cells: IDraftCell[],
    remove: string[],
    metadata: ITeamCellMetadata
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const cell of cells) {
      if (cell.cellId) {
        const existing = this._teamCell(cell.cellId);
        existing.source = cell.source;
        existing.metadata = metadata;
        ids.push(cell.cellId);
      } else {
        const id = `team-${++this._next}`;
        const afterId = ids.length ? ids[ids.length - 1] : this.anchorId;
        const after = this.cells.findIndex(c => c.id === afterId);
        const index = after === -1 ? this.cells.length : after + 1;
        this.cells.splice(index, 0, {
          id,
          source: cell.source,
          metadata,
          executionCount: null
        });
        ids.push(id);
      }
    }
    remove.forEach(id => this._teamCell(id));
    this.cells = this.cells.filter(cell => !remove.includes(cell.id));
    return ids;
  }

  readCell(cellId: string): string | null {
    return this.cells.find(cell => cell.id === cellId)?.source ?? null;
  }

  hasCell(cellId: string): boolean {
    return this.cells.some(cell => cell.id === cellId);
  }

  markPending(cellIds: string[], pending: boolean): void {
    cellIds.forEach(id =>
      pending ? this.pending.add(id) : this.pending.delete(id)
    );
  }

  executeCell(cellId: string): ICellRun {
    const cell = this._teamCell(cellId);
    this.executed.push(cell.source);
    this.started.push(cellId);
    let interrupt = () => {};
    const interrupted = new Promise<ICellExecution>(resolve => {
      interrupt = () => resolve(error('KeyboardInterrupt', '', 'interrupted'));
    });
    this._interrupts.set(cellId, interrupt);
    const done = Promise.race([
      Promise.resolve(this.run(cell.source)),
      interrupted
    ]).then(result => {
      this._interrupts.delete(cellId);
      cell.executionCount = this._count++;
      return { ...result, executionCount: cell.executionCount };
    });
    return { started: Promise.resolve(), done };
  }

  async interrupt(cellId: string): Promise<void> {
    const interrupt = this._interrupts.get(cellId);
    if (interrupt) {
      this.interrupted.push(cellId);
      interrupt();
    }
  }

  private _idleWaiters: (() => void)[] = [];
  private _interrupts = new Map<string, () => void>();

  /** What a silent inspection answers (null: the kernel cannot tell). */
  inspector: (expression: string) => string | null = () => null;
  readonly inspections: string[] = [];

  async inspect(expression: string): Promise<string | null> {
    this.inspections.push(expression);
    return this.inspector(expression);
  }

  /** What a check in a fresh kernel answers (default: every cell runs). */
  fresh: (
    sources: string[],
    options: IFreshRunOptions
  ) => IFreshRun | Promise<IFreshRun> = sources => freshRun(sources, ok);
  /** The sources of each check in a fresh kernel, and its options, in order. */
  readonly freshRuns: { sources: string[]; options: IFreshRunOptions }[] = [];

  async runInFreshKernel(
    sources: string[],
    options: IFreshRunOptions
  ): Promise<IFreshRun> {
    this.freshRuns.push({ sources: [...sources], options });
    return this.fresh(sources, options);
  }

  teamCells(): IFakeCell[] {
    return this.cells.filter(cell => cell.metadata !== null);
  }

  private _teamCell(cellId: string): IFakeCell {
    const cell = this.cells.find(c => c.id === cellId);
    if (!cell) {
      throw new Error(`no cell ${cellId}`);
    }
    if (!cell.metadata) {
      throw new Error('The team does not change cells it did not create.');
    }
    return cell;
  }
}

export function ok(text = ''): ICellExecution {
  return {
    status: 'ok',
    outputs: text ? [{ output_type: 'stream', name: 'stdout', text }] : [],
    executionCount: null
  };
}

export function error(
  ename: string,
  evalue: string,
  stdout = ''
): ICellExecution {
  return {
    status: 'error',
    outputs: [
      ...(stdout
        ? [{ output_type: 'stream', name: 'stdout', text: stdout }]
        : []),
      {
        output_type: 'error',
        ename,
        evalue,
        traceback: [`\u001b[0;31m${ename}\u001b[0m: ${evalue}`]
      }
    ],
    executionCount: null
  };
}

/**
 * The cells run in order in a fresh "Python 3" kernel through `run`, which
 * sees all of them so far (a later cell may use what an earlier one defined).
 */
export function freshRun(
  sources: string[],
  run: (source: string, before: string[]) => ICellExecution
): IFreshRun {
  for (let i = 0; i < sources.length; i++) {
    const result = run(sources[i], sources.slice(0, i));
    if (result.status === 'error') {
      return {
        status: 'error',
        failedCell: i + 1,
        output: result.outputs,
        kernel: 'Python 3'
      };
    }
  }
  return { status: 'ok', failedCell: null, output: [], kernel: 'Python 3' };
}

/** A kernel cell that never finishes by itself (an endless loop). */
export function forever(): Promise<ICellExecution> {
  return new Promise<ICellExecution>(() => {});
}

export function python(code: string, prose = 'Here is the code.'): string {
  return `${prose}\n\n\`\`\`python\n${code}\n\`\`\`\n`;
}

export function critique(
  scores: number[],
  actions = ['Add axis labels']
): string {
  const [bugs, transformation, compliance, type, encoding, aesthetics] = scores;
  return [
    `- bugs: ${bugs}/10 - rationale`,
    `- transformation: ${transformation}/10 - rationale`,
    `- compliance: ${compliance}/10 - rationale`,
    `- type: ${type}/10 - rationale`,
    `- encoding: ${encoding}/10 - rationale`,
    `- aesthetics: ${aesthetics}/10 - rationale`,
    '',
    'Actions:',
    ...actions.map(action => `- ${action}`),
    '',
    JSON.stringify({
      bugs,
      transformation,
      compliance,
      type,
      encoding,
      aesthetics
    })
  ].join('\n');
}
