/**
 * The evaluation runner: reads its configuration (protocol.ts) on stdin,
 * connects to the Jupyter server, runs each task with the real team and
 * prints one JSON event per line.
 */
import {
  ContentsManager,
  KernelManager,
  ServerConnection,
  SessionManager
} from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import type { IRunnerConfig, RunnerEvent } from './protocol';
import { runTask } from './taskRun';
import { teamModel } from './teamModel';

// stdout carries the events only; the libraries' own logs go to stderr.
console.log = console.info = console.debug = console.error;

function emit(event: RunnerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () =>
      resolve(Buffer.concat(chunks).toString('utf8'))
    );
    process.stdin.on('error', reject);
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(await readStdin()) as IRunnerConfig;
  const trans = nullTranslator.load('jupyterlab_agent_team');
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: config.baseUrl,
    token: config.token,
    appendToken: true
  });
  const team = await teamModel(
    serverSettings,
    config.endpoint,
    config.model,
    trans
  );
  emit({
    event: 'model',
    endpoint: team.endpoint,
    model: team.modelId,
    vision: team.vision
  });
  const kernelManager = new KernelManager({ serverSettings });
  const sessionManager = new SessionManager({ kernelManager, serverSettings });
  const contents = new ContentsManager({ serverSettings });
  try {
    for (const task of config.tasks) {
      const result = await runTask(task, {
        sessionManager,
        contents,
        model: team.model,
        kernel: config.kernel,
        vision: team.vision ?? config.visionFallback,
        maxRounds: config.maxRounds,
        scoreThreshold: config.scoreThreshold,
        timeout: config.timeout,
        trans,
        onActivity: activity =>
          emit({ event: 'activity', task: task.id, activity })
      });
      emit({ event: 'result', result });
    }
  } finally {
    sessionManager.dispose();
    kernelManager.dispose();
    contents.dispose();
  }
}

main().then(
  () => process.exit(0),
  error => {
    emit({
      event: 'fatal',
      message: error instanceof Error ? error.message : String(error)
    });
    process.exit(1);
  }
);
