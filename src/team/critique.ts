/**
 * Reading the Critic's reply: a score from 1 to 10 on each dimension of the
 * rubric, rationales and a list of actions, from whatever mix of JSON and
 * markdown a model writes. A score is only ever one the Critic really gave.
 */
import { DimensionNames } from './dimensionNames';
import {
  DEFAULT_RUBRIC,
  dimensionLabels,
  type IDimensionLabel,
  type IRubricDimension
} from './rubric';
import { saysTerminate } from './terminate';

/** What the Critic said, as far as it could be read. */
export interface ICritique {
  /** The rubric's dimensions, in the order the team shows them. */
  dimensions: IDimensionLabel[];
  /** Scores from 1 to 10 the Critic gave, by dimension name; a dimension without a valid score is absent. */
  scores: Record<string, number>;
  rationales: Record<string, string>;
  /** What the Coder should do next, without bullets or numbers. */
  actions: string[];
  /** The lowest score given, or null when none was. */
  lowest: number | null;
  /** Dimensions without a valid score, in rubric order. */
  missing: string[];
  /** Whether the message says TERMINATE, not just mentions it (see `saysTerminate`). */
  terminate: boolean;
}

/**
 * Parse a Critic reply against a rubric. A JSON object or LIDA-style list
 * (fenced or bare, single-quoted, with comments or trailing commas) wins over
 * scores written in prose, markdown lists, headings or tables.
 */
export function parseCritique(
  text: string,
  rubric: IRubricDimension[] = DEFAULT_RUBRIC
): ICritique {
  const names = Private.namesOf(rubric);
  const normalized = text.replace(/\r\n?/g, '\n');
  const lines = Private.proseLines(normalized);
  const json = Private.fromJson(normalized, names);
  const prose = Private.fromProse(lines, names);

  const scores: Record<string, number> = {};
  const rationales: Record<string, string> = {};
  for (const { name } of rubric) {
    const score = json.scores[name] ?? prose.scores[name];
    if (score !== undefined) {
      scores[name] = score;
    }
    const rationale = json.rationales[name] ?? prose.rationales[name];
    if (rationale) {
      rationales[name] = rationale;
    }
  }
  const present = Object.values(scores);
  return {
    dimensions: dimensionLabels(rubric),
    scores,
    rationales,
    actions: json.actions.length > 0 ? json.actions : prose.actions,
    lowest: present.length > 0 ? Math.min(...present) : null,
    missing: rubric
      .map(({ name }) => name)
      .filter(name => scores[name] === undefined),
    terminate: saysTerminate(normalized)
  };
}

// Re-exported: the team asks the same question of the Coder's replies.
export { saysTerminate };

/**
 * The scores on one line, for summaries:
 * `bugs 9, transformation 8, compliance 7, type 9, encoding 8, aesthetics –`.
 */
export function formatScores(
  critique: Pick<ICritique, 'dimensions' | 'scores'>
): string {
  return critique.dimensions
    .map(({ name }) => `${name} ${critique.scores[name] ?? '–'}`)
    .join(', ');
}

namespace Private {
  export interface IFindings {
    scores: Record<string, number>;
    rationales: Record<string, string>;
    actions: string[];
  }

  function emptyFindings(): IFindings {
    return { scores: {}, rationales: {}, actions: [] };
  }

  /* ------------------------------------------------------------ scores */

  /** A score the Critic gave: 1 to 10, decimals kept; anything else is no score. */
  function validScore(value: number): number | null {
    return Number.isFinite(value) && value >= 1 && value <= 10 ? value : null;
  }

  interface ILeadingScore {
    /** The score, or null when one was written but is out of range. */
    score: number | null;
    /** The text after the score. */
    rest: string;
  }

