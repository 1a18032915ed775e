/**
 * Cell outputs converted to what a model reads: plain text without terminal
 * colours, cut to a budget, with plots as markers or as attached PNGs.
 */
import { compactTraceback } from './tracebacks';
import type { IRawOutput } from './types';

/** What a model is shown of a cell's outputs. */
export interface IModelOutput {
  text: string;
  /** Base64 PNGs (no `data:` prefix) to attach; empty unless vision is on. */
  images: string[];
}

export interface IModelOutputOptions {
  /** Longest text kept; longer text keeps its head and tail. 0 or less: no limit. */
  maxChars: number;
  /** Attach PNGs for a vision-capable model. */
  vision: boolean;
}

/** Convert a cell's outputs for a model. */
export function toModelOutput(
  outputs: IRawOutput[],
  options: IModelOutputOptions
): IModelOutput {
  const pieces: string[] = [];
  const images: string[] = [];

  for (let i = 0; i < outputs.length; i++) {
    const output = outputs[i];
    switch (output.output_type) {
      case 'stream': {
        // Chunks of one stream may split a line; join them before formatting.
        const name = output.name === 'stderr' ? 'stderr' : 'stdout';
        let text = Private.joinText(output.text);
        while (
          i + 1 < outputs.length &&
          outputs[i + 1].output_type === 'stream' &&
          (outputs[i + 1].name === 'stderr' ? 'stderr' : 'stdout') === name
        ) {
          i++;
          text += Private.joinText(outputs[i].text);
        }
        pieces.push(Private.formatStream(text, name === 'stderr'));
        break;
      }
      case 'execute_result':
      case 'display_data':
        pieces.push(
          Private.formatBundle(output.data ?? {}, options.vision, images)
        );
        break;
      case 'error':
        pieces.push(Private.formatError(output));
        break;
      default:
        break;
    }
  }

  const text = pieces
    .map(piece => piece.replace(/\n+$/, ''))
    .filter(piece => piece !== '')
    .join('\n');
  return { text: truncateMiddle(text, options.maxChars), images };
}

/** The first valid PNG among the outputs, as base64 (no `data:` prefix), or null. */
export function firstPng(outputs: IRawOutput[]): string | null {
  for (const output of outputs) {
    const value = output.data?.['image/png'];
    if (value === undefined) {
      continue;
    }
    const base64 = Private.joinText(value as string | string[])
      .replace(/^data:image\/png;base64,/, '')
      .replace(/\s+/g, '');
    if (Private.pngSize(base64) !== null) {
      return base64;
    }
  }
  return null;
}

/** Remove ANSI escape sequences (colours, cursor moves, OSC titles and links). */
export function stripAnsi(text: string): string {
  return text.replace(Private.ANSI, '');
}

/**
 * Keep the head (about 60%) and tail (about 40%) of `text` within `maxChars`
 * characters, with a note in between saying how much was cut. The note comes
 * on top of `maxChars`. `maxChars` of 0 or less means no limit.
 */
export function truncateMiddle(text: string, maxChars: number): string {
  if (maxChars <= 0 || text.length <= maxChars) {
    return text;
  }
  let head = Math.ceil(maxChars * 0.6);
  let tail = maxChars - head;
  // Never split a surrogate pair (an emoji in a print).
  if (head > 0 && Private.isHighSurrogate(text.charCodeAt(head - 1))) {
    head--;
  }
  if (tail > 0 && Private.isLowSurrogate(text.charCodeAt(text.length - tail))) {
    tail--;
  }
  const cut = text.length - head - tail;
  return (
    text.slice(0, head) +
    `\n… [${cut.toLocaleString('en-US')} characters cut] …\n` +
    text.slice(text.length - tail)
  );
}

