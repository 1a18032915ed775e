/**
 * What the evaluation's Python command sends the runner (one JSON document on
 * stdin) and what the runner answers (one JSON event per line on stdout).
 */

export interface IRunnerConfig {
  /** The Jupyter server's base URL, ending in `/`. */
  baseUrl: string;
  token: string;
  /** The endpoint both agents call; '' for the first the server lists. */
  endpoint: string;
  /** The model both agents use; '' for the endpoint's default. */
  model: string;
  /** Send plots to the Critic when the server does not say whether its model takes images. */
  visionFallback: boolean;
  /** The kernelspec to start for each task; '' for the server's default. */
  kernel: string;
  maxRounds: number;
  scoreThreshold: number;
  /** Seconds a task may take before it is stopped (0: no limit). */
  timeout: number;
  tasks: IRunnerTask[];
}

export interface IRunnerTask {
  id: string;
  prompt: string;
  /** The task's folder, relative to the server's root. */
  folder: string;
  /** The notebook the task's cells are saved to, inside `folder`. */
  notebook: string;
}

/** A team cell as the run left it. */
export interface ICellResult {
  source: string;
  /** How its latest run ended; `not-run` when it never ran. */
  status: 'ok' | 'error' | 'aborted' | 'not-run';
  executionCount: number | null;
  /** What it printed: stdout, and the plain text of results and displays. */
  text: string;
  /** `Name: value` of the exception it raised, else ''. */
  error: string;
  /** How many PNG images it shows. */
  images: number;
}

export interface ITaskResult {
  id: string;
  /** Why the run ended (TeamRun's end reasons, and `timeout` when the runner stopped it). */
  reason: string;
  detail: string;
  rounds: number;
  /** The lowest score of the final critique, or null when nothing was scored. */
  lowest: number | null;
  scores: Record<string, number>;
  threshold: number;
  modelCalls: number;
  promptTokens: number;
  completionTokens: number;
  /** Some token counts are estimates: the server sent no usage. */
  estimated: boolean;
  seconds: number;
  /** How the final cells ran in a fresh kernel, or null when they were not checked. */
  reproduced: string | null;
  cells: ICellResult[];
  /** Why the task could not run at all (no kernel, say), else ''. */
  error: string;
}

export type RunnerEvent =
  | {
      event: 'model';
      endpoint: string;
      model: string;
      vision: boolean | null;
    }
  | { event: 'activity'; task: string; activity: string }
  | { event: 'result'; result: ITaskResult }
  | { event: 'fatal'; message: string };
