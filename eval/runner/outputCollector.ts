/**
 * A cell's outputs as a notebook stores them, built from the IOPub messages
 * of its execute request: what JupyterLab's output area keeps, without a DOM.
 */
import type { KernelMessage } from '@jupyterlab/services';

import type { IRawOutput } from '../../src/team/types';

/** An nbformat output; `metadata` and `execution_count` as the notebook file wants them. */
export interface INotebookOutput extends IRawOutput {
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
}

export class OutputCollector {
  /** The outputs so far, in the order the kernel sent them. */
  get outputs(): INotebookOutput[] {
    return this._outputs.map(output => ({ ...output }));
  }

  /** Take one IOPub message; anything that is not an output is ignored. */
  add(msg: KernelMessage.IIOPubMessage): void {
    const content = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case 'stream':
        this._stream(String(content.name), String(content.text ?? ''));
        break;
      case 'execute_result':
        this._push({
          output_type: 'execute_result',
          data: Private.data(content),
          metadata: Private.metadata(content),
          execution_count: (content.execution_count as number) ?? null
        });
        break;
      case 'display_data':
        this._push(
          {
            output_type: 'display_data',
            data: Private.data(content),
            metadata: Private.metadata(content)
          },
          Private.displayId(content)
        );
        break;
      case 'update_display_data':
        this._update(Private.displayId(content), content);
        break;
      case 'error':
        this._push({
          output_type: 'error',
          ename: String(content.ename ?? ''),
          evalue: String(content.evalue ?? ''),
          traceback: (content.traceback as string[]) ?? []
        });
        break;
      case 'clear_output':
        if (content.wait) {
          this._clearOnNext = true;
        } else {
          this._clear();
        }
        break;
      default:
        break;
    }
  }

  private _stream(name: string, text: string): void {
    this._clearIfWaiting();
    // Consecutive chunks of one stream are one output, as a notebook saves them.
    const last = this._outputs[this._outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) {
      last.text = `${last.text ?? ''}${text}`;
      return;
    }
    this._push({ output_type: 'stream', name, text });
  }

  private _push(
    output: INotebookOutput,
    displayId: string | null = null
  ): void {
    this._clearIfWaiting();
    this._outputs.push(output);
    if (displayId) {
      this._displays.set(displayId, output);
    }
  }

  private _update(
    displayId: string | null,
    content: Record<string, unknown>
  ): void {
    const output = displayId ? this._displays.get(displayId) : undefined;
    if (output) {
      output.data = Private.data(content);
      output.metadata = Private.metadata(content);
    }
  }

  private _clearIfWaiting(): void {
    if (this._clearOnNext) {
      this._clearOnNext = false;
      this._clear();
    }
  }

  private _clear(): void {
    this._outputs = [];
    this._displays.clear();
  }

  private _outputs: INotebookOutput[] = [];
  private _displays = new Map<string, INotebookOutput>();
  private _clearOnNext = false;
}

namespace Private {
  export function data(
    content: Record<string, unknown>
  ): Record<string, unknown> {
    return { ...((content.data as Record<string, unknown>) ?? {}) };
  }

  export function metadata(
    content: Record<string, unknown>
  ): Record<string, unknown> {
    return { ...((content.metadata as Record<string, unknown>) ?? {}) };
  }

  export function displayId(content: Record<string, unknown>): string | null {
    const transient = content.transient as { display_id?: unknown } | undefined;
    return typeof transient?.display_id === 'string'
      ? transient.display_id
      : null;
  }
}
