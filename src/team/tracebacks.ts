/**
 * A Python traceback cut to what the Coder can act on: the frames of the
 * notebook's own cells and the final exception. Library internals (pandas,
 * matplotlib) collapse to one line naming the packages; of a chain of
 * exceptions, the one raised through the cell is kept.
 */

/** Frames of code run in the notebook, as IPython names them. */
const CELL_FRAME =
  /^\s*(Cell In\[\d+\], line \d+|Input In \[\d+\]|<ipython-input-)/;
/** A frame in a file: a library, or a module of the user's. */
const FILE_FRAME = /^File (.+?)(:\d+)?(, in |$)/;
/** Installed packages, the standard library, compiled extension sources. */
const LIBRARY =
  /[\\/](site|dist)-packages[\\/]|[\\/]lib[\\/]python\d|\.(pyx|pxi)$|^<frozen |^[\w.]+[\\/]_libs[\\/]/;
/** Where one exception of a chain ends and the next begins. */
const CHAIN_BREAK =
  /^(The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)\s*$/;
/** The banner IPython opens each exception with. */
const BANNER = /^\S+\s{2,}Traceback \(most recent call last\)\s*$/;

/**
 * The compact form of an ANSI-free traceback text (its lines as IPython
 * prints them), or the text itself when it is not one IPython would print.
 */
export function compactTraceback(text: string): string {
  const chains = splitChains(text.split('\n'));
  const chain =
    [...chains]
      .reverse()
      .find(lines => lines.some(line => CELL_FRAME.test(line))) ??
    chains[chains.length - 1];
  const frames = parseFrames(chain);
  if (frames.length === 0) {
    return text
      .split('\n')
      .filter(line => !BANNER.test(line))
      .join('\n');
  }
  const out: string[] = [];
  let hidden: string[] = [];
  const flushHidden = () => {
    if (hidden.length > 0) {
      const packages = [...new Set(hidden)].join(', ');
      out.push(
        hidden.length === 1
          ? `(1 frame inside ${packages})`
          : `(${hidden.length} frames inside ${packages})`
      );
      hidden = [];
    }
  };
  for (const frame of frames) {
    if (frame.kind === 'cell') {
      flushHidden();
      out.push(...frame.lines);
    } else if (frame.kind === 'library') {
      hidden.push(frame.package);
    } else {
      flushHidden();
      out.push(...frame.lines);
    }
  }
  flushHidden();
  return out.join('\n').replace(/\n+$/, '');
}

type Frame =
  | { kind: 'cell'; lines: string[] }
  | { kind: 'library'; package: string }
  | { kind: 'exception'; lines: string[] };

function splitChains(lines: string[]): string[][] {
  const chains: string[][] = [[]];
  for (const line of lines) {
    if (CHAIN_BREAK.test(line.trim())) {
      chains.push([]);
    } else {
      chains[chains.length - 1].push(line);
    }
  }
  return chains.filter(chain => chain.some(line => line.trim()));
}

/** Frames, and the exception lines after them, in order. */
function parseFrames(lines: string[]): Frame[] {
  const frames: Frame[] = [];
  let current: Frame | null = null;
  for (const line of lines) {
    if (BANNER.test(line) || /^-{10,}\s*$/.test(line)) {
      current = null;
      continue;
    }
    if (CELL_FRAME.test(line)) {
      current = { kind: 'cell', lines: [line.trimStart()] };
      frames.push(current);
      continue;
    }
    const file = FILE_FRAME.exec(line);
    if (file) {
      // A module of the user's (beside the notebook, say) is theirs to fix.
      current = LIBRARY.test(file[1])
        ? { kind: 'library', package: packageOf(file[1]) }
        : { kind: 'cell', lines: [line] };
      frames.push(current);
      continue;
    }
    if (!line.trim()) {
      current = null;
      continue;
    }
    if (/^\s/.test(line) || /^-*>/.test(line)) {
      // Source context of the frame above (a library's is dropped with it).
      if (current?.kind === 'cell') {
        current.lines.push(line);
      }
      continue;
    }
    // An unindented line after the frames: the exception and its message.
    if (current?.kind !== 'exception') {
      current = { kind: 'exception', lines: [] };
      frames.push(current);
    }
    current.lines.push(line);
  }
  return frames.some(frame => frame.kind !== 'exception') ? frames : [];
}

/** "pandas" for .../site-packages/pandas/core/frame.py or pandas/_libs/index.pyx. */
function packageOf(path: string): string {
  const site = /[\\/](?:site|dist)-packages[\\/]([^\\/]+)/.exec(path);
  if (site) {
    return site[1].replace(/\.py$/, '');
  }
  const parts = path.replace(/^~[\\/]/, '').split(/[\\/]/);
  return parts.length > 1 ? parts[0] : path;
}
