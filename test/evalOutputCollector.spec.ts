import type { KernelMessage } from '@jupyterlab/services';

import { OutputCollector } from '../eval/runner/outputCollector';

function iopub(
  msgType: string,
  content: Record<string, unknown>
): KernelMessage.IIOPubMessage {
  return {
    header: { msg_type: msgType },
    content
  } as unknown as KernelMessage.IIOPubMessage;
}

describe('OutputCollector', () => {
  it('joins consecutive chunks of one stream, as a notebook saves them', () => {
    const collector = new OutputCollector();
    collector.add(iopub('stream', { name: 'stdout', text: 'Name, Hor' }));
    collector.add(iopub('stream', { name: 'stdout', text: 'sepower\n' }));
    collector.add(iopub('stream', { name: 'stderr', text: 'warning\n' }));
    collector.add(iopub('stream', { name: 'stdout', text: '406 rows\n' }));
    expect(collector.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'Name, Horsepower\n' },
      { output_type: 'stream', name: 'stderr', text: 'warning\n' },
      { output_type: 'stream', name: 'stdout', text: '406 rows\n' }
    ]);
  });

  it('keeps results, displays and errors with their nbformat fields', () => {
    const collector = new OutputCollector();
    collector.add(
      iopub('execute_result', {
        data: { 'text/plain': '406' },
        metadata: {},
        execution_count: 3
      })
    );
    collector.add(
      iopub('display_data', {
        data: { 'image/png': 'iVBOR', 'text/plain': '<Figure>' },
        metadata: { 'image/png': { width: 640 } }
      })
    );
    collector.add(
      iopub('error', {
        ename: 'KeyError',
        evalue: "'weight'",
        traceback: ['Traceback', "KeyError: 'weight'"]
      })
    );
    collector.add(iopub('status', { execution_state: 'idle' }));
    collector.add(iopub('execute_input', { code: 'x', execution_count: 3 }));
    expect(collector.outputs).toEqual([
      {
        output_type: 'execute_result',
        data: { 'text/plain': '406' },
        metadata: {},
        execution_count: 3
      },
      {
        output_type: 'display_data',
        data: { 'image/png': 'iVBOR', 'text/plain': '<Figure>' },
        metadata: { 'image/png': { width: 640 } }
      },
      {
        output_type: 'error',
        ename: 'KeyError',
        evalue: "'weight'",
        traceback: ['Traceback', "KeyError: 'weight'"]
      }
    ]);
  });

  it('updates a display in place by its display id', () => {
    const collector = new OutputCollector();
    collector.add(
      iopub('display_data', {
        data: { 'text/plain': '10%' },
        metadata: {},
        transient: { display_id: 'progress' }
      })
    );
    collector.add(iopub('stream', { name: 'stdout', text: 'working\n' }));
    collector.add(
      iopub('update_display_data', {
        data: { 'text/plain': '100%' },
        metadata: {},
        transient: { display_id: 'progress' }
      })
    );
    collector.add(
      iopub('update_display_data', {
        data: { 'text/plain': 'unknown display' },
        metadata: {},
        transient: { display_id: 'other' }
      })
    );
    expect(collector.outputs.map(output => output.data ?? output.text)).toEqual(
      [{ 'text/plain': '100%' }, 'working\n']
    );
  });

  it('clears at once, or at the next output when asked to wait', () => {
    const collector = new OutputCollector();
    collector.add(iopub('stream', { name: 'stdout', text: 'first\n' }));
    collector.add(iopub('clear_output', { wait: false }));
    expect(collector.outputs).toEqual([]);
    collector.add(iopub('stream', { name: 'stdout', text: 'second\n' }));
    collector.add(iopub('clear_output', { wait: true }));
    expect(collector.outputs).toHaveLength(1);
    collector.add(iopub('stream', { name: 'stdout', text: 'third\n' }));
    expect(collector.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'third\n' }
    ]);
  });

  it('hands out copies, so later messages do not change what was read', () => {
    const collector = new OutputCollector();
    collector.add(iopub('stream', { name: 'stdout', text: 'a' }));
    const read = collector.outputs;
    collector.add(iopub('stream', { name: 'stdout', text: 'b' }));
    expect(read[0].text).toBe('a');
    expect(collector.outputs[0].text).toBe('ab');
  });
});
