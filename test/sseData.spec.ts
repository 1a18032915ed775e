import { ReadableStream as NodeReadableStream } from 'stream/web';

import { sseData } from '../src/llm/sseData';

// The test environment has fetch's streams but no global constructor for them.
const ReadableStream =
  NodeReadableStream as unknown as typeof globalThis.ReadableStream;

/** A body delivered in exactly these pieces. */
function body(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      pieces.forEach(piece => controller.enqueue(encoder.encode(piece)));
      controller.close();
    }
  });
}

async function collect(pieces: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseData(body(pieces))) {
    out.push(data);
  }
  return out;
}

describe('sseData', () => {
  it('yields each event’s data, however the reads split it', async () => {
    const stream = 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    const whole = await collect([stream]);
    expect(whole).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
    // Split at every position, one character per read included.
    for (let i = 1; i < stream.length; i++) {
      expect(await collect([stream.slice(0, i), stream.slice(i)])).toEqual(
        whole
      );
    }
    expect(await collect(stream.split(''))).toEqual(whole);
  });

  it('takes CRLF and CR line ends, even with a CRLF split across reads', async () => {
    expect(
      await collect(['data: one\r', '\n\r\ndata: two\r\rdata: three\n\n'])
    ).toEqual(['one', 'two', 'three']);
  });

  it('joins multi-line data, skips comments and events without data, keeps a last event with no blank line', async () => {
    expect(
      await collect([
        ': keep-alive\n\nevent: ping\n\ndata: first\ndata: second\n\ndata:tail'
      ])
    ).toEqual(['first\nsecond', 'tail']);
  });

  it('keeps multi-byte characters split across reads whole', async () => {
    const encoder = new TextEncoder();
    const bytes = encoder.encode('data: Gewicht – Ø 3 500 lbs 🚗\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) {
          controller.enqueue(new Uint8Array([byte]));
        }
        controller.close();
      }
    });
    const out: string[] = [];
    for await (const data of sseData(stream)) {
      out.push(data);
    }
    expect(out).toEqual(['Gewicht – Ø 3 500 lbs 🚗']);
  });

  it('reads ten thousand events delivered in one read', async () => {
    const events = Array.from(
      { length: 10000 },
      (_, i) => `data: {"choices":[{"delta":{"content":"token${i} "}}]}\n\n`
    );
    const out = await collect([events.join('')]);
    expect(out).toHaveLength(10000);
    expect(out[9999]).toContain('token9999');
  });
});
