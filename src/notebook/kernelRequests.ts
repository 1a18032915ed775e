/**
 * Requests the team makes of a kernel that are the same wherever the kernel
 * lives (a notebook in JupyterLab, or the evaluation's headless runner).
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** Resolves once the kernel is not busy (at once when it is not now). */
export function whenKernelIdle(
  kernel: Kernel.IKernelConnection | null | undefined
): Promise<void> {
  if (!kernel || kernel.status !== 'busy') {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const onStatus = () => {
      if (kernel.status !== 'busy') {
        kernel.statusChanged.disconnect(onStatus);
        resolve();
      }
    };
    kernel.statusChanged.connect(onStatus);
  });
}

/**
 * The repr of `expression` evaluated silently (no history, no output, no
 * execution count), or null when it fails, there is no kernel, or the kernel
 * does not answer within `timeoutMs`.
 */
export async function inspectSilently(
  kernel: Kernel.IKernelConnection | null | undefined,
  expression: string,
  timeoutMs: number
): Promise<string | null> {
  if (!kernel) {
    return null;
  }
  const future = kernel.requestExecute(
    {
      code: '',
      silent: true,
      store_history: false,
      user_expressions: { agent_team: expression },
      allow_stdin: false
    },
    true
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>(resolve => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const reply = await Promise.race([future.done, late]);
    if (!reply) {
      future.dispose();
      return null;
    }
    const content = reply.content as KernelMessage.IExecuteReply;
    const value = (
      content.user_expressions as
        | Record<string, { status?: string; data?: Record<string, unknown> }>
        | undefined
    )?.agent_team;
    const text = value?.status === 'ok' ? value.data?.['text/plain'] : null;
    return typeof text === 'string' ? text : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The language of a kernel that is not Python, by its kernelspec backed by
 * its own info; undefined for Python, or when neither answers in time.
 */
export async function otherLanguage(
  kernel: Kernel.IKernelConnection,
  timeoutMs: number
): Promise<string | undefined> {
  const timers: ReturnType<typeof setTimeout>[] = [];
  const late = <T>(promise: Promise<T>) =>
    Promise.race([
      promise,
      new Promise<null>(resolve =>
        timers.push(setTimeout(resolve, timeoutMs, null))
      )
    ]);
  const [spec, info] = await Promise.all([
    late(kernel.spec),
    late(kernel.info)
  ]).finally(() => timers.forEach(clearTimeout));
  return [spec?.language, info?.language_info.name].find(
    name => !!name && name.toLowerCase() !== 'python'
  );
}