  /**
   * A score at the start of `text`: `8`, `7.5`, `8/10`, `8 / 10`,
   * `8 out of 10`, `score: 7`, `**8**`. A bare number must not run into a word
   * (`2 errors`) or a range (`1-10`), which are not scores.
   */
  export function leadingScore(text: string): ILeadingScore | null {
    const match =
      /^[\s*_`]*(?:(?:score|rating)\s*(?:of|is|=|:)?[\s*_`]*)?([+-]?\d+(?:\.\d+)?)[*_`]*(?:\s*(?:\/|out\s+of)\s*(\d+(?:\.\d+)?))?[*_`]*/i.exec(
        text
      );
    if (!match) {
      return null;
    }
    const rest = text.slice(match[0].length);
    const value = parseFloat(match[1]);
    if (match[2] !== undefined) {
      return {
        score: parseFloat(match[2]) === 10 ? validScore(value) : null,
        rest
      };
    }
    if (/^\s*(?:[-–—]|to\b)\s*\d/i.test(rest)) {
      return null;
    }
    if (!/^\s*(?:$|[.,;:!?)\]|(–—-])/.test(rest)) {
      return null;
    }
    return { score: validScore(value), rest };
  }

  /** A score anywhere in a line of prose: `… score: 7`, `… (8/10)`. */
  function scoreInText(text: string): number | null | undefined {
    const labelled =
      /\b(?:score|rating)\s*(?:of|is|=|:)?\s*\**\s*([+-]?\d+(?:\.\d+)?)(?:\s*(?:\/|out\s+of)\s*(\d+))?/i.exec(
        text
      );
    const match =
      labelled ??
      /(?:^|[\s(])([+-]?\d+(?:\.\d+)?)\s*(?:\/|out\s+of)\s*(10)\b/i.exec(text);
    if (!match) {
      return undefined;
    }
    if (match[2] !== undefined && parseFloat(match[2]) !== 10) {
      return null;
    }
    return validScore(parseFloat(match[1]));
  }

  /** A score from a JSON value: a number, or a string such as `"8/10"`. */
  function scoreOf(value: unknown): number | null {
    if (typeof value === 'number') {
      return validScore(value);
    }
    if (typeof value === 'string') {
      const found = leadingScore(value.trim());
      return found ? found.score : null;
    }
    return null;
  }

  /* -------------------------------------------------------- dimensions */

  const NAMES = new WeakMap<IRubricDimension[], DimensionNames>();

  /** The label reader of a rubric, built once per rubric. */
  export function namesOf(rubric: IRubricDimension[]): DimensionNames {
    let names = NAMES.get(rubric);
    if (!names) {
      names = new DimensionNames(rubric);
      NAMES.set(rubric, names);
    }
    return names;
  }

  /* -------------------------------------------------------------- JSON */

  type JsonValue =
    | string
    | number
    | boolean
    | null
    | JsonValue[]
    | { [key: string]: JsonValue };

  /**
   * Scores from every JSON object or list in the text. A later object
   * overrides an earlier one, since a model's final answer comes last.
   */
  export function fromJson(text: string, names: DimensionNames): IFindings {
    const findings = emptyFindings();
    let attempts = 0;
    for (let i = 0; i < text.length && attempts < 400; i++) {
      const char = text[i];
      if (char !== '{' && char !== '[') {
        continue;
      }
      attempts++;
      const parser = new LenientJson(text, i);
      const value = parser.parse();
      if (value === undefined) {
        continue;
      }
      const found = emptyFindings();
      walk(value, found, 0, names);
      const useful =
        Object.keys(found.scores).length > 0 ||
        Object.keys(found.rationales).length > 0 ||
        found.actions.length > 0;
      if (!useful) {
        // A brace in prose may have swallowed the text after it; look on.
        continue;
      }
      Object.assign(findings.scores, found.scores);
      Object.assign(findings.rationales, found.rationales);
      if (found.actions.length > 0) {
        findings.actions = found.actions;
      }
      i = parser.pos - 1;
    }
    return findings;
  }

  const NAME_KEYS = [
    'dimension',
    'name',
    'criterion',
    'criteria',
    'category',
    'aspect',
    'metric'
  ];
  const SCORE_KEYS = ['score', 'rating', 'value', 'points', 'grade'];
  const RATIONALE_KEYS = [
    'rationale',
    'reason',
    'reasoning',
    'explanation',
    'justification',
    'comment',
    'comments',
    'feedback'
  ];
  const RATIONALE_WORD = /rationale|reason|explanation|justification|comment/i;
  const ACTIONS_WORD = /action|suggestion|recommendation|improvement/i;

  function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /** Look a key up case-insensitively. */
  function field(
    object: { [key: string]: JsonValue },
    keys: string[]
  ): JsonValue | undefined {
    for (const [key, value] of Object.entries(object)) {
      if (keys.includes(key.toLowerCase().trim())) {
        return value;
      }
    }
    return undefined;
  }

  function setScore(
    findings: IFindings,
    dimension: string,
    value: JsonValue | undefined
  ): void {
    const score = scoreOf(value);
    if (score !== null && findings.scores[dimension] === undefined) {
      findings.scores[dimension] = score;
    }
  }

  function setRationale(
    findings: IFindings,
    dimension: string,
    value: JsonValue | undefined
  ): void {
    if (
      typeof value === 'string' &&
      value.trim() !== '' &&
      findings.rationales[dimension] === undefined
    ) {
      findings.rationales[dimension] = value.trim();
    }
  }

  function walk(
    value: JsonValue,
    findings: IFindings,
    depth: number,
    names: DimensionNames
  ): void {
    if (depth > 8) {
      return;
    }
    if (Array.isArray(value)) {
      value.forEach(item => walk(item, findings, depth + 1, names));
      return;
    }
    if (!isObject(value)) {
      return;
    }
    // LIDA's shape: {"dimension": "bugs", "score": 4, "rationale": "..."}
    const name = field(value, NAME_KEYS);
    const named = typeof name === 'string' ? names.of(name) : null;
    if (named) {
      setScore(findings, named, field(value, SCORE_KEYS));
      setRationale(findings, named, field(value, RATIONALE_KEYS));
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if (ACTIONS_WORD.test(key)) {
        const actions = actionsOf(item);
        if (actions.length > 0) {
          findings.actions = actions;
        }
        continue;
      }
      if (RATIONALE_WORD.test(key)) {
        // {"bugs_rationale": "..."} or {"rationales": {"bugs": "..."}}
        const dimension = names.of(key.replace(RATIONALE_WORD, ' '));
        if (dimension) {
          setRationale(findings, dimension, item);
        } else if (isObject(item)) {
          for (const [inner, text] of Object.entries(item)) {
            const innerDimension = names.of(inner);
            if (innerDimension) {
              setRationale(findings, innerDimension, text);
            }
          }
        }
        continue;
      }
      const dimension = names.of(key);
      if (dimension) {
        readDimension(findings, dimension, item);
      } else if (typeof item === 'object' && item !== null) {
        walk(item, findings, depth + 1, names);
      }
    }
  }

  /** The value under a dimension's key: `8`, `"8/10"`, `{score, rationale}`, `[8, "why"]`. */
  function readDimension(
    findings: IFindings,
    dimension: string,
    value: JsonValue
  ): void {
    if (isObject(value)) {
      setScore(findings, dimension, field(value, SCORE_KEYS));
      setRationale(findings, dimension, field(value, RATIONALE_KEYS));
    } else if (Array.isArray(value)) {
      for (const item of value) {
        if (scoreOf(item) !== null) {
          setScore(findings, dimension, item);
        } else {
          setRationale(findings, dimension, item);
        }
      }
    } else {
      setScore(findings, dimension, value);
    }
  }

  function actionsOf(value: JsonValue): string[] {
    const items: JsonValue[] = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split('\n')
        : [];
    const actions: string[] = [];
    for (const item of items) {
      let text: JsonValue | undefined = item;
      if (isObject(item)) {
        text =
          field(item, ['action', 'description', 'text', 'step', 'task']) ??
          Object.values(item).find(inner => typeof inner === 'string');
      }
      if (typeof text === 'string') {
        const cleaned = cleanAction(text);
        if (cleaned) {
          actions.push(cleaned);
        }
      }
    }
    return actions;
  }

  /** JSON and Python literals. */
  const LITERALS = new Map<string, JsonValue>([
    ['true', true],
    ['false', false],
    ['null', null],
    ['none', null]
  ]);

  /**
   * A forgiving JSON reader for what models write: single quotes, unquoted
   * keys, comments, trailing or missing commas, Python literals, `8/10` as a
   * value, prose after the value, and a value cut off at the end of the text.
   */
  class LenientJson {
    constructor(
      private readonly text: string,
      public pos: number
    ) {}

    /** The value starting at `pos`, or undefined when there is none. */
    parse(): JsonValue | undefined {
      try {
        return this.value(0);
      } catch {
        return undefined;
      }
    }

    private fail(): never {
      throw new Error('Not JSON');
    }

    private get atEnd(): boolean {
      return this.pos >= this.text.length;
    }

    private skipSpace(): void {
      const text = this.text;
      while (!this.atEnd) {
        const char = text[this.pos];
        if (/\s/.test(char)) {
          this.pos++;
        } else if (char === '#' || text.startsWith('//', this.pos)) {
          const end = text.indexOf('\n', this.pos);
          this.pos = end < 0 ? text.length : end + 1;
        } else if (text.startsWith('/*', this.pos)) {
          const end = text.indexOf('*/', this.pos + 2);
          this.pos = end < 0 ? text.length : end + 2;
        } else {
          return;
        }
      }
    }

    private value(depth: number): JsonValue {
      if (depth > 32) {
        this.fail();
      }
      this.skipSpace();
      const char = this.text[this.pos];
      if (char === '{') {
        return this.object(depth);
      }
      if (char === '[') {
        return this.array(depth);
      }
      if (char === '"' || char === "'") {
        return this.string(char);
      }
      if (char !== undefined && /[-+.\d]/.test(char)) {
        return this.number();
      }
      return this.literal();
    }

    private object(depth: number): JsonValue {
      const result: { [key: string]: JsonValue } = {};
      this.pos++;
      for (;;) {
        this.skipSpace();
        if (this.atEnd) {
          return result;
        }
        const char = this.text[this.pos];
        if (char === '}') {
          this.pos++;
          return result;
        }
        if (char === ',') {
          this.pos++;
          continue;
        }
        const key = this.key();
        this.skipSpace();
        if (this.atEnd) {
          return result;
        }
        if (this.text[this.pos] !== ':') {
          this.fail();
        }
        this.pos++;
        this.skipSpace();
        if (this.atEnd) {
          return result;
        }
        const value = this.value(depth + 1);
        if (key !== '__proto__') {
          result[key] = value;
        }
      }
    }

    private array(depth: number): JsonValue {
      const result: JsonValue[] = [];
      this.pos++;
      for (;;) {
        this.skipSpace();
        if (this.atEnd) {
          return result;
        }
        const char = this.text[this.pos];
        if (char === ']') {
          this.pos++;
          return result;
        }
        if (char === ',') {
          this.pos++;
          continue;
        }
        result.push(this.value(depth + 1));
      }
    }

    private key(): string {
      const char = this.text[this.pos];
      if (char === '"' || char === "'") {
        return this.string(char);
      }
      const match = /^[A-Za-z_][\w -]*/.exec(this.text.slice(this.pos));
      if (!match) {
        this.fail();
      }
      this.pos += match[0].length;
      return match[0].trim();
    }

    private string(quote: string): string {
      const text = this.text;
      let result = '';
      this.pos++;
      while (!this.atEnd) {
        const char = text[this.pos];
        if (char === '\\') {
          const next = text[this.pos + 1] ?? '';
          const hex = text.slice(this.pos + 2, this.pos + 6);
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
            result += String.fromCharCode(parseInt(hex, 16));
            this.pos += 6;
            continue;
          }
          const escapes: { [c: string]: string } = {
            n: '\n',
            t: '\t',
            r: '\r',
            b: '\b',
            f: '\f'
          };
          result += escapes[next] ?? next;
          this.pos += 2;
          continue;
        }
        if (char === quote && this.closesString()) {
          this.pos++;
          return result;
        }
        result += char;
        this.pos++;
      }
      return result;
    }

    /**
     * Whether the quote at `pos` ends the string. A quote followed by more
     * words is an apostrophe or an inner quote (`'it's'`, `"the "hp" column"`).
     */
    private closesString(): boolean {
      // `.` stops at a line break, so a quote ending its line closes.
      const after = /^[ \t]*(.?)(.?)/.exec(
        this.text.slice(this.pos + 1, this.pos + 64)
      );
      const next = after ? after[1] : '';
      const second = after ? after[2] : '';
      return (
        next === '' ||
        ',:}]#'.includes(next) ||
        (next === '/' && second !== '' && '/*'.includes(second))
      );
    }

    private number(): JsonValue {
      const rest = this.text.slice(this.pos, this.pos + 64);
      const match =
        /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(\s*(?:\/|out of)\s*\d+(?:\.\d+)?)?/.exec(
          rest
        );
      if (!match) {
        this.fail();
      }
      this.pos += match[0].length;
      // Keep `8/10` whole so the score reader can check the scale.
      return match[1] ? match[0] : parseFloat(match[0]);
    }

    private literal(): JsonValue {
      const match = /^[A-Za-z]+/.exec(this.text.slice(this.pos, this.pos + 16));
      const word = match ? match[0].toLowerCase() : '';
      const value = LITERALS.get(word);
      if (value === undefined) {
        this.fail();
      }
      this.pos += word.length;
      return value;
    }
  }

  /* ------------------------------------------------------------- prose */

  interface IProseLine {
    text: string;
    /** Inside a fence of a programming language: never scores. */
    code: boolean;
  }

  /** The lines of the text, with code fences marked so prose rules skip them. */
  export function proseLines(text: string): IProseLine[] {
    const result: IProseLine[] = [];
    let fence: { char: string; length: number; code: boolean } | null = null;
    for (const line of text.split('\n')) {
      const marker = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)([^`]*)$/.exec(line);
      if (fence === null && marker) {
        const language = marker[2].toLowerCase();
        fence = {
          char: marker[1][0],
          length: marker[1].length,
          code: ![
            '',
            'json',
            'json5',
            'jsonc',
            'text',
            'markdown',
            'md'
          ].includes(language)
        };
        result.push({ text: '', code: true });
        continue;
      }
      if (
        fence !== null &&
        marker &&
        marker[1][0] === fence.char &&
        marker[1].length >= fence.length &&
        marker[2] === '' &&
        marker[3].trim() === ''
      ) {
        fence = null;
        result.push({ text: '', code: true });
        continue;
      }
      result.push({ text: line, code: fence !== null && fence.code });
    }
    return result;
  }

  /** Remove heading marks, bullets, numbering, quotes and emphasis from a line. */
  function cleanLine(line: string): string {
    return line
      .trim()
      .replace(/^>\s*/, '')
      .replace(/^#{1,6}\s*/, '')
      .replace(/^(?:[-*+•]\s+|\d+[.)]\s+)/, '')
      .replace(/\*\*|__/g, '')
      .replace(/^\*(.*)\*$/, '$1')
      .replace(/^["'`]|["'`](?=\s*[:=])/g, '')
      .trim();
  }

  function cleanRationale(text: string): string {
    return text
      .replace(/^[\s)\]:.,;|–—-]+/, '')
      .replace(/[\s,;|]+$/, '')
      .trim();
  }

  interface IDimensionLine {
    dimension: string;
    /** undefined: the line gives no score; null: it gives one out of range. */
    score: number | null | undefined;
    rationale: string;
  }

  /**
   * A line naming a dimension: `Bugs: 9/10 – no errors`,
   * `Aesthetics (6/10): …`, `Transformation — 8`, `Type`, `Bugs 8/10`.
   */
  function dimensionLine(
    line: string,
    names: DimensionNames
  ): IDimensionLine | null {
    const separators = /\s*(?::|=|[-–—]+)\s*/g;
    let match: RegExpExecArray | null;
    while ((match = separators.exec(line)) !== null && match.index < 60) {
      const label = line.slice(0, match.index);
      // A separator inside parentheses, as in `Bugs (1-10)`, ends no label.
      if (count(label, '(') !== count(label, ')')) {
        continue;
      }
      const found = labelled(
        label,
        line.slice(match.index + match[0].length),
        names
      );
      if (found) {
        return found;
      }
    }
    // No separator: `Aesthetics (6/10)`, `Bugs 8/10`, or a bare heading `Type`.
    const whole = labelled(line, '', names);
    if (whole && whole.score !== undefined) {
      return whole;
    }
    const spaced = /^(.{1,48}?)\s+(?=[+-]?\d)(.*)$/.exec(line);
    if (spaced) {
      const found = labelled(spaced[1], spaced[2], names);
      if (found && found.score !== undefined) {
        return found;
      }
    }
    return whole;
  }

  function count(text: string, char: string): number {
    return text.split(char).length - 1;
  }

  function labelled(
    label: string,
    rest: string,
    names: DimensionNames
  ): IDimensionLine | null {
    let name = label.trim();
    let inParens: ILeadingScore | null = null;
    const parens = /\(([^()]*)\)\s*$/.exec(name);
    if (parens) {
      inParens = leadingScore(parens[1]);
      name = name.slice(0, parens.index);
    }
    const dimension = names.of(name);
    if (!dimension) {
      return null;
    }
    if (inParens) {
      return {
        dimension,
        score: inParens.score,
        rationale: cleanRationale(rest)
      };
    }
    const leading = leadingScore(rest);
    if (leading) {
      return {
        dimension,
        score: leading.score,
        rationale: cleanRationale(leading.rest)
      };
    }
    return {
      dimension,
      score: scoreInText(rest),
      rationale: cleanRationale(rest)
    };
  }

  /** A line that only gives a score, under a dimension heading: `Score: 7`, `**7/10**`. */
  function scoreLine(line: string): ILeadingScore | null {
    const labelledScore =
      /^(?:score|rating)\b\s*(?:of|is|=|:|[-–—])?\s*(.*)$/i.exec(line);
    if (labelledScore) {
      return leadingScore(labelledScore[1]);
    }
    const bare = leadingScore(line);
    return bare && (/^\s*$/.test(bare.rest) || /\/|out\s+of/i.test(line))
      ? bare
      : null;
  }

  function tableCells(line: string): string[] | null {
    const trimmed = line.trim();
    if (!trimmed.startsWith('|') && (trimmed.match(/\|/g) ?? []).length < 2) {
      return null;
    }
    return trimmed
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map(cell => cell.replace(/\*\*|__|`/g, '').trim());
  }

  /** Scores written as text: lines, headings with a score below, tables. */
  export function fromProse(
    lines: IProseLine[],
    names: DimensionNames
  ): IFindings {
    const findings = emptyFindings();
    const actionLines = new Set<number>();
    findings.actions = actionsFromProse(lines, actionLines);

    const set = (
      dimension: string,
      score: number | null | undefined,
      rationale: string
    ): void => {
      if (findings.scores[dimension] !== undefined) {
        return;
      }
      if (score !== null && score !== undefined) {
        findings.scores[dimension] = score;
      }
      if (rationale && findings.rationales[dimension] === undefined) {
        findings.rationales[dimension] = rationale;
      }
    };

    // A dimension named on a line without a score, awaiting `Score: 7` below.
    let pending: {
      dimension: string;
      rationale: string;
      score: number | null | undefined;
      age: number;
    } | null = null;
    const settle = (): void => {
      if (pending && pending.score !== undefined) {
        set(pending.dimension, pending.score, pending.rationale);
      }
      pending = null;
    };
    // Dimensions named by a table's header row, when scores are its next row.
    let columns: (string | null)[] | null = null;

    lines.forEach((line, index) => {
      if (line.code || actionLines.has(index)) {
        settle();
        return;
      }
      const cells = tableCells(line.text);
      if (cells) {
        settle();
        if (cells.every(cell => /^:?-*:?$/.test(cell))) {
          return;
        }
        columns = tableRow(cells, columns, set, names);
        return;
      }
      columns = null;
      const text = cleanLine(line.text);
      if (text === '') {
        return;
      }
      const named = dimensionLine(text, names);
      if (named) {
        settle();
        if (named.score !== undefined) {
          set(named.dimension, named.score, named.rationale);
        } else {
          pending = { ...named, age: 0 };
        }
        return;
      }
      if (pending === null) {
        return;
      }
      if (/^#/.test(line.text.trim()) || ++pending.age > 6) {
        settle();
        return;
      }
      const score = pending.score === undefined ? scoreLine(text) : null;
      if (score) {
        pending.score = score.score;
        const after = cleanRationale(score.rest);
        pending.rationale = pending.rationale || after;
        return;
      }
      const explicit =
        /^(?:rationale|reason|explanation|justification)\s*[:\-–—]\s*(.+)$/i.exec(
          text
        );
      if (explicit) {
        pending.rationale = cleanRationale(explicit[1]);
      } else if (!pending.rationale) {
        pending.rationale = cleanRationale(text);
      }
    });
    settle();
    return findings;
  }

  /**
   * One table row. Either `| Bugs | 8 | why |`, or a header row naming
   * dimensions whose scores come in the next row; returns that header.
   */
  function tableRow(
    cells: string[],
    columns: (string | null)[] | null,
    set: (dimension: string, score: number | null, rationale: string) => void,
    names: DimensionNames
  ): (string | null)[] | null {
    if (columns) {
      cells.forEach((cell, i) => {
        const dimension = columns[i];
        const score = dimension ? leadingScore(cell) : null;
        if (dimension && score) {
          set(dimension, score.score, '');
        }
      });
      return null;
    }
    const dimensions = cells.map(cell => names.of(cell));
    if (
      dimensions.filter(dimension => dimension !== null).length >= 2 &&
      cells.every(cell => leadingScore(cell) === null)
    ) {
      return dimensions;
    }
    const at = dimensions.findIndex(dimension => dimension !== null);
    if (at < 0) {
      return null;
    }
    for (let i = at + 1; i < cells.length; i++) {
      const score = leadingScore(cells[i]);
      if (score) {
        const rationale = cells
          .slice(i + 1)
          .map(cleanRationale)
          .find(cell => cell !== '' && leadingScore(cell) === null);
        set(dimensions[at]!, score.score, rationale ?? '');
        break;
      }
    }
    return null;
  }

  /* ----------------------------------------------------------- actions */

  const BULLET = /^\s*(?:[-*+•]|\d+[.)])\s+(.*)$/;

  /** Headings a list of actions goes under; the second kind only when there is no first. */
  const ACTION_HEADINGS = [
    /\bactions?\b/i,
    /\b(?:recommendations?|suggestions|improvements|next steps|to-?do)\b/i
  ];

  function isActionsHeading(
    raw: string,
    word: RegExp
  ): { after: string } | null {
    const trimmed = raw.trim();
    if (/^(?:[-+•]|\*(?!\*))\s/.test(trimmed)) {
      return null;
    }
    const plain = trimmed
      .replace(/^#{1,6}\s*/, '')
      .replace(/^\d+[.)]\s*/, '')
      .replace(/\*\*|__/g, '')
      .trim();
    const colon = plain.indexOf(':');
    const head = (colon < 0 ? plain : plain.slice(0, colon)).trim();
    const after = colon < 0 ? '' : plain.slice(colon + 1).trim();
    if (
      !word.test(head) ||
      head.length > 60 ||
      head.split(/\s+/).length > 8 ||
      /[.!?]$/.test(head)
    ) {
      return null;
    }
    return { after };
  }

  export function cleanAction(text: string): string {
    const cleaned = text
      .trim()
      .replace(/^(?:[-*+•]\s+|\d+[.)]\s+)/, '')
      .replace(/^\[[ xX]?\]\s*/, '')
      .replace(/\*\*|__/g, '')
      .trim();
    return /^(?:TERMINATE|none\.?|n\/a)$/i.test(cleaned) ? '' : cleaned;
  }

  /** The list under the first heading that mentions actions. */
  function actionsFromProse(lines: IProseLine[], used: Set<number>): string[] {
    for (const word of ACTION_HEADINGS) {
      const actions = actionsUnder(lines, word, used);
      if (actions.length > 0) {
        return actions;
      }
    }
    return [];
  }

  function actionsUnder(
    lines: IProseLine[],
    word: RegExp,
    used: Set<number>
  ): string[] {
    for (let i = 0; i < lines.length; i++) {
      const heading = lines[i].code
        ? null
        : isActionsHeading(lines[i].text, word);
      if (!heading) {
        continue;
      }
      const actions: string[] = [];
      const indices = [i];
      for (let j = i + 1; j < lines.length && !lines[j].code; j++) {
        const text = lines[j].text;
        if (text.trim() === '') {
          continue;
        }
        const bullet = BULLET.exec(text);
        if (bullet) {
          const cleaned = cleanAction(bullet[1]);
          if (cleaned) {
            actions.push(cleaned);
          }
          indices.push(j);
        } else if (
          actions.length > 0 &&
          /^\s{2,}\S/.test(text) &&
          !/^\s*[#|{[]/.test(text)
        ) {
          // An item wrapped onto an indented next line.
          actions[actions.length - 1] += ' ' + cleanAction(text);
          indices.push(j);
        } else {
          break;
        }
      }
      if (actions.length === 0 && heading.after) {
        actions.push(
          ...heading.after.split(/;\s*/).map(cleanAction).filter(Boolean)
        );
      }
      if (actions.length > 0) {
        indices.forEach(index => used.add(index));
        return actions;
      }
    }
    return [];
  }
}
