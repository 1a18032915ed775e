/**
 * The words the sidebar shows for the team's structured state.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ConnectionState } from '../llm/endpoints';
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
    case 'planner':
      return trans.__('Planner');
    case 'agent':
      return trans.__('Agent');
    case 'manager':
      return trans.__('Speaker selector');
  }
}

/** A model endpoint's state in a word or two, for its badge. */
export function connectionStateLabel(
  state: ConnectionState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'checking':
      return trans.__('checking…');
    case 'connected':
      return trans.__('connected');
    case 'unreachable':
      return trans.__('unreachable');
    case 'unauthorised':
      return trans.__('unauthorised');
    case 'no-models':
      return trans.__('no models');
    case 'error':
      return trans.__('error');
    case 'unknown':
      return trans.__('not checked');
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
    case 'agent-writing':
      return trans.__('%1 writing…', activity.name);
    case 'selecting-speaker':
      return trans.__('Choosing who speaks next…');
    case 'awaiting-approval':
      return trans.__('Waiting for you: Run or Skip the draft');
    case 'waiting-for-kernel':
      return trans.__('Waiting for your running cell to finish…');
    case 'running-cell':
      return trans.__('Running cell %1 of %2…', activity.cell, activity.of);
    case 'interrupting':
      return trans.__('Interrupting the kernel…');
    case 'retrying':
      return trans.__(
        '%1 rate-limited or failing: retrying in %2 s (attempt %3 of %4)…',
        agentLabel(activity.agent, trans),
        activity.seconds,
        activity.attempt,
        activity.of
      );
    case 'critic-scoring':
      return trans.__('Critic scoring…');
    case 'reproducing':
      return trans.__('Running the cells in a fresh kernel…');
    case 'awaiting-feedback':
      return trans.__('Waiting for you: send feedback or close the run');
    case 'idle':
      return '';
  }
}

/** What the check in a fresh kernel found, in a sentence. */
export function reproduceLabel(
  check: TeamRun.IReproduceCheck,
  trans: TranslationBundle
): string {
  switch (check.status) {
    case 'ok':
      return trans._n(
        'Reproduces from a clean kernel: cell %1 ran without error in a fresh %2 kernel.',
        'Reproduces from a clean kernel: cells 1–%1 ran without error in a fresh %2 kernel.',
        check.cells,
        check.kernel
      );
    case 'error':
      return trans.__(
        'Does not reproduce from a clean kernel: cell %1 failed in a fresh %2 kernel.',
        check.failedCell ?? '?',
        check.kernel
      );
    case 'timeout':
      return trans.__(
        'Not confirmed from a clean kernel: cell %1 ran longer than %2 s in a fresh %3 kernel, so the check stopped.',
        check.failedCell ?? '?',
        check.seconds,
        check.kernel
      );
    case 'unavailable':
      return trans.__(
        'The check from a clean kernel could not run: %1',
        check.reason
      );
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
    case 'ran':
      return trans.__('the cells ran without error');
    case 'timeout':
      return trans.__('the time limit was reached');
    case 'token-budget':
      return trans.__('the token budget was used up');
    case 'no-speaker':
      return trans.__('no agent may speak next');
    case 'revisions-used':
      return trans.__(
        'automatic revisions used up; press Rerun with critique to go on'
      );
    case 'fix-attempts':
      return trans.__('the code still failed after the allowed fixes');
    case 'no-code':
      return trans.__('the Coder wrote no Python code');
    case 'skipped':
      return summary.detail
        ? trans.__('you skipped the draft: %1', summary.detail)
        : trans.__('you skipped the draft');
    case 'restored':
      return trans.__('the restored round ran; Rerun with critique revises it');
    case 'stopped':
      return summary.interruptedCell === null
        ? trans.__('stopped by you')
        : trans.__(
            'stopped by you; cell %1 was interrupted on the kernel',
            summary.interruptedCell
          );
    case 'internal':
      return trans.__(
        'the team hit an unexpected problem; details are in the browser console'
      );
    case 'model-error':
    case 'kernel':
    case 'notebook':
      return summary.detail;
  }
}

/** The facts of a cycle's end, after its reason: rounds, lowest score, calls, time. */
export function summaryFacts(
  summary: TeamRun.ISummary,
  trans: TranslationBundle
): string[] {
  const facts = [
    trans._n('Ended after %1 round', 'Ended after %1 rounds', summary.rounds)
  ];
  if (summary.critique?.lowest !== null && summary.critique) {
    facts.push(trans.__('lowest score %1', summary.critique.lowest));
  }
  facts.push(
    trans._n('%1 model call', '%1 model calls', summary.usage.modelCalls)
  );
  facts.push(...tokenFacts(summary.usage, trans));
  if (summary.seconds !== undefined) {
    facts.push(trans.__('%1 s', summary.seconds));
  }
  return facts;
}

/**
 * "1,840 tokens" (with "≈" when a server sent no counts), then per agent:
 * "Coder 1,200 · Critic 640".
 */
export function tokenFacts(
  usage: TeamRun.IUsage,
  trans: TranslationBundle
): string[] {
  const total = usage.promptTokens + usage.completionTokens;
  if (total === 0) {
    return [];
  }
  const facts = [
    usage.estimated
      ? trans.__('≈%1 tokens (estimated)', total.toLocaleString())
      : trans.__('%1 tokens', total.toLocaleString())
  ];
  const agents = Object.entries(usage.byAgent ?? {}) as [
    AgentName,
    TeamRun.IAgentUsage
  ][];
  if (agents.length > 1) {
    facts.push(
      agents
        .map(
          ([agent, mine]) =>
            `${agentLabel(agent, trans)} ${(
              mine.promptTokens + mine.completionTokens
            ).toLocaleString()}`
        )
        .join(' · ')
    );
  }
  return facts;
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
      trans.__('lowest score %1 (%2)', critique.lowest, formatScores(critique))
    );
  }
  parts.push(endReasonLabel(summary, trans));
  parts.push(
    trans._n('%1 model call', '%1 model calls', summary.usage.modelCalls)
  );
  return parts.join(' · ');
}
