/**
 * One evaluation task: a new kernel session in the task's folder, the real
 * team run on it headless, and what the run left (cells, outputs, scores,
 * usage), with the notebook saved beside the task's files.
 */
import type { Contents, Session } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import { DEFAULT_TEAM_CONFIG, type ITeamConfig } from '../../src/team/config';
import { stripAnsi } from '../../src/team/outputs';
import { TeamRun } from '../../src/team/teamRun';
import type { IChatModel } from '../../src/team/types';
import { KernelWorkspace, type IWorkspaceCell } from './kernelWorkspace';
import type { ICellResult, IRunnerTask, ITaskResult } from './protocol';

export interface ITaskOptions {
  sessionManager: Session.IManager;
  contents: Contents.IManager;
  model: IChatModel;
  /** '' for the server's default kernelspec. */
  kernel: string;
  vision: boolean;
  maxRounds: number;
  scoreThreshold: number;
  /** Seconds before the run is stopped (0: no limit). */
  timeout: number;
  trans: TranslationBundle;
  /** Told each time the team starts doing something else. */
  onActivity?: (activity: string) => void;
}

export async function runTask(
  task: IRunnerTask,
  options: ITaskOptions
): Promise<ITaskResult> {
  const path = `${task.folder}/${task.notebook}`;
  const started = Date.now();
  let session: Session.ISessionConnection;
  try {
    session = await options.sessionManager.startNew(
      {
        path,
        type: 'notebook',
        name: task.notebook,
        kernel: options.kernel ? { name: options.kernel } : {}
      },
      { kernelConnectionOptions: { handleComms: false } }
    );
  } catch (error) {
    return Private.failed(
      task,
      `no kernel could start: ${Private.message(error)}`,
      started
    );
  }
  const workspace = new KernelWorkspace({
    session,
    sessionManager: options.sessionManager,
    trans: options.trans
  });
  const config: ITeamConfig = {
    ...DEFAULT_TEAM_CONFIG,
    maxRounds: options.maxRounds,
    scoreThreshold: options.scoreThreshold,
    vision: options.vision,
    approvalMode: 'auto'
  };
  const run = new TeamRun({
    task: task.prompt,
    model: options.model,
    workspace,
    config
  });
  run.changed.connect((_, change) => {
    if (change.type === 'activity') {
      options.onActivity?.(Private.describe(run.activity));
    }
  });
  let timedOut = false;
  const timer =
    options.timeout > 0
      ? setTimeout(() => {
          timedOut = true;
          run.stop();
        }, options.timeout * 1000)
      : undefined;
  try {
    const summary = await run.start();
    const seconds = Private.secondsSince(started);
    await Private.save(options.contents, path, workspace);
    const critique = summary.critique;
    return {
      id: task.id,
      reason: timedOut ? 'timeout' : summary.reason,
      detail: timedOut
        ? `stopped after ${options.timeout} s`
        : stripAnsi(summary.detail),
      rounds: summary.rounds,
      lowest: critique?.lowest ?? null,
      scores: critique?.scores ?? {},
      threshold: summary.threshold,
      modelCalls: summary.usage.modelCalls,
      promptTokens: summary.usage.promptTokens,
      completionTokens: summary.usage.completionTokens,
      estimated: summary.usage.estimated === true,
      seconds,
      reproduced: Private.reproduced(run),
      cells: workspace.cells
        .filter(cell => cell.metadata !== null)
        .map(Private.cellResult),
      error: ''
    };
  } catch (error) {
    return Private.failed(task, Private.message(error), started);
  } finally {
    clearTimeout(timer);
    run.dispose();
    workspace.dispose();
    await Private.shutDown(session);
  }
}

namespace Private {
  /** Seconds since `start` (ms), to a tenth. */
  export function secondsSince(start: number): number {
    return Math.round((Date.now() - start) / 100) / 10;
  }

  export function failed(
    task: IRunnerTask,
    error: string,
    started: number
  ): ITaskResult {
    return {
      id: task.id,
      reason: 'error',
      detail: error,
      rounds: 0,
      lowest: null,
      scores: {},
      threshold: 0,
      modelCalls: 0,
      promptTokens: 0,
      completionTokens: 0,
      estimated: false,
      seconds: secondsSince(started),
      reproduced: null,
      cells: [],
      error
    };
  }

  export function cellResult(cell: IWorkspaceCell): ICellResult {
    const text: string[] = [];
    let error = '';
    let images = 0;
    for (const output of cell.outputs) {
      if (output.output_type === 'stream' && output.name === 'stdout') {
        text.push(join(output.text));
      } else if (output.output_type === 'error') {
        error = output.evalue
          ? `${output.ename}: ${output.evalue}`
          : (output.ename ?? '');
      } else if (output.data) {
        const plain = output.data['text/plain'];
        if (plain !== undefined) {
          text.push(`${join(plain as string | string[])}\n`);
        }
        if ('image/png' in output.data) {
          images += 1;
        }
      }
    }
    return {
      source: cell.source,
      status: cell.status ?? 'not-run',
      executionCount: cell.executionCount,
      text: stripAnsi(text.join('')),
      error: stripAnsi(error),
      images
    };
  }

  /** The newest reproduce check's status, or null when none ran. */
  export function reproduced(run: TeamRun): string | null {
    const checks = run.messages.filter(message => message.reproduce);
    return checks.length > 0
      ? checks[checks.length - 1].reproduce!.status
      : null;
  }

  export function describe(activity: TeamRun.IActivity): string {
    switch (activity.kind) {
      case 'running-cell':
        return `running cell ${activity.cell} of ${activity.of}`;
      case 'agent-writing':
        return `${activity.name} writing`;
      case 'retrying':
        return `retrying ${activity.agent} in ${activity.seconds} s (attempt ${activity.attempt} of ${activity.of})`;
      default:
        return activity.kind.replace(/-/g, ' ');
    }
  }

  export async function save(
    contents: Contents.IManager,
    path: string,
    workspace: KernelWorkspace
  ): Promise<void> {
    try {
      await contents.save(path, {
        type: 'notebook',
        format: 'json',
        content: workspace.toNotebook()
      });
    } catch {
      // The notebook is a record for people to read; the results do not need it.
    }
  }

  export async function shutDown(
    session: Session.ISessionConnection
  ): Promise<void> {
    try {
      await session.shutdown();
    } catch {
      session.dispose();
    }
  }

  export function message(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
  }

  function join(text: string | string[] | undefined): string {
    return Array.isArray(text) ? text.join('') : (text ?? '');
  }
}