namespace Private {
  /**
   * CSI sequences (7- and 8-bit), OSC sequences ended by BEL or ST (or left
   * open), and the remaining two-character escapes.
   */
  export const ANSI =
    // eslint-disable-next-line no-control-regex -- ANSI escapes are control characters
    /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[()#][0-9A-Za-z]|\u001b[@-Z\\-_]/g;

  export function joinText(text: string | string[] | undefined): string {
    if (text === undefined) {
      return '';
    }
    return Array.isArray(text) ? text.join('') : text;
  }

  export function formatStream(raw: string, stderr: boolean): string {
    const lines = collapseCarriageReturns(stripAnsi(raw)).split('\n');
    if (lines[lines.length - 1] === '') {
      lines.pop();
    }
    return stderr
      ? lines.map(line => (line ? `[stderr] ${line}` : line)).join('\n')
      : lines.join('\n');
  }

  /** Progress bars redraw a line with `\r`: keep only what was finally shown. */
  function collapseCarriageReturns(text: string): string {
    return text
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map(line => {
        const parts = line.split('\r').filter(part => part !== '');
        return parts.length > 0 ? parts[parts.length - 1] : '';
      })
      .join('\n');
  }

  /**
   * The error as the Coder can act on it: the cell's frames and the final
   * exception (see compactTraceback), the exception once.
   */
  export function formatError(output: IRawOutput): string {
    const header = stripAnsi(
      `${output.ename ?? 'Error'}: ${output.evalue ?? ''}`.trimEnd()
    );
    const traceback = compactTraceback(
      (output.traceback ?? []).map(entry => stripAnsi(entry)).join('\n')
    )
      // IPython opens tracebacks with a rule of dashes that tells a model nothing.
      .split('\n')
      .filter(line => !/^-{10,}\s*$/.test(line))
      .join('\n')
      .replace(/\n+$/, '');
    if (!traceback.trim()) {
      return header;
    }
    // The traceback ends with the exception already, in IPython's words.
    const last = traceback.split('\n').pop() ?? '';
    return last.startsWith(`${stripAnsi(output.ename ?? 'Error')}:`)
      ? traceback
      : `${header}\n${traceback}`;
  }

  /**
   * A mime bundle holds one object in several forms; show the one a model reads
   * best: an image when there is one, else plain text, else stripped HTML.
   */
  export function formatBundle(
    data: { [mime: string]: unknown },
    vision: boolean,
    images: string[]
  ): string {
    if ('image/png' in data) {
      return formatPng(data['image/png'], vision, images);
    }
    const otherImage = Object.keys(data).find(mime =>
      mime.startsWith('image/')
    );
    if (otherImage) {
      return `[${otherImage} output]`;
    }
    const plain = textOf(data['text/plain']);
    if (plain !== null) {
      return stripAnsi(plain);
    }
    const markdown = textOf(data['text/markdown']);
    if (markdown !== null) {
      return markdown;
    }
    const html = textOf(data['text/html']);
    if (html !== null) {
      return `[HTML output, tags stripped]\n${stripHtml(html)}`;
    }
    const json = data['application/json'];
    if (json !== undefined) {
      return JSON.stringify(json, null, 1);
    }
    const mimes = Object.keys(data);
    return mimes.length > 0 ? `[${mimes[0]} output]` : '';
  }

  function textOf(value: unknown): string | null {
    if (typeof value === 'string') {
      return value;
    }
    if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
      return value.join('');
    }
    return null;
  }

  function formatPng(
    value: unknown,
    vision: boolean,
    images: string[]
  ): string {
    const base64 = (textOf(value) ?? '')
      .replace(/^data:image\/png;base64,/, '')
      .replace(/\s+/g, '');
    const size = pngSize(base64);
    if (size === null) {
      // An undecodable image would make the model server reject the whole request.
      return '[PNG image]';
    }
    const note = `PNG image ${size.width}×${size.height}`;
    if (!vision) {
      return `[${note}]`;
    }
    images.push(base64);
    return `[${note}, attached]`;
  }

  /** Width and height from the IHDR chunk, which a valid PNG has first. */
  export function pngSize(
    base64: string
  ): { width: number; height: number } | null {
    const bytes = decodeBase64(base64.slice(0, 32));
    if (bytes === null || bytes.length < 24) {
      return null;
    }
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (signature.some((byte, i) => bytes[i] !== byte)) {
      return null;
    }
    const chunkType = String.fromCharCode(...bytes.slice(12, 16));
    if (chunkType !== 'IHDR') {
      return null;
    }
    const width = readUint32(bytes, 16);
    const height = readUint32(bytes, 20);
    if (width === 0 || height === 0) {
      return null;
    }
    return { width, height };
  }

  function readUint32(bytes: number[], offset: number): number {
    return (
      bytes[offset] * 0x1000000 +
      ((bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3])
    );
  }

  const ALPHABET =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  /**
   * Decode a short base64 prefix. Written out because `atob` and `Buffer`
   * are not both available in browsers and in jest.
   */
  function decodeBase64(text: string): number[] | null {
    const bytes: number[] = [];
    let buffer = 0;
    let bits = 0;
    for (const char of text) {
      if (char === '=') {
        break;
      }
      const value = ALPHABET.indexOf(char);
      if (value < 0) {
        return null;
      }
      buffer = ((buffer << 6) | value) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((buffer >> bits) & 0xff);
      }
    }
    return bytes;
  }

  /** A crude rendering of HTML as text: enough for a model to read a table. */
  function stripHtml(html: string): string {
    return html
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|tr|li|h[1-6]|table|thead|tbody)\s*>/gi, '\n')
      .replace(/<\/(td|th)\s*>/gi, '\t')
      .replace(/<[^>]*>/g, '')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#0?39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{2,}/g, '\n')
      .trim();
  }

  export function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
  }

  export function isLowSurrogate(code: number): boolean {
    return code >= 0xdc00 && code <= 0xdfff;
  }
}
