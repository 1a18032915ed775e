/**
 * Where a notebook keeps its runs: its metadata under `agent_team`, so a
 * reload, or the notebook opened on another machine, brings them back.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { PartialJSONValue } from '@lumino/coreutils';

import { compactRecords, parseRecords } from '../team/runRecords';
import type { TeamRun } from '../team/teamRun';

export const RUNS_METADATA_KEY = 'agent_team';

/** The run records the notebook holds (none when it holds none of ours). */
export function readRunRecords(panel: NotebookPanel): TeamRun.IRecord[] {
  return parseRecords(panel.content.model?.getMetadata(RUNS_METADATA_KEY));
}

/** Keep these runs in the notebook, compacted to its budget. */
export function writeRunRecords(
  panel: NotebookPanel,
  records: TeamRun.IRecord[]
): void {
  const model = panel.content.model;
  if (panel.isDisposed || !model) {
    return;
  }
  // Records are plain JSON; their interfaces just do not say so.
  const value = {
    runs: compactRecords(records)
  } as unknown as PartialJSONValue;
  model.setMetadata(RUNS_METADATA_KEY, value);
}
