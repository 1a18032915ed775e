/**
 * The Critic's scores on each dimension of its rubric as small bars, the lowest, the round, and the
 * change since the previous critique.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ICritique } from '../team/critique';
import type { IDimensionLabel } from '../team/rubric';
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
        {critique.dimensions.map(dimension => {
          const { name } = dimension;
          const score = critique.scores[name];
          const before = previous?.scores[name];
          const delta = Private.delta(score, before);
          return (
            <div
              key={name}
              className="jp-AgentTeam-Score"
              data-dimension={name}
              title={critique.rationales[name] ?? ''}
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
  /** A default dimension's label in the user's language; a custom one as written. */
  export function label(
    dimension: IDimensionLabel,
    trans: TranslationBundle
  ): string {
    switch (`${dimension.name}:${dimension.label}`) {
      case 'bugs:Bugs':
        return trans.__('Bugs');
      case 'transformation:Transformation':
        return trans.__('Transformation');
      case 'compliance:Compliance':
        return trans.__('Compliance');
      case 'type:Type':
        return trans.__('Type');
      case 'encoding:Encoding':
        return trans.__('Encoding');
      case 'aesthetics:Aesthetics':
        return trans.__('Aesthetics');
      default:
        return dimension.label;
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
