/**
 * A draft's cells run top to bottom in a kernel started only for them: a new
 * session of the notebook's kernelspec in the notebook's folder, never the
 * notebook's own kernel, and shut down afterwards however the check ends.
 *
 * The session's path names no file: the server starts the kernel in that
 * path's folder and creates nothing there.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Kernel, KernelMessage, Session } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { UUID } from '@lumino/coreutils';

import type { IFreshRun, IFreshRunOptions, IRawOutput } from '../team/types';

/** Where and what to start. */
export interface IFreshKernelTarget {
  sessionManager: Session.IManager;
  /** The folder the kernel works in: the notebook's, as its session names it. */
  folder: string;
  /** The kernelspec to start. */
  kernelName: string;
  /** Its name as the user knows it ("Python 3"). */
  displayName: string;
}

/** How the session paths of checks begin: hidden, and unique to each check. */
export const CHECK_PATH_PREFIX = '.agent-team-check-';

/** How long a new kernel may take to start and answer. */
const START_TIMEOUT_MS = 60000;

/** The most printed characters kept of one cell: enough for any model prompt. */
const MAX_KEPT_CHARS = 200000;

/** How long the end of a check waits for its kernel to shut down. */
const SHUTDOWN_WAIT_MS = 10000;

export async function runInFreshKernel(
  target: IFreshKernelTarget,
  sources: string[],
  options: IFreshRunOptions,
  trans: TranslationBundle
): Promise<IFreshRun> {
  const { signal } = options;
  const kernel = target.displayName;
  const unavailable = (reason: string): IFreshRun => ({
    status: 'unavailable',
    failedCell: null,
    output: [],
    kernel,
    reason
  });
  const stopped: IFreshRun = {
    status: 'stopped',
    failedCell: null,
    output: [],
    kernel
  };
  if (signal?.aborted) {
    return stopped;
  }
  const name = `${CHECK_PATH_PREFIX}${UUID.uuid4()}.ipynb`;
  const starting = target.sessionManager.startNew(
    {
      path: PathExt.join(target.folder, name),
      type: 'notebook',
      name,
      kernel: { name: target.kernelName }
    },
    { kernelConnectionOptions: { handleComms: false } }
  );
  try {
    const started = await Private.settle(starting, signal, START_TIMEOUT_MS);
    if (started.ended === 'stopped') {
      return stopped;
    }
    if (started.ended !== 'done' || !started.value.kernel) {
      return unavailable(
        started.ended === 'failed'
          ? trans.__(
              'a new %1 kernel could not start (%2).',
              kernel,
              Private.message(started.error)
            )
          : trans.__(
              'a new %1 kernel did not start within %2 s.',
              kernel,
              START_TIMEOUT_MS / 1000
            )
      );
    }
    const connection = started.value.kernel;
    const ready = await Private.settle(
      connection.info,
      signal,
      START_TIMEOUT_MS
    );
    if (ready.ended === 'stopped') {
      return stopped;
    }
    if (ready.ended !== 'done') {
      return unavailable(
        trans.__(
          'a new %1 kernel did not answer within %2 s.',
          kernel,
          START_TIMEOUT_MS / 1000
        )
      );
    }
    for (let i = 0; i < sources.length; i++) {
      const outputs: IRawOutput[] = [];
      let kept = 0;
      const future = connection.requestExecute(
        {
          code: sources[i],
          silent: false,
          store_history: false,
          allow_stdin: false,
          stop_on_error: true
        },
        true
      );
      future.onIOPub = msg => {
        const output = Private.toOutput(msg);
        // A cell that prints without end must not fill the page's memory.
        if (
          output &&
          (output.output_type === 'error' || kept < MAX_KEPT_CHARS)
        ) {
          kept += String(output.text ?? '').length;
          outputs.push(output);
        }
      };
      const ran = await Private.settle(
        Promise.race([future.done, Private.lost(connection)]),
        signal,
        options.timeoutMs
      );
      if (ran.ended === 'stopped') {
        return stopped;
      }
      if (ran.ended === 'timeout') {
        return {
          status: 'timeout',
          failedCell: i + 1,
          output: outputs,
          kernel
        };
      }
      if (ran.ended === 'failed' || ran.value === null) {
        return unavailable(
          trans.__('the new %1 kernel stopped in cell %2.', kernel, i + 1)
        );
      }
      if (
        ran.value.content.status !== 'ok' ||
        outputs.some(output => output.output_type === 'error')
      ) {
        return { status: 'error', failedCell: i + 1, output: outputs, kernel };
      }
    }
    return { status: 'ok', failedCell: null, output: [], kernel };
  } finally {
    // Also a session that starts only after Stop or the start timeout goes.
    await Private.settle(
      starting.then(Private.shutDown),
      undefined,
      SHUTDOWN_WAIT_MS
    );
  }
}

namespace Private {
  export type Outcome<T> =
    | { ended: 'done'; value: T }
    | { ended: 'failed'; error: unknown }
    | { ended: 'stopped' }
    | { ended: 'timeout' };

  /** How `promise` settled, unless `signal` aborted or `ms` (> 0) passed first. */
  export function settle<T>(
    promise: Promise<T>,
    signal: AbortSignal | undefined,
    ms: number
  ): Promise<Outcome<T>> {
    return new Promise(resolve => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => finish({ ended: 'stopped' });
      const finish = (outcome: Outcome<T>) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      promise.then(
        value => finish({ ended: 'done', value }),
        error => finish({ ended: 'failed', error })
      );
      if (signal?.aborted) {
        finish({ ended: 'stopped' });
        return;
      }
      signal?.addEventListener('abort', onAbort);
      if (ms > 0) {
        timer = setTimeout(() => finish({ ended: 'timeout' }), ms);
      }
    });
  }

  /** Resolves to null once the kernel dies or restarts: its cell will not finish. */
  export function lost(kernel: Kernel.IKernelConnection): Promise<null> {
    return new Promise(resolve => {
      const onStatus = (_: unknown, status: Kernel.Status) => {
        if (
          status === 'dead' ||
          status === 'restarting' ||
          status === 'autorestarting'
        ) {
          kernel.statusChanged.disconnect(onStatus);
          resolve(null);
        }
      };
      kernel.statusChanged.connect(onStatus);
    });
  }

  /** The outputs a failing cell is judged by: what it printed, and its error. */
  export function toOutput(
    msg: KernelMessage.IIOPubMessage
  ): IRawOutput | null {
    if (msg.header.msg_type === 'stream') {
      const content = msg.content as KernelMessage.IStreamMsg['content'];
      return { output_type: 'stream', name: content.name, text: content.text };
    }
    if (msg.header.msg_type === 'error') {
      const content = msg.content as KernelMessage.IErrorMsg['content'];
      return {
        output_type: 'error',
        ename: content.ename,
        evalue: content.evalue,
        traceback: content.traceback
      };
    }
    return null;
  }

  export async function shutDown(
    session: Session.ISessionConnection
  ): Promise<void> {
    try {
      await session.shutdown();
    } catch {
      // Gone already, or the server is: nothing left to stop from here.
      session.dispose();
    }
  }

  export function message(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
  }
}
