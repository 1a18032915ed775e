/**
 * The Critic's rubric: the dimensions it scores, what each judges and the
 * rule it must follow. LIDA's six by default; the settings may replace them,
 * and the Critic's system message, the parser, the scorecard and the
 * threshold all follow.
 */

/** One dimension the Critic scores from 1 to 10. */
export interface IRubricDimension {
  /** Its key in the Critic's JSON and in run records: `bugs`, `readability`. */
  name: string;
  /** What the scorecard shows. */
  label: string;
  /** The question the Critic answers for it. */
  judges: string;
  /** A hard rule on the score, e.g. "If ANY bug exists, the bugs score MUST be less than 5." */
  rule?: string;
  /** Other words a Critic may use for it (`bug`, `esthetics`). */
  aliases?: string[];
}

/** A dimension as a scored critique remembers it. */
export interface IDimensionLabel {
  name: string;
  label: string;
}

/** LIDA's evaluation dimensions, in the order the team shows them. */
export const DEFAULT_RUBRIC: IRubricDimension[] = [
  {
    name: 'bugs',
    label: 'Bugs',
    judges:
      'are there bugs, logic errors, syntax errors or typos? Are there any reasons why the code may fail to run? How should it be fixed?',
    rule: 'If ANY bug exists, the bugs score MUST be less than 5.',
    aliases: ['bug']
  },
  {
    name: 'transformation',
    label: 'Transformation',
    judges:
      'is the data transformed appropriately for the visualization type? E.g., is the dataset appropriately filtered, aggregated, or grouped if needed? If a date field is used, is it first converted to a date object?',
    aliases: ['transformations', 'transform']
  },
  {
    name: 'compliance',
    label: 'Compliance',
    judges: 'how well does the code meet the specified goals of the task?',
    aliases: ['compliant']
  },
  {
    name: 'type',
    label: 'Type',
    judges:
      'CONSIDERING BEST PRACTICES, is the visualization type appropriate for the data and intent? Is there a visualization type that would be more effective in conveying insights?',
    rule: 'If a different visualization type is more appropriate, the type score MUST BE LESS THAN 5.',
    aliases: ['types']
  },
  {
    name: 'encoding',
    label: 'Encoding',
    judges: 'is the data encoded appropriately for the visualization type?',
    aliases: ['encodings']
  },
  {
    name: 'aesthetics',
    label: 'Aesthetics',
    judges:
      'are the aesthetics of the visualization appropriate for the visualization type and the data?',
    aliases: ['aesthetic', 'esthetics']
  }
];

/** The most dimensions a rubric may have: each is a row on a 250 px scorecard. */
export const MAX_RUBRIC_DIMENSIONS = 10;

/** Where the Critic's system message puts the rubric and the JSON example. */
export const RUBRIC_PLACEHOLDER = '{rubric}';
export const EXAMPLE_PLACEHOLDER = '{example}';

export interface IRubricReading {
  rubric: IRubricDimension[];
  /** Why the setting cannot be used (the default stands in), or null. */
  problem: string | null;
}

/**
 * The rubric a setting describes, or the default with the reason when it
 * describes none: an empty list, a dimension without a name or question,
 * two dimensions with one name, or more than `MAX_RUBRIC_DIMENSIONS`.
 * A run does not start on a rubric with a problem: the user meant another.
 */
export function readRubric(value: unknown): IRubricReading {
  if (value === undefined || value === null) {
    return { rubric: DEFAULT_RUBRIC, problem: null };
  }
  const invalid = (problem: string): IRubricReading => ({
    rubric: DEFAULT_RUBRIC,
    problem
  });
  if (!Array.isArray(value) || value.length === 0) {
    return invalid('it lists no dimensions.');
  }
  if (value.length > MAX_RUBRIC_DIMENSIONS) {
    return invalid(
      `it lists ${value.length} dimensions; at most ${MAX_RUBRIC_DIMENSIONS} fit.`
    );
  }
  const rubric: IRubricDimension[] = [];
  for (const [index, item] of value.entries()) {
    const name = typeof item?.name === 'string' ? keyOf(item.name) : '';
    const judges = typeof item?.judges === 'string' ? item.judges.trim() : '';
    if (!name || !judges) {
      return invalid(`dimension ${index + 1} needs a name and what it judges.`);
    }
    if (rubric.some(dimension => dimension.name === name)) {
      return invalid(`it names "${name}" twice.`);
    }
    const label =
      typeof item.label === 'string' && item.label.trim()
        ? item.label.trim()
        : name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ');
    const rule = typeof item.rule === 'string' ? item.rule.trim() : '';
    const aliases = Array.isArray(item.aliases)
      ? item.aliases.filter(
          (alias: unknown): alias is string =>
            typeof alias === 'string' && alias.trim() !== ''
        )
      : [];
    rubric.push({
      name,
      label,
      judges,
      ...(rule ? { rule } : {}),
      ...(aliases.length > 0 ? { aliases } : {})
    });
  }
  return { rubric, problem: null };
}

/** The Critic's system message with the rubric and a JSON example in place. */
export function criticSystemMessage(
  template: string,
  rubric: IRubricDimension[]
): string {
  const lines = rubric
    .map(dimension => {
      const title =
        dimension.label.toLowerCase() === dimension.name.replace(/_/g, ' ')
          ? dimension.name
          : `${dimension.label} (${dimension.name})`;
      return `- ${title}: ${[dimension.judges, dimension.rule].filter(Boolean).join(' ')}`;
    })
    .join('\n');
  const example = `{${rubric
    .map((dimension, i) => `"${dimension.name}": ${[9, 8, 7][i % 3]}`)
    .join(', ')}}`;
  let message = template;
  if (!message.includes(RUBRIC_PLACEHOLDER)) {
    message += `\nScore these dimensions:\n${RUBRIC_PLACEHOLDER}`;
  }
  if (!message.includes(EXAMPLE_PLACEHOLDER)) {
    message += `\nEnd with a JSON object of the scores, for example:\n${EXAMPLE_PLACEHOLDER}`;
  }
  return message
    .split(RUBRIC_PLACEHOLDER)
    .join(lines)
    .split(EXAMPLE_PLACEHOLDER)
    .join(example);
}

/** The names and labels a critique keeps, so it reads the same after the settings change. */
export function dimensionLabels(rubric: IRubricDimension[]): IDimensionLabel[] {
  return rubric.map(({ name, label }) => ({ name, label }));
}

/** A dimension's name as a JSON key: lower-case words joined by `_`, since a label with digits reads as a score. */
function keyOf(name: string): string {
  return name
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
