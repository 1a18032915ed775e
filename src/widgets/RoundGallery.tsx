/**
 * Each scored round of a run as a card: its plot, its lowest score, and
 * "Restore" to put that round's cells back and run them again.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { meetsThreshold, type TeamRun } from '../team/teamRun';

export interface IRoundGalleryProps {
  rounds: TeamRun.IScoredRoundEntry[];
  threshold: number;
  /** Restore a round; null when no round can be restored now. */
  onRestore: ((round: number) => void) | null;
  trans: TranslationBundle;
}

export function RoundGallery(props: IRoundGalleryProps): JSX.Element | null {
  const { rounds, threshold, onRestore, trans } = props;
  if (rounds.length < 2) {
    return null;
  }
  const current = rounds[rounds.length - 1].round;
  return (
    <ul
      className="jp-AgentTeam-RoundGallery"
      aria-label={trans.__('Rounds of this run')}
    >
      {rounds.map(entry => {
        const plot = Private.safeImageUrl(entry.scored.plot);
        const { lowest } = entry.critique;
        const met = meetsThreshold(entry.critique, threshold);
        return (
          <li
            key={entry.round}
            className="jp-AgentTeam-RoundCard"
            data-round={entry.round}
          >
            {plot ? (
              <img
                className="jp-AgentTeam-RoundPlot"
                src={plot}
                alt={trans.__('Plot of round %1', entry.round)}
              />
            ) : (
              <div className="jp-AgentTeam-RoundPlot jp-AgentTeam-RoundNoPlot">
                {trans.__('no plot')}
              </div>
            )}
            <div className="jp-AgentTeam-RoundFacts">
              <span className="jp-AgentTeam-RoundName">
                {entry.scored.restoredFrom === undefined
                  ? trans.__('Round %1', entry.round)
                  : trans.__(
                      'Round %1 (round %2 restored)',
                      entry.round,
                      entry.scored.restoredFrom
                    )}
              </span>
              <span
                className="jp-AgentTeam-RoundScore"
                data-met={met ? 'true' : 'false'}
              >
                {trans.__('lowest %1', lowest ?? '–')}
              </span>
            </div>
            {entry.round === current ? (
              <span className="jp-AgentTeam-RoundCurrent">
                {trans.__('in the notebook now')}
              </span>
            ) : (
              <button
                className="jp-Button jp-mod-styled jp-mod-minimal jp-AgentTeam-RoundRestore"
                disabled={!onRestore}
                title={trans.__(
                  "Put this round's code back into the team's cells and run them again"
                )}
                aria-label={trans.__('Restore round %1', entry.round)}
                onClick={() => onRestore?.(entry.round)}
              >
                {trans.__('Restore')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

namespace Private {
  /**
   * Only inline PNG and JPEG images: a record comes from the notebook's
   * metadata, which anyone could have written, and must not make the page
   * fetch a URL.
   */
  export function safeImageUrl(url: string | null): string | null {
    return url && /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/.test(url)
      ? url
      : null;
  }
}
