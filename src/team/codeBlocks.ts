/**
 * Fenced code blocks in a model's reply. Only Python blocks become notebook
 * cells; the others are kept so the team can tell the Coder they did not run.
 */

/** One fenced block of a reply. */
export interface ICodeBlock {
  /** The fence's language tag, normalized to lowercase; '' when untagged. */
  language: string;
  code: string;
  /** Whether the block is Python and so becomes a cell. */
  runnable: boolean;
}

/**
 * The fenced code blocks of `text`, in order. Prose outside fences is never
 * code; a last fence left open (the model ran out of tokens) keeps its code.
 */
export function extractCodeBlocks(text: string): ICodeBlock[] {
  const lines = text.split(/\r\n|\r|\n/);
  const blocks: ICodeBlock[] = [];
  let open: Private.IFence | null = null;
  let body: string[] = [];

  for (const line of lines) {
    if (open === null) {
      open = Private.openingFence(line);
      body = [];
      continue;
    }
    if (Private.isClosingFence(line, open)) {
      Private.pushBlock(blocks, open, body);
      open = null;
      continue;
    }
    body.push(Private.dedent(line, open.indent));
  }
  if (open !== null) {
    Private.pushBlock(blocks, open, body);
  }
  return blocks;
}

/**
 * A short note for the Coder about blocks that were not run, or null when
 * every block is runnable.
 */
export function describeNonRunnable(blocks: ICodeBlock[]): string | null {
  const skipped = blocks.filter(block => !block.runnable);
  if (skipped.length === 0) {
    return null;
  }
  const languages = Array.from(new Set(skipped.map(block => block.language)));
  const names = languages.map(language => '```' + language);
  const list =
    names.length === 1
      ? names[0]
      : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const subject =
    skipped.length === 1
      ? `The ${list} block was not run`
      : languages.length === 1
        ? `The ${skipped.length} ${list} blocks were not run`
        : `The ${list} blocks were not run`;
  const hint = languages.some(language => Private.SHELL.has(language))
    ? 'Put shell steps in Python (e.g. subprocess) or drop them.'
    : 'Write those steps in Python, or drop them if they were only examples.';
  return `${subject}: only Python runs in this notebook. ${hint}`;
}

namespace Private {
  /** Tags that mean Python; an untagged fence counts as Python too. */
  export const PYTHON = new Set([
    '',
    'python',
    'py',
    'python3',
    'py3',
    'ipython',
    'ipython3'
  ]);

  export const SHELL = new Set([
    'bash',
    'sh',
    'shell',
    'zsh',
    'console',
    'shell-session',
    'terminal',
    'powershell',
    'ps1',
    'cmd',
    'bat'
  ]);

  export interface IFence {
    char: '`' | '~';
    length: number;
    indent: number;
    language: string;
  }

  /** CommonMark fence: up to 3 spaces, then 3+ backticks or tildes. */
  const OPENING = /^( {0,3})(`{3,}|~{3,})(.*)$/;

  export function openingFence(line: string): IFence | null {
    const match = OPENING.exec(line);
    if (!match) {
      return null;
    }
    const marker = match[2];
    const info = match[3].trim();
    // A backtick fence's info string has no backticks; otherwise it is inline code.
    if (marker[0] === '`' && info.includes('`')) {
      return null;
    }
    return {
      char: marker[0] as '`' | '~',
      length: marker.length,
      indent: match[1].length,
      language: languageOf(info)
    };
  }

  export function isClosingFence(line: string, fence: IFence): boolean {
    const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    return (
      match !== null &&
      match[1][0] === fence.char &&
      match[1].length >= fence.length
    );
  }

  /**
   * The first word of the info string: `python title="x"`, `{python}`,
   * `.py`, `python:main.py` all give the tag before any attribute.
   */
  function languageOf(info: string): string {
    const word = info.split(/\s+/)[0].replace(/^[{.]+/, '');
    const match = /^[A-Za-z0-9_+#-]*/.exec(word);
    return (match ? match[0] : '').toLowerCase();
  }

  /** Remove up to `indent` leading spaces, as CommonMark does inside an indented fence. */
  export function dedent(line: string, indent: number): string {
    let i = 0;
    while (i < indent && line[i] === ' ') {
      i++;
    }
    return line.slice(i);
  }

  export function pushBlock(
    blocks: ICodeBlock[],
    fence: IFence,
    body: string[]
  ): void {
    // Blank lines around the code are noise; indentation of the first line is not.
    while (body.length > 0 && body[0].trim() === '') {
      body.shift();
    }
    const code = body.join('\n').trimEnd();
    if (code === '') {
      return;
    }
    blocks.push({
      language: fence.language,
      code,
      runnable: PYTHON.has(fence.language)
    });
  }
}
