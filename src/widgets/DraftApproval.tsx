/**
 * A draft waiting in ask mode: its cells (a revision as a diff against what
 * the cell holds now), then Run or Skip. Skipping asks for an optional reason
 * and whether the Coder should try again.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { lineDiff } from '../team/lineDiff';
import type { TeamRun } from '../team/teamRun';

export interface IDraftApprovalProps {
  draft: TeamRun.IDraft;
  /** Null once decided, or when this is not the draft the run waits on. */
  actions: {
    onRun: () => void;
    onSkip: (reason: string, goOn: boolean) => void;
  } | null;
  trans: TranslationBundle;
}

export function DraftApproval(props: IDraftApprovalProps): JSX.Element {
  const { draft, actions, trans } = props;
  const [skipping, setSkipping] = React.useState(false);
  const [reason, setReason] = React.useState('');
  return (
    <div className="jp-AgentTeam-Draft">
      {draft.cells.map(cell => (
        <div key={cell.cellId} className="jp-AgentTeam-DraftCell">
          <div className="jp-AgentTeam-DraftCellTitle">
            {cell.previous === null
              ? trans.__('New cell %1', cell.number)
              : cell.previous === cell.source
                ? trans.__('Cell %1, unchanged', cell.number)
                : trans.__('Cell %1, revised', cell.number)}
            {draft.edited.includes(cell.number) &&
              ' · ' + trans.__('edited by you')}
          </div>
          {/* Focusable: long lines scroll sideways, also from the keyboard. */}
          <pre className="jp-AgentTeam-Diff" tabIndex={0}>
            {cell.previous === null
              ? cell.source
              : lineDiff(cell.previous, cell.source).map((line, i) => (
                  <div
                    key={i}
                    className={`jp-AgentTeam-DiffLine jp-mod-${line.kind}`}
                  >
                    {(line.kind === 'added'
                      ? '+ '
                      : line.kind === 'removed'
                        ? '- '
                        : '  ') + line.text}
                  </div>
                ))}
          </pre>
        </div>
      ))}
      {draft.decision === 'run' && (
        <div className="jp-AgentTeam-DraftDecision">
          {trans.__('You ran this draft.')}
        </div>
      )}
      {draft.decision === 'skipped' && (
        <div className="jp-AgentTeam-DraftDecision">
          {draft.reason
            ? trans.__('You skipped this draft: %1', draft.reason)
            : trans.__('You skipped this draft.')}
        </div>
      )}
      {actions && !skipping && (
        <div className="jp-AgentTeam-DraftActions">
          <div className="jp-AgentTeam-DraftHint">
            {trans.__(
              'The cells are in the notebook, not run yet. Edit them there if you like.'
            )}
          </div>
          <button
            className="jp-Button jp-mod-styled jp-mod-accept jp-AgentTeam-RunDraftButton"
            onClick={actions.onRun}
          >
            {trans.__('Run')}
          </button>
          <button
            className="jp-Button jp-mod-styled jp-mod-reject jp-AgentTeam-SkipDraftButton"
            onClick={() => setSkipping(true)}
          >
            {trans.__('Skip…')}
          </button>
        </div>
      )}
      {actions && skipping && (
        <div className="jp-AgentTeam-DraftActions">
          <input
            className="jp-AgentTeam-SkipReason"
            type="text"
            value={reason}
            aria-label={trans.__('Why you skip this draft (optional)')}
            placeholder={trans.__('Why? (optional, goes to the Coder)')}
            onChange={event => setReason(event.target.value)}
          />
          <button
            className="jp-Button jp-mod-styled jp-mod-accept jp-AgentTeam-SkipRetryButton"
            onClick={() => actions.onSkip(reason, true)}
          >
            {trans.__('New draft')}
          </button>
          <button
            className="jp-Button jp-mod-styled jp-mod-reject jp-AgentTeam-SkipEndButton"
            onClick={() => actions.onSkip(reason, false)}
          >
            {trans.__('End run')}
          </button>
        </div>
      )}
    </div>
  );
}
