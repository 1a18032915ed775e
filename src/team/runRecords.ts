/**
 * Run records as a notebook keeps them: compact, within a size budget that
 * drops the oldest detail first, and checked when read back.
 */
import { truncateMiddle } from './outputs';
import { DEFAULT_RUBRIC, dimensionLabels } from './rubric';
import type { TeamRun } from './teamRun';

/** The most characters of run records one notebook keeps. */
export const RECORDS_BUDGET_CHARS = 200_000;

/** The longest message text kept; longer keeps its head and tail. */
const MAX_MESSAGE_CHARS = 4000;

/** The longest cell output kept in a record. */
const MAX_OUTPUT_CHARS = 1500;

/**
 * Records that fit `budget` characters of JSON: long texts cut to head and
 * tail, then the oldest rounds' plots dropped, then the oldest runs' messages
 * thinned, then the oldest runs dropped. The newest run is always kept, in
 * its compact form. A run's latest plot is never duplicated: its cells hold it.
 */
export function compactRecords(
  records: TeamRun.IRecord[],
  budget = RECORDS_BUDGET_CHARS
): TeamRun.IRecord[] {
  const compact = records.map(compactRecord);
  const size = () => JSON.stringify(compact).length;
  for (const [run, index] of plotsOldestFirst(compact)) {
    if (size() <= budget) {
      break;
    }
    compact[run] = withoutPlot(compact[run], index);
  }
  for (let i = 0; i < compact.length - 1 && size() > budget; i++) {
    compact[i] = thinned(compact[i]);
  }
  while (compact.length > 1 && size() > budget) {
    compact.shift();
  }
  return compact;
}

/** The records in a notebook's metadata value, or none when it is not ours. */
export function parseRecords(value: unknown): TeamRun.IRecord[] {
  const runs = (value as { runs?: unknown } | null | undefined)?.runs;
  if (!Array.isArray(runs)) {
    return [];
  }
  return runs
    .filter(
      (run): run is TeamRun.IRecord =>
        typeof run === 'object' &&
        run !== null &&
        run.version === 1 &&
        typeof run.id === 'string' &&
        typeof run.task === 'string' &&
        Array.isArray(run.messages) &&
        Array.isArray(run.cells)
    )
    .map(withDimensions);
}

/** Critiques recorded before the rubric could change were scored on the six defaults. */
function withDimensions(record: TeamRun.IRecord): TeamRun.IRecord {
  const known = <T extends { dimensions?: unknown } | null | undefined>(
    critique: T
  ): T =>
    critique && !Array.isArray(critique.dimensions)
      ? { ...critique, dimensions: dimensionLabels(DEFAULT_RUBRIC) }
      : critique;
  return {
    ...record,
    latestCritique: known(record.latestCritique),
    messages: record.messages.map(message => ({
      ...message,
      critique: known(message.critique),
      previousCritique: known(message.previousCritique)
    }))
  };
}

function compactRecord(record: TeamRun.IRecord): TeamRun.IRecord {
  const critique = record.latestCritique;
  const latestScored = record.messages.map(m => !!m.scored).lastIndexOf(true);
  return {
    ...record,
    latestCritique: critique && {
      ...critique,
      text: truncateMiddle(critique.text, MAX_MESSAGE_CHARS)
    },
    cells: record.cells.map(cell => ({
      ...cell,
      output: truncateMiddle(cell.output, MAX_OUTPUT_CHARS)
    })),
    messages: record.messages.map((message, i) => ({
      ...message,
      text: truncateMiddle(message.text, MAX_MESSAGE_CHARS),
      scored: message.scored && {
        ...message.scored,
        plot: i === latestScored ? null : message.scored.plot
      },
      cells: message.cells?.map(report => ({
        ...report,
        output: truncateMiddle(report.output, MAX_OUTPUT_CHARS)
      })),
      critique: message.critique && {
        ...message.critique,
        text: ''
      },
      previousCritique: message.previousCritique && {
        ...message.previousCritique,
        text: ''
      }
    }))
  };
}

/** [run, message] positions of kept plots, oldest run and round first. */
function plotsOldestFirst(records: TeamRun.IRecord[]): [number, number][] {
  return records.flatMap((record, run) =>
    record.messages.flatMap((message, index): [number, number][] =>
      message.scored?.plot ? [[run, index]] : []
    )
  );
}

function withoutPlot(record: TeamRun.IRecord, index: number): TeamRun.IRecord {
  const messages = [...record.messages];
  const message = messages[index];
  messages[index] = {
    ...message,
    scored: message.scored && { ...message.scored, plot: null }
  };
  return { ...record, messages };
}

/** An older run reduced to its outline: who said what kind of thing, the scores, the summaries. */
function thinned(record: TeamRun.IRecord): TeamRun.IRecord {
  return {
    ...record,
    messages: record.messages.map(message => ({
      ...message,
      text: message.kind === 'task' ? message.text : '',
      cells: message.cells?.map(report => ({ ...report, output: '' }))
    }))
  };
}
