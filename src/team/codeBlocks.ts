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
  /**
   * Set only for an untagged fence that does not look like Python: shell
   * commands, output written out as if the code had run, or the bare word
   * TERMINATE (a signal, not code).
   */
  looksLike?: 'shell' | 'output' | 'terminate';
}

/** A reply in order: prose lines and fenced blocks (empty blocks included). */
export type ReplyPart = { prose: string } | { block: ICodeBlock };

/**
 * The fenced code blocks of `text`, in order. Prose outside fences is never
 * code; a last fence left open (the model ran out of tokens) keeps its code.
 *
 * ```python (py, python3, ipython…) fences always run. An untagged fence runs
 * unless it clearly is not Python (see `Private.classifyUntagged`): models
 * often leave shell commands and made-up output untagged, and running those
 * only gives the Coder a SyntaxError instead of a useful note.
 */
export function extractCodeBlocks(text: string): ICodeBlock[] {
  const blocks: ICodeBlock[] = [];
  for (const part of replyParts(text)) {
    if ('block' in part && part.block.code !== '') {
      blocks.push(part.block);
    }
  }
  return blocks;
}

/** `text` split into prose lines and fenced blocks, in order. */
export function replyParts(text: string): ReplyPart[] {
  const lines = text.split(/\r\n|\r|\n/);
  const parts: ReplyPart[] = [];
  let open: Private.IFence | null = null;
  let body: string[] = [];

  for (const line of lines) {
    if (open === null) {
      open = Private.openingFence(line);
      body = [];
      if (open === null) {
        parts.push({ prose: line });
      }
      continue;
    }
    if (Private.isClosingFence(line, open)) {
      parts.push({ block: Private.toBlock(open, body) });
      open = null;
      continue;
    }
    body.push(Private.dedent(line, open.indent));
  }
  if (open !== null) {
    parts.push({ block: Private.toBlock(open, body) });
  }
  return parts;
}

/**
 * A short note for the Coder about blocks that were not run, or null when
 * every block is runnable. Shell blocks name their first command and say how
 * to do it from a ```python block instead.
 */
export function describeNonRunnable(blocks: ICodeBlock[]): string | null {
  // A fenced TERMINATE is a signal, not a block the Coder needs telling about.
  const skipped = blocks.filter(
    block => !block.runnable && block.looksLike !== 'terminate'
  );
  const shell = skipped.filter(block => Private.isShell(block));
  const output = skipped.filter(block => block.looksLike === 'output');
  const other = skipped.filter(
    block => !shell.includes(block) && !output.includes(block)
  );
  const notes: string[] = [];
  if (shell.length > 0) {
    notes.push(Private.shellNote(shell));
  }
  if (output.length > 0) {
    notes.push(Private.outputNote(output));
  }
  if (other.length > 0) {
    notes.push(Private.otherNote(other, notes.length > 0));
  }
  return notes.length > 0 ? notes.join(' ') : null;
}

