/**
 * The scores across a run's critiques: the lowest as a bold line with a dot
 * per critique, each dimension as a faint line, the threshold dashed.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { TeamRun } from '../team/teamRun';

export interface IScoreHistoryProps {
  critiques: { round: number; critique: TeamRun.ICritiqueResult }[];
  threshold: number;
  trans: TranslationBundle;
}

const WIDTH = 200;
const HEIGHT = 56;
const PAD = 6;

export function ScoreHistory(props: IScoreHistoryProps): JSX.Element | null {
  const { critiques, threshold, trans } = props;
  if (critiques.length < 2) {
    return null;
  }
  const x = (i: number) =>
    PAD + (i * (WIDTH - 2 * PAD)) / (critiques.length - 1);
  const y = (score: number) =>
    HEIGHT - PAD - ((score - 1) * (HEIGHT - 2 * PAD)) / 9;
  const line = (scores: (number | null | undefined)[]) =>
    scores
      .map((score, i) =>
        typeof score === 'number' ? `${x(i)},${y(score)}` : ''
      )
      .filter(Boolean)
      .join(' ');
  const lowest = critiques.map(entry => entry.critique.lowest);
  const label = trans.__(
    'Lowest score by critique: %1',
    critiques
      .map(entry =>
        trans.__('round %1: %2', entry.round, entry.critique.lowest ?? '–')
      )
      .join(', ')
  );
  return (
    <figure className="jp-AgentTeam-ScoreHistory">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={label}
      >
        <line
          className="jp-AgentTeam-ScoreHistoryThreshold"
          x1={0}
          x2={WIDTH}
          y1={y(threshold)}
          y2={y(threshold)}
        />
        {Private.dimensionNames(critiques).map(dimension => (
          <polyline
            key={dimension}
            className="jp-AgentTeam-ScoreHistoryDimension"
            points={line(
              critiques.map(entry => entry.critique.scores[dimension])
            )}
          />
        ))}
        <polyline
          className="jp-AgentTeam-ScoreHistoryLowest"
          points={line(lowest)}
        />
        {critiques.map((entry, i) =>
          entry.critique.lowest === null ? null : (
            <circle
              key={i}
              className="jp-AgentTeam-ScoreHistoryPoint"
              cx={x(i)}
              cy={y(entry.critique.lowest)}
              r={2.5}
            >
              <title>
                {trans.__(
                  'round %1: lowest %2',
                  entry.round,
                  entry.critique.lowest
                )}
              </title>
            </circle>
          )
        )}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}

namespace Private {
  /** Every dimension any of the critiques scored, in rubric order. */
  export function dimensionNames(
    critiques: IScoreHistoryProps['critiques']
  ): string[] {
    const names = new Set<string>();
    for (const { critique } of critiques) {
      critique.dimensions.forEach(({ name }) => names.add(name));
    }
    return [...names];
  }
}
