/**
 * Fakes for the team core: a scripted model and an in-memory notebook.
 */
import {
  AgentName,
  ChatModelError,
  ICellExecution,
  IChatRequest,
  IChatResult,
  IChatModel,
  INotebookWorkspace,
  ITeamCellMetadata
} from '../src/team/types';

export type Reply = string | ((request: IChatRequest) => Promise<string>);

/** Answers each agent from its own queue and records every request. */
export class ScriptedModel implements IChatModel {
  constructor(replies: Partial<Record<AgentName, Reply[]>>) {
    this.replies = replies;
  }

  readonly replies: Partial<Record<AgentName, Reply[]>>;
  readonly requests: IChatRequest[] = [];

  async complete(request: IChatRequest): Promise<IChatResult> {
    this.requests.push(request);
    const reply = this.replies[request.agent]?.shift();
    if (reply === undefined) {
      throw new Error(`no scripted reply left for ${request.agent}`);
    }
    const text = typeof reply === 'string' ? reply : await reply(request);
    // Stream in two pieces, as a server would.
    const half = Math.ceil(text.length / 2);
    request.onToken?.(text.slice(0, half));
    request.onToken?.(text.slice(half));
    return { text, usage: { promptTokens: 10, completionTokens: 5 } };
  }

  calls(agent: AgentName): IChatRequest[] {
    return this.requests.filter(request => request.agent === agent);
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

  checkReady(): Promise<string | null> {
    return Promise.resolve(this.ready);
  }

  async insertCell(
    source: string,
    metadata: ITeamCellMetadata,
    afterCellId: string | null
  ): Promise<string> {
    const id = `team-${++this._next}`;
    const after = this.cells.findIndex(
      cell => cell.id === (afterCellId ?? this.anchorId)
    );
    const index = after === -1 ? this.cells.length : after + 1;
    this.cells.splice(index, 0, { id, source, metadata, executionCount: null });
    return id;
  }

  async updateCell(
    cellId: string,
    source: string,
    metadata: ITeamCellMetadata
  ): Promise<void> {
    const cell = this._teamCell(cellId);
    cell.source = source;
    cell.metadata = metadata;
  }

  async deleteCell(cellId: string): Promise<void> {
    this._teamCell(cellId);
    this.cells = this.cells.filter(cell => cell.id !== cellId);
  }

  readCell(cellId: string): string | null {
    return this.cells.find(cell => cell.id === cellId)?.source ?? null;
  }

  hasCell(cellId: string): boolean {
    return this.cells.some(cell => cell.id === cellId);
  }

  async executeCell(cellId: string): Promise<ICellExecution> {
    const cell = this._teamCell(cellId);
    this.executed.push(cell.source);
    const result = await this.run(cell.source);
    cell.executionCount = this._count++;
    return { ...result, executionCount: cell.executionCount };
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

export function error(ename: string, evalue: string): ICellExecution {
  return {
    status: 'error',
    outputs: [
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
