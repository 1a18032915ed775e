/**
 * AutoGen's end-of-conversation signal. Models say TERMINATE, but they also
 * mention it ("Reply TERMINATE when done"), and a mention must not end a run.
 */
import { replyParts } from './codeBlocks';

/**
 * Whether a message says TERMINATE rather than mentions it. The upper-case
 * word counts when it ends its own sentence (only `.`, `!` and emphasis may
 * follow), outside code, quotes and block quotes, and nothing in that
 * sentence makes it a mention, a condition or a negation: `type`, `say`,
 * `reply`, `respond`, `write`, `enter`, `send`, `answer`, `word`, `keyword`,
 * `if`, `once`, `when`, `until`, `you`, `with TERMINATE`,
 * `or TERMINATE`, `not TERMINATE`. A line ending with `:` (or an unfinished
 * line just above) leads into a TERMINATE that starts its line.
 *
 * Said: `TERMINATE`, `**TERMINATE**.`, `All done. TERMINATE`,
 * `Decision: TERMINATE`, an untagged fence holding only TERMINATE.
 * Mentioned: `Reply TERMINATE if everything is done.`,
 * `Once you confirm, I will say TERMINATE.`, `respond with 'TERMINATE'`,
 * `` `TERMINATE` ``, `Reply with:` followed by a TERMINATE line.
 */
export function saysTerminate(text: string): boolean {
  const lines = Private.proseLines(text);
  return lines.some((line, i) => line !== null && Private.saidIn(lines, i));
}

namespace Private {
  /** The word in capitals; `_` may touch it (`__TERMINATE__`), letters may not. */
  const WORD = /(?<![A-Za-z0-9])TERMINATE(?![A-Za-z0-9])/g;

  /**
   * Prose lines with inline code blanked out. A fence is null, which no
   * lead-in crosses; an untagged fence holding only TERMINATE is a line of it.
   */
  export function proseLines(text: string): (string | null)[] {
    return replyParts(text).map(part => {
      if ('prose' in part) {
        return part.prose.replace(/(`+)[^`].*?\1/g, 'code');
      }
      return part.block.looksLike === 'terminate' ? 'TERMINATE' : null;
    });
  }

  export function saidIn(lines: (string | null)[], index: number): boolean {
    const line = lines[index]!;
    // A block quote repeats someone else's words.
    if (/^ {0,3}>/.test(line)) {
      return false;
    }
    for (const match of line.matchAll(WORD)) {
      if (said(lines, index, match.index)) {
        return true;
      }
    }
    return false;
  }

  /** Heading marks, list markers: not part of the sentence. */
  const PREFIX = /^\s*(?:#{1,6}\s+|[-*+•]\s+|\d+[.)]\s+)?/;

  const QUOTES = /["'“”‘’«»`]$/;

  /** Words that make a mention, a condition or an instruction of the sentence. */
  const MENTION =
    /\b(?:type[sd]?|typing|say|says|saying|said|reply|replies|replied|replying|respond|responds|responded|responding|write|writes|writing|wrote|written|enter|entering|send|sending|answer|answering|mention|mentions|mentioning|mentioned|word|keyword|signal|token|phrase|string|command|if|once|when|whenever|unless|until|you|your|yours)\b/i;

  /** `respond with TERMINATE`, `CONTINUE or TERMINATE`. */
  const JUST_BEFORE = /\b(?:with|or)[\s:*_]*$/i;

  /** `do not TERMINATE`, `don't TERMINATE yet`, `never TERMINATE`. */
  const NEGATION =
    /(?:\b(?:not|never|cannot|without)|n['’]t)(?:\s+[\w'’]+){0,2}[\s*_]*$/i;

  function said(lines: (string | null)[], index: number, at: number): boolean {
    const line = lines[index]!;
    const after = /^[*_]*([.!]*)[*_]*([.!]*)(.*)$/.exec(
      line.slice(at + 'TERMINATE'.length)
    )!;
    const rest = after[3];
    // More words may follow only after `.` or `!`: a new sentence.
    if (
      rest.trim() !== '' &&
      !(after[1] + after[2] !== '' && /^\s/.test(rest))
    ) {
      return false;
    }
    const head = line.slice(0, at);
    if (QUOTES.test(head.replace(/[*_]+$/, '')) || insideQuotes(head)) {
      return false;
    }
    const body = head.replace(PREFIX, '');
    const sentence =
      plain(body) === '' ? leadIn(lines, index) : lastSentence(body);
    const spoken = sentence.replace(/\bthank you\b/gi, '');
    return (
      !MENTION.test(spoken) &&
      !JUST_BEFORE.test(sentence) &&
      !NEGATION.test(sentence)
    );
  }

  /** An opening double quote not yet closed. */
  function insideQuotes(text: string): boolean {
    const straight = (text.match(/"/g) ?? []).length;
    const open = (text.match(/“/g) ?? []).length;
    const close = (text.match(/”/g) ?? []).length;
    return straight % 2 === 1 || open > close;
  }

  function plain(text: string): string {
    return text.replace(/[*_]/g, '').trim();
  }

  /** The sentence `text` ends with: after the last `.`, `!`, `?` or `;`. */
  function lastSentence(text: string): string {
    const boundary = /[.!?;][)\]"'”’*_]*\s+/g;
    let start = 0;
    for (const match of text.matchAll(boundary)) {
      start = match.index + match[0].length;
    }
    return text.slice(start);
  }

  /**
   * The sentence leading into a TERMINATE that starts its line: the line
   * above when it ends with `:` (`Reply with:`), or when it is plain prose
   * in the same paragraph that breaks off after a word or comma (a wrapped
   * line: `please reply` / `TERMINATE`).
   */
  function leadIn(lines: (string | null)[], index: number): string {
    let j = index - 1;
    let blank = false;
    while (j >= 0 && lines[j] !== null && lines[j]!.trim() === '') {
      blank = true;
      j--;
    }
    const previous = j >= 0 ? lines[j] : null;
    if (previous === null || /^ {0,3}>/.test(previous)) {
      return '';
    }
    const trimmed = previous.replace(/[\s*_]+$/, '');
    const wrapped =
      !blank &&
      !/^\s*(?:#|[-*+•]\s|\d+[.)]\s|\|)/.test(previous) &&
      /[A-Za-z,]$/.test(trimmed);
    return trimmed.endsWith(':') || wrapped
      ? lastSentence(previous.replace(PREFIX, ''))
      : '';
  }
}