namespace Private {
  /** Tags that mean Python. An untagged fence is Python unless it clearly is not. */
  export const PYTHON = new Set([
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

  export function isShell(block: ICodeBlock): boolean {
    return block.looksLike === 'shell' || SHELL.has(block.language);
  }

  /* ----------------------------------------------------- untagged fences */

  /**
   * What an untagged fence holds. Python unless it is clearly something
   * else: a wrong guess the other way would keep real code from running.
   */
  export function classifyUntagged(
    code: string
  ): 'python' | 'shell' | 'output' | 'terminate' {
    if (/^[*_]*TERMINATE[*_]*[.!]*$/.test(code.trim())) {
      return 'terminate';
    }
    if (looksLikeShell(code)) {
      return 'shell';
    }
    if (looksLikeOutput(code)) {
      return 'output';
    }
    return 'python';
  }

  /**
   * Commands a model writes in a terminal fence. IPython's automagic would
   * take a few (`ls`, `cd`, `pip`), but `cd` would move the kernel away from
   * the notebook's folder and most others (`python x.py`, `export`, `curl`)
   * fail, so the Coder is told instead.
   */
  const COMMANDS = new Set([
    'pip',
    'pip3',
    'python',
    'python3',
    'ipython',
    'conda',
    'mamba',
    'micromamba',
    'jupyter',
    'apt',
    'apt-get',
    'brew',
    'sudo',
    'cd',
    'ls',
    'pwd',
    'mkdir',
    'rm',
    'cp',
    'mv',
    'touch',
    'cat',
    'head',
    'tail',
    'echo',
    'export',
    'source',
    'chmod',
    'git',
    'curl',
    'wget',
    'unzip',
    'tar',
    'kaggle',
    'streamlit'
  ]);

  /** Commands that make sense with no argument; others alone are Python names. */
  const BARE_COMMANDS = new Set(['ls', 'pwd']);

  /** `$ ` is a terminal prompt; `%`, `%%` and `!` lines are IPython and run. */
  const PROMPT = /^\$\s+\S/;

  /**
   * The line a fence starts with, skipping comments, which both languages
   * share (`# install first`). A shebang decides by itself.
   */
  function firstCommand(code: string): string | null {
    for (const raw of code.split('\n')) {
      const line = raw.trim();
      if (line === '') {
        continue;
      }
      if (line.startsWith('#!')) {
        return /\b(?:ba|z|da)?sh\b/.test(line) ? '$ ' + line : null;
      }
      if (!line.startsWith('#')) {
        return line;
      }
    }
    return null;
  }

  function looksLikeShell(code: string): boolean {
    const line = firstCommand(code);
    return line !== null && isCommandLine(line);
  }

  /** Whether one line is a shell command rather than a Python statement. */
  function isCommandLine(line: string): boolean {
    if (PROMPT.test(line)) {
      return true;
    }
    const match = /^([A-Za-z][\w.-]*)(?=\s|$)(.*)$/.exec(line);
    if (!match) {
      return false;
    }
    const word = match[1];
    const rest = match[2].trim();
    // `pip3.11`, `python3.12`; `py -m pip` only with a flag, `py` is a common name.
    const known =
      COMMANDS.has(word) ||
      /^(?:pip|python)3\.\d+$/.test(word) ||
      (word === 'py' && rest.startsWith('-'));
    if (!known) {
      return false;
    }
    if (rest === '') {
      return BARE_COMMANDS.has(word);
    }
    // `ls = …`, `head += 1`, `cat (x)`, `source: str`: Python after all.
    return !/^(?:=(?!=)|[-+*/%&|^@]=|[(:,])/.test(rest);
  }

  /**
   * Output the model wrote out instead of letting the code print it. Only
   * forms that cannot be meant as code count: an `Output:` label, an
   * `Out[3]:` prompt, a traceback or error line, an object repr such as
   * `<Figure size 640x480 with 1 Axes>`, a bare literal such as
   * `['mpg', 'weight']`, or a printed table with no Python in it.
   */
  function looksLikeOutput(code: string): boolean {
    const lines = code
      .split('\n')
      .map(line => line.trim())
      .filter(line => line !== '');
    const first = lines[0];
    const label =
      /^(?:(?:expected|example|sample|console|program)\s+)?(?:output|results?|stdout)\s*:?$/i.test(
        first
      ) ||
      // `Output: ['mpg', …]`, but not an annotated assignment `Result: int = 0`.
      (/^(?:(?:Expected|Example|Sample|Console)\s+[Oo]utput|Output|Results?|Stdout)\s*:/.test(
        first
      ) &&
        !/^\w+\s*:\s*[\w.[\]]+\s*=[^=]/.test(first));
    return (
      label ||
      /^Out\[\d+\]:/.test(first) ||
      /^Traceback \(most recent call last\)/.test(first) ||
      /^[A-Z]\w*(?:Error|Exception|Warning): /.test(first) ||
      /^<[A-Za-z_][\w.]*[ >]/.test(first) ||
      isBareLiteral(code) ||
      isPrintedTable(lines)
    );
  }

  /**
   * `['mpg', 'weight']`, `(398, 9)`, `{'a': 1}`, `[[1 2]\n [3 4]]`: only
   * literals, which as code would do nothing but echo themselves.
   */
  function isBareLiteral(code: string): boolean {
    const trimmed = code.trim();
    if (!/^[[({]/.test(trimmed)) {
      return false;
    }
    const rest = trimmed
      .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, '0')
      .replace(/\b(?:True|False|None|nan|NaN|inf)\b/g, '0')
      .replace(/(^|[[({,:\s])-?\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?/g, '$10');
    return /0/.test(rest) && /^[[\](){}\s,:0]*$/.test(rest);
  }

  /**
   * Anything only code has: operators, brackets, quotes, calls, keywords.
   * A printed table has none of these.
   */
  const CODE_LINE =
    /[=;()[\]{}+*/<>&|^~@`"'\\]|(?:^|\s)-(?:\s|$)|\b(?:import|from|def|class|for|while|if|elif|else|try|except|finally|with|return|print|raise|assert|del|pass|lambda|global|nonlocal|async|await|yield|and|or|not|in|is)\b/;

  /** A value as pandas prints it: `18.0`, `-3`, `1.5e+03`, `12%`, `NaN`. */
  const VALUE =
    /^(?:[-+]?\d[\d,]*(?:\.\d*)?(?:e[-+]?\d+)?%?|NaN|nan|NaT|None|True|False)$/;

  /**
   * A printed DataFrame or Series: rows of a label and values (`0  18.0  8`,
   * `mean  23.5`), maybe a header and a `dtype: float64` or
   * `[398 rows x 9 columns]` line; two rows with values at least (with
   * such a line, `mpg  float64` rows too), and no line with anything only
   * code has. As Python those rows are syntax errors.
   */
  function isPrintedTable(lines: string[]): boolean {
    if (lines.length < 2) {
      return false;
    }
    let rows = 0;
    let pairs = 0;
    let trailer = false;
    for (const line of lines) {
      if (
        /^\[\d+ rows x \d+ columns\]$/.test(line) ||
        /^(?:Name: [^,]*, )?(?:Length: \d+, )?dtype: \w+$/.test(line)
      ) {
        trailer = true;
        continue;
      }
      if (CODE_LINE.test(line)) {
        return false;
      }
      const tokens = line.split(/\s+/);
      if (tokens.length >= 2) {
        pairs++;
        if (tokens.slice(1).some(token => VALUE.test(token))) {
          rows++;
        }
      }
    }
    // With pandas' own last line, rows of names count too (`mpg  float64`).
    return rows >= 2 || (trailer && pairs >= 1);
  }

  /* ----------------------------------------------------------- messages */

  /** A block's first line, short enough to quote. */
  function opening(block: ICodeBlock): string {
    const line =
      block.code
        .split('\n')
        .map(text => text.trim())
        .find(text => text !== '') ?? '';
    const short = line.length > 60 ? line.slice(0, 57).trimEnd() + '…' : line;
    return code(short);
  }

  function code(text: string): string {
    return text.includes('`') ? '`` ' + text + ' ``' : '`' + text + '`';
  }

  function list(items: string[]): string {
    return items.length === 1
      ? items[0]
      : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  }

  function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  export function shellNote(blocks: ICodeBlock[]): string {
    let subject: string;
    if (blocks.length > 1) {
      subject = `The blocks starting ${list(blocks.map(opening))} are shell commands and were not run`;
    } else if (blocks[0].language === '') {
      subject = `The block starting ${opening(blocks[0])} looks like a shell command and was not run`;
    } else {
      subject = `The \`\`\`${blocks[0].language} block starting ${opening(blocks[0])} was not run`;
    }
    return `${subject}: only Python runs in this notebook. ${shellHint(blocks)}`;
  }

  /** The commands of shell blocks: `$ ` lines when there are any (the rest is output). */
  function commands(block: ICodeBlock): string[] {
    const lines = block.code
      .split('\n')
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('#'));
    const prompted = lines.filter(line => PROMPT.test(line));
    return (prompted.length > 0 ? prompted : lines)
      .map(line => line.replace(/^\$\s+/, ''))
      .flatMap(line => line.split(/\s*(?:&&|\|\||;)\s*/))
      .map(line => line.replace(/^sudo\s+/, '').trim())
      .filter(line => line !== '');
  }

  /** How to do in a ```python block what the shell blocks tried. */
  function shellHint(blocks: ICodeBlock[]): string {
    const installs: string[] = [];
    let script = false;
    let other = false;
    for (const command of blocks.flatMap(commands)) {
      const pip =
        /^(?:pip3?(?:\.\d+)?|(?:python3?(?:\.\d+)?|py)\s+(?:-\d\S*\s+)?-m\s+pip)\s+(install\b.*)$/.exec(
          command
        );
      const conda = /^(?:conda|mamba|micromamba)\s+(install\b.*)$/.exec(
        command
      );
      const magic = pip
        ? `%pip ${pip[1]}`
        : conda
          ? `%conda ${conda[1]}`
          : null;
      if (magic !== null) {
        if (!installs.includes(magic) && installs.length < 3) {
          installs.push(magic);
        }
      } else if (
        /^(?:python3?(?:\.\d+)?|py|ipython)\s/.test(command) &&
        /\s(?:\S+\.py|-c)(?:\s|$)/.test(command)
      ) {
        script = true;
      } else {
        other = true;
      }
    }
    const hints: string[] = [];
    if (installs.length > 0) {
      hints.push(
        `to install ${installs.length > 1 ? 'packages' : 'a package'}, use ${list(installs.map(code))} in a \`\`\`python block`
      );
    }
    if (script) {
      hints.push('to run a script, put its code in a ```python block');
    }
    if (other || hints.length === 0) {
      hints.push(
        `put ${hints.length > 0 ? 'other ' : ''}shell steps in Python (e.g. with os, shutil or subprocess) or drop them`
      );
    }
    return capitalize(hints.join('; ')) + '.';
  }

  export function outputNote(blocks: ICodeBlock[]): string {
    const subject =
      blocks.length === 1
        ? `The block starting ${opening(blocks[0])} looks like output, not code, and was not run.`
        : `The blocks starting ${list(blocks.map(opening))} look like output, not code, and were not run.`;
    return `${subject} Do not write out what the code prints: the real output comes back to you after the code runs.`;
  }

  export function otherNote(blocks: ICodeBlock[], after: boolean): string {
    const languages = Array.from(new Set(blocks.map(block => block.language)));
    const names = list(languages.map(language => '```' + language));
    const subject =
      blocks.length === 1
        ? `The ${names} block was not run`
        : languages.length === 1
          ? `The ${blocks.length} ${names} blocks were not run`
          : `The ${names} blocks were not run`;
    // After a note that said only Python runs, do not say it again.
    return after
      ? `${subject} either. Write those steps in Python, or drop them if they were only examples.`
      : `${subject}: only Python runs in this notebook. Write those steps in Python, or drop them if they were only examples.`;
  }

  /* ------------------------------------------------------------- fences */

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

  /** The block a fence holds; its code is '' when it holds nothing. */
  export function toBlock(fence: IFence, body: string[]): ICodeBlock {
    // Blank lines around the code are noise; indentation of the first line is not.
    let first = 0;
    while (first < body.length && body[first].trim() === '') {
      first++;
    }
    const code = body.slice(first).join('\n').trimEnd();
    if (fence.language !== '') {
      return {
        language: fence.language,
        code,
        runnable: PYTHON.has(fence.language)
      };
    }
    const kind = code === '' ? 'python' : classifyUntagged(code);
    return kind === 'python'
      ? { language: '', code, runnable: true }
      : { language: '', code, runnable: false, looksLike: kind };
  }
}
