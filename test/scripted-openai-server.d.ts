/**
 * Types of the scripted OpenAI-compatible server (scripted-openai-server.js),
 * shared by the tests that start it.
 */

export type ScriptedReply =
  | string
  | {
      content?: string;
      delayMs?: number;
      chunkDelayMs?: number;
      noUsage?: boolean;
      retryAfter?: number;
      fault?:
        | 'http500'
        | 'http401'
        | 'http429'
        | 'context'
        | 'malformed'
        | 'disconnect'
        | 'hang'
        | 'stall'
        | 'empty';
    };

export interface IScenario {
  model?: string;
  models?: string[];
  strictModels?: boolean;
  replies: { [agent: string]: ScriptedReply[] };
}

export interface ILogEntry {
  time: string;
  method: string;
  path: string;
  agent: string | null;
  headers: { [name: string]: string | null };
  body: {
    model?: string;
    messages?: Array<{ role: string; content: unknown }>;
    [key: string]: unknown;
  } | null;
  /** The usage a chat completion was answered with. */
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
  };
}

export interface IScriptedServer {
  /** http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  setScenario(scenario: IScenario): void;
  log(): ILogEntry[];
  close(): Promise<void>;
}

export function startScriptedServer(options: {
  port?: number;
  scenario?: IScenario;
}): Promise<IScriptedServer>;
