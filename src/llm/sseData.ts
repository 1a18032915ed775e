/**
 * The `data:` payloads of a server-sent event stream, in linear time.
 *
 * The openai SDK's own stream reader copies the rest of its buffer for every
 * event, so one network read holding thousands of events (a fast server, a
 * long reply) blocks the page for seconds. This reader scans each read once.
 */

/** Yields each event's data (its `data:` lines joined by newlines). */
export async function* sseData(
  body: ReadableStream<Uint8Array>
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done
        ? decoder.decode()
        : decoder.decode(value, { stream: true });
      // A CR at the end may be the first half of a CRLF: keep it for the next read.
      const held = !done && buffer.endsWith('\r') ? '\r' : '';
      buffer = Private.normalise(held ? buffer.slice(0, -1) : buffer);
      let start = 0;
      for (;;) {
        const end = buffer.indexOf('\n\n', start);
        if (end === -1) {
          break;
        }
        const data = Private.dataOf(buffer, start, end);
        start = end + 2;
        if (data !== null) {
          yield data;
        }
      }
      // One copy per read, not per event.
      buffer = buffer.slice(start) + held;
      if (done) {
        const data = Private.dataOf(buffer, 0, buffer.length);
        if (data !== null) {
          yield data;
        }
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

namespace Private {
  /** CRLF and lone CR end lines too, in the event-stream format. */
  export function normalise(text: string): string {
    return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  }

  /** The data of the event in `text[start, end)`, or null when it has none. */
  export function dataOf(
    text: string,
    start: number,
    end: number
  ): string | null {
    let data: string | null = null;
    let lineStart = start;
    while (lineStart < end) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1 || lineEnd > end) {
        lineEnd = end;
      }
      if (text.startsWith('data:', lineStart)) {
        let value = text.slice(lineStart + 5, lineEnd);
        if (value.startsWith(' ')) {
          value = value.slice(1);
        }
        data = data === null ? value : `${data}\n${value}`;
      }
      lineStart = lineEnd + 1;
    }
    return data;
  }
}
