/**
 * The words the sidebar shows for the team's structured state.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { formatScores } from '../team/critique';
import type { TeamRun } from '../team/teamRun';
import type { AgentName } from '../team/types';

export function agentLabel(agent: AgentName, trans: TranslationBundle): string {
  switch (agent) {
    case 'coder':
      return trans.__('Coder');
    case 'critic':
      return trans.__('Critic');
    case 'user_proxy':
      return trans.__('User proxy');
  }
}

/** "Coder writing…", "Running cell 2 of 3…": who is doing what. */
export function activityLabel(
  activity: TeamRun.IActivity,
  trans: TranslationBundle
): string {
  switch (activity.kind) {
    case 'checking-kernel':
      return trans.__('Checking the kernel…');
    case 'coder-writing':
      return trans.__('Coder writing…');
    case 'running-cell':
      return trans.__('Running cell %1 of %2…', activity.cell, activity.of);
    case 'critic-scoring':
      return trans.__('Critic scoring…');
    case 'idle':
      return '';
  }
}

export function endReasonLabel(
  summary: TeamRun.ISummary,
  trans: TranslationBundle
): string {
  switch (summary.reason) {
    case 'threshold':
      return trans.__('score threshold %1 met', summary.threshold);
    case 'terminate':
      return trans.__('an agent said TERMINATE');
    case 'max-rounds':
      return trans.__('max rounds reached');
    case 'revisions-used':
      return trans.__(
        'automatic revisions used up; press Rerun with critique to go on'
      );
    case 'fix-attempts':
      return trans.__('the code still failed after the allowed fixes');
    case 'no-code':
      return trans.__('the Coder wrote no Python code');
    case 'timeout':
      return trans.__(
        'a cell ran longer than %1 s; it may still be running, so interrupt the kernel to stop it',
        summary.executionTimeout
      );
    case 'stopped':
      return trans.__('stopped by you');
    case 'model-error':
    case 'kernel':
    case 'notebook':
      return summary.detail;
  }
}

/** The one-line summary a run ends with. */
export function summaryLine(
  summary: TeamRun.ISummary,
  trans: TranslationBundle
): string {
  const parts = [
    trans._n('Ended after %1 round', 'Ended after %1 rounds', summary.rounds)
  ];
  const critique = summary.critique;
  if (critique && critique.lowest !== null) {
    parts.push(
      trans.__(
        'lowest score %1 (%2)',
        critique.lowest,
        formatScores(critique.scores)
      )
    );
  }
  parts.push(endReasonLabel(summary, trans));
  parts.push(
    trans._n('%1 model call', '%1 model calls', summary.usage.modelCalls)
  );
  return parts.join(' · ');
}
