/**
 * The fresh kernel of a check, against a scripted session manager: where it
 * starts, what it runs, and that it is shut down however the check ends.
 */
import type { KernelMessage, Session } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import {
  CHECK_PATH_PREFIX,
  IFreshKernelTarget,
  runInFreshKernel
} from '../src/notebook/freshKernel';

const trans = nullTranslator.load('jupyterlab_agent_team');

/** What the kernel does with a cell: prints and ends, raises, or never ends. */
type Behaviour = { print?: string; raise?: [string, string] } | 'hang' | 'die';

class FakeKernel {
  constructor(readonly behave: (code: string) => Behaviour) {}

  info: Promise<unknown> = Promise.resolve({});
  readonly statusChanged = new Signal<this, string>(this);
  readonly requests: KernelMessage.IExecuteRequestMsg['content'][] = [];

  requestExecute(content: KernelMessage.IExecuteRequestMsg['content']) {
    this.requests.push(content);
    const future: {
      onIOPub: ((msg: unknown) => void) | null;
      done: Promise<unknown>;
    } = { onIOPub: null, done: new Promise(() => {}) };
    const behaviour = this.behave(content.code);
    if (behaviour === 'die') {
      setTimeout(() => this.statusChanged.emit('dead'));
    } else if (behaviour !== 'hang') {
      future.done = Promise.resolve().then(() => {
        if (behaviour.print) {
          future.onIOPub?.({
            header: { msg_type: 'stream' },
            content: { name: 'stdout', text: behaviour.print }
          });
        }
        if (behaviour.raise) {
          const [ename, evalue] = behaviour.raise;
          future.onIOPub?.({
            header: { msg_type: 'error' },
            content: { ename, evalue, traceback: [`${ename}: ${evalue}`] }
          });
        }
        return { content: { status: behaviour.raise ? 'error' : 'ok' } };
      });
    }
    return future;
  }
}

class FakeSession {
  constructor(readonly kernel: FakeKernel | null) {}
  shutdowns = 0;
  async shutdown(): Promise<void> {
    this.shutdowns += 1;
  }
  dispose(): void {
    /* nothing held */
  }
}

function setUp(
  behave: (code: string) => Behaviour = () => ({}),
  start?: (options: Session.ISessionOptions) => Promise<FakeSession>
) {
  const kernel = new FakeKernel(behave);
  const session = new FakeSession(kernel);
  const started: Session.ISessionOptions[] = [];
  const target: IFreshKernelTarget = {
    sessionManager: {
      startNew: (options: Session.ISessionOptions) => {
        started.push(options);
        return start ? start(options) : Promise.resolve(session);
      }
    } as unknown as Session.IManager,
    folder: 'projects/cars',
    kernelName: 'python3',
    displayName: 'Python 3 (ipykernel)'
  };
  return { kernel, session, started, target };
}

describe('runInFreshKernel', () => {
  it('starts a session of the notebook’s kernelspec at a hidden path in its folder, runs every cell and shuts it down', async () => {
    const { kernel, session, started, target } = setUp();

    const result = await runInFreshKernel(
      target,
      ['a = 1', 'print(a)'],
      { timeoutMs: 1000 },
      trans
    );

    expect(result).toEqual({
      status: 'ok',
      failedCell: null,
      output: [],
      kernel: 'Python 3 (ipykernel)'
    });
    expect(started).toHaveLength(1);
    expect(started[0].type).toBe('notebook');
    expect(started[0].kernel).toEqual({ name: 'python3' });
    expect(started[0].path).toBe(`projects/cars/${started[0].name}`);
    expect(started[0].name.startsWith(CHECK_PATH_PREFIX)).toBe(true);
    expect(kernel.requests.map(r => r.code)).toEqual(['a = 1', 'print(a)']);
    expect(kernel.requests[0]).toMatchObject({
      silent: false,
      store_history: false,
      allow_stdin: false
    });
    expect(session.shutdowns).toBe(1);
  });

  it('stops at the first error, with what that cell printed and its error', async () => {
    const { kernel, session, target } = setUp(code =>
      code.includes('cars')
        ? {
            print: 'loading\n',
            raise: ['NameError', "name 'cars' is not defined"]
          }
        : {}
    );

    const result = await runInFreshKernel(
      target,
      ['import pandas as pd', 'cars.head()', 'print(1)'],
      { timeoutMs: 1000 },
      trans
    );

    expect(result.status).toBe('error');
    expect(result.failedCell).toBe(2);
    expect(result.output).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'loading\n' },
      {
        output_type: 'error',
        ename: 'NameError',
        evalue: "name 'cars' is not defined",
        traceback: ["NameError: name 'cars' is not defined"]
      }
    ]);
    expect(kernel.requests).toHaveLength(2);
    expect(session.shutdowns).toBe(1);
  });

  it('says a kernel that cannot start is unavailable, and why', async () => {
    const { target } = setUp(undefined, () =>
      Promise.reject(new Error('No such kernel named python3'))
    );

    const result = await runInFreshKernel(
      target,
      ['print(1)'],
      { timeoutMs: 1000 },
      trans
    );

    expect(result).toMatchObject({
      status: 'unavailable',
      reason:
        'a new Python 3 (ipykernel) kernel could not start (No such kernel named python3).'
    });
  });

  it('times a cell out and shuts the kernel down', async () => {
    const { session, target } = setUp(() => 'hang');

    const result = await runInFreshKernel(
      target,
      ['while True: pass'],
      { timeoutMs: 20 },
      trans
    );

    expect(result).toMatchObject({ status: 'timeout', failedCell: 1 });
    expect(session.shutdowns).toBe(1);
  });

  it('ends at Stop and shuts the kernel down', async () => {
    const { session, target } = setUp(() => 'hang');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 10);

    const result = await runInFreshKernel(
      target,
      ['import time; time.sleep(60)'],
      { timeoutMs: 0, signal: abort.signal },
      trans
    );

    expect(result.status).toBe('stopped');
    expect(session.shutdowns).toBe(1);
  });

  it('shuts down a session that only starts after Stop', async () => {
    let resolveStart: (session: FakeSession) => void = () => {};
    const { session, target } = setUp(
      undefined,
      () =>
        new Promise<FakeSession>(resolve => {
          resolveStart = resolve;
        })
    );
    const abort = new AbortController();
    const check = runInFreshKernel(
      target,
      ['print(1)'],
      { timeoutMs: 0, signal: abort.signal },
      trans
    );
    abort.abort();
    resolveStart(session);

    expect((await check).status).toBe('stopped');
    await Promise.resolve();
    expect(session.shutdowns).toBe(1);
  });

  it('says a kernel that dies in a cell is unavailable, and shuts it down', async () => {
    const { session, target } = setUp(() => 'die');

    const result = await runInFreshKernel(
      target,
      ['import os; os._exit(1)'],
      { timeoutMs: 0 },
      trans
    );

    expect(result).toMatchObject({
      status: 'unavailable',
      reason: 'the new Python 3 (ipykernel) kernel stopped in cell 1.'
    });
    expect(session.shutdowns).toBe(1);
  });
});
