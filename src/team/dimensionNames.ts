/**
 * Which rubric dimension a label in a Critic's reply names: `Data
 * Transformation`, `visualization_type`, `**Bugs/Errors**`, `Bugs (1-10)`,
 * or a custom dimension's own words (`Axis labels`, `readability`).
 */
import type { IRubricDimension } from './rubric';

export class DimensionNames {
  constructor(rubric: IRubricDimension[]) {
    for (const dimension of rubric) {
      const naming = new Set<string>();
      const along = new Set<string>(COMPANIONS.get(dimension.name) ?? []);
      const phrase = words(dimension.name.replace(/_/g, ' '));
      const all = [
        ...phrase,
        ...words(dimension.label),
        ...(dimension.aliases ?? []).flatMap(words)
      ];
      // Filler words name a dimension only when it has no other word.
      const plain = all.filter(word => !FILLER.has(word));
      for (const word of all) {
        (plain.length === 0 || !FILLER.has(word) ? naming : along).add(word);
      }
      this._dimensions.push({
        name: dimension.name,
        phrase: phrase.join(' '),
        naming,
        along
      });
      this._longest = Math.max(this._longest, phrase.length + 1);
    }
  }

  /**
   * The dimension `label` names, or null. Every word must belong to that
   * dimension alone (or be filler such as `data`) and one word must name it; a label with a number outside
   * parentheses (`Bugs 8/10`) is not a label.
   */
  of(label: string): string | null {
    const bare = label
      .replace(/\([^()]*\)/g, ' ')
      .replace(/^\s*\d+[.)]\s+/, '');
    if (bare.length > 48 || /\d/.test(bare)) {
      return null;
    }
    const found = words(bare);
    const plain = found.filter(word => !FILLER.has(word));
    if (found.length === 0 || plain.length > this._longest) {
      return null;
    }
    const candidates = this._dimensions.filter(
      d =>
        found.some(word => d.naming.has(word)) &&
        found.every(
          word => d.naming.has(word) || d.along.has(word) || FILLER.has(word)
        )
    );
    if (candidates.length === 1) {
      return candidates[0].name;
    }
    // `Labels` among `labels` and `axis_labels` names the first.
    const exact = candidates.filter(d => d.phrase === plain.join(' '));
    return exact.length === 1 ? exact[0].name : null;
  }

  private _dimensions: {
    name: string;
    /** The words of its name, as the Critic's JSON key would read. */
    phrase: string;
    /** Words that name it alone. */
    naming: Set<string>;
    /** Words that may stand beside a naming word but do not name it. */
    along: Set<string>;
  }[] = [];
  private _longest = 3;
}

/** A label's lower-case words: `visualization_type`, `dataEncoding`, `Bugs/Errors`. */
function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim()
    .split(' ')
    .filter(word => word !== '');
}

/**
 * Words that may stand beside a dimension's name (`Bugs/Errors`) but do not
 * name it alone: `Errors: 3` is a count, not a score.
 */
const COMPANIONS = new Map<string, string[]>([['bugs', ['error', 'errors']]]);

/** Words that may surround a dimension's name in a label. */
const FILLER = new Set([
  'data',
  'visualization',
  'visualisation',
  'viz',
  'vis',
  'chart',
  'plot',
  'graph',
  'code',
  'goal',
  'score',
  'scores',
  'rating',
  'dimension',
  'criterion',
  'the',
  'of',
  'and',
  'for'
]);
