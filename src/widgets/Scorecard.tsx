/**
 * The Critic's six scores as small bars, the lowest, the round, and the
 * change since the previous critique.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { DIMENSIONS, Dimension, ICritique } from '../team/critique';
import { meetsThreshold } from '../team/teamRun';

export interface IScorecardProps {
  critique: ICritique;
  previous: ICritique | null;
  round: number;
  threshold: number;
  trans: TranslationBundle;
}

export function Scorecard(props: IScorecardProps): JSX.Element {
  const { critique, previous, round, threshold, trans } = props;
  const met = meetsThreshold(critique, threshold);
  return (
    <div
      className="jp-AgentTeam-Scorecard"
      role="group"
      aria-label={trans.__('Critic scores')}
    >
      <div className="jp-AgentTeam-ScoreGrid">
        {DIMENSIONS.map(dimension => {
          const score = critique.scores[dimension];
          const before = previous?.scores[dimension];
          const delta = Private.delta(score, before);
          return (
            <div
              key={dimension}
              className="jp-AgentTeam-Score"
              data-dimension={dimension}
              title={critique.rationales[dimension] ?? ''}
            >
              <span className="jp-AgentTeam-ScoreLabel">
                {Private.label(dimension, trans)}
              </span>
              <span className="jp-AgentTeam-ScoreBar" aria-hidden="true">
                <span
                  className="jp-AgentTeam-ScoreFill"
                  style={{ width: `${(score ?? 0) * 10}%` }}
                />
              </span>
              <span className="jp-AgentTeam-ScoreValue">
                {score === undefined ? '–' : String(score)}
              </span>
              {score !== undefined && (
                <span className="jp-AgentTeam-VisuallyHidden">
                  {trans.__('out of 10')}
                </span>
              )}
              <span
                className="jp-AgentTeam-ScoreDelta"
                title={
                  delta ? trans.__('Change since the previous critique') : ''
                }
              >
                {delta}
              </span>
            </div>
          );
        })}
      </div>
      <div className={`jp-AgentTeam-ScoreSummary${met ? ' jp-mod-met' : ''}`}>
        <span>
          {trans.__('Lowest')}{' '}
          <span className="jp-AgentTeam-ScoreLowest">
            {critique.lowest === null ? '–' : String(critique.lowest)}
          </span>
        </span>
        <span>{trans.__('threshold %1', threshold)}</span>
        <span className="jp-AgentTeam-ScoreRound">
          {trans.__('round %1', round)}
        </span>
      </div>
    </div>
  );
}

namespace Private {
  export function label(
    dimension: Dimension,
    trans: TranslationBundle
  ): string {
    switch (dimension) {
      case 'bugs':
        return trans.__('Bugs');
      case 'transformation':
        return trans.__('Transformation');
      case 'compliance':
        return trans.__('Compliance');
      case 'type':
        return trans.__('Type');
      case 'encoding':
        return trans.__('Encoding');
      case 'aesthetics':
        return trans.__('Aesthetics');
    }
  }

  /** "+2", "−1", "±0", or nothing when either round has no score. */
  export function delta(now?: number, before?: number): string {
    if (now === undefined || before === undefined) {
      return '';
    }
    const change = Math.round((now - before) * 10) / 10;
    if (change > 0) {
      return `+${change}`;
    }
    if (change < 0) {
      return `−${Math.abs(change)}`;
    }
    return '±0';
  }
}
