/**
 * One message of the transcript: the agent's name, then its text, its cell
 * results (User proxy) or its scorecard (Critic).
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { TeamRun } from '../team/teamRun';
import { agentLabel } from './labels';
import { truncateMiddle } from '../team/outputs';
import { DraftApproval, IDraftApprovalProps } from './DraftApproval';
import { Markdown } from './Markdown';
import { Scorecard } from './Scorecard';

export interface IMessageViewProps {
  message: TeamRun.IMessage;
  threshold: number;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
  /** Run / Skip for the draft the run waits on; null otherwise. */
  draftActions?: IDraftApprovalProps['actions'];
  /** Rendered under the message (the rerun form on the latest critique). */
  children?: React.ReactNode;
}

/** The most output characters the sidebar shows for one cell: the notebook has it all. */
const MAX_SHOWN_OUTPUT = 2000;

export function MessageView(props: IMessageViewProps): JSX.Element {
  const { message, threshold, rendermime, trans } = props;
  const classes = ['jp-AgentTeam-Message'];
  if (message.streaming) {
    classes.push('jp-mod-streaming');
  }
  if (message.failed) {
    classes.push('jp-mod-failed');
  }
  if (message.stopped) {
    classes.push('jp-mod-stopped');
  }
  return (
    <div
      className={classes.join(' ')}
      data-agent={message.agent}
      data-kind={message.kind}
    >
      <div className="jp-AgentTeam-MessageHeader">
        <span className="jp-AgentTeam-AgentName">
          {agentLabel(message.agent, trans)}
        </span>
        {message.stopped && (
          <span className="jp-AgentTeam-MessageStopped">
            {trans.__('stopped')}
          </span>
        )}
        {message.round > 0 && (
          <span className="jp-AgentTeam-MessageRound">
            {trans.__('round %1', message.round)}
          </span>
        )}
      </div>
      {message.kind === 'execution' ? (
        <ExecutionView message={message} trans={trans} />
      ) : message.kind === 'approval' && message.draft ? (
        <DraftApproval
          draft={message.draft}
          actions={props.draftActions ?? null}
          trans={trans}
        />
      ) : message.kind === 'notice' ? (
        <div className="jp-AgentTeam-TaskText">
          {trans.__(
            'You deleted cell %1 of the draft; the team will not bring it back.',
            message.removedCell ?? '?'
          )}
        </div>
      ) : message.kind === 'feedback' ? (
        <div className="jp-AgentTeam-TaskText">
          {trans.__('Your feedback: %1', message.text)}
        </div>
      ) : message.kind === 'task' ? (
        <div className="jp-AgentTeam-TaskText">{message.text}</div>
      ) : message.kind === 'rerun' ? (
        <div className="jp-AgentTeam-TaskText">
          {message.text
            ? trans.__('Rerun with critique. Note: %1', message.text)
            : trans.__('Rerun with critique.')}
        </div>
      ) : (
        <Markdown
          text={message.text}
          streaming={message.streaming}
          rendermime={rendermime}
        />
      )}
      {message.critique && (
        <Scorecard
          critique={message.critique}
          previous={message.previousCritique ?? null}
          round={message.round}
          threshold={threshold}
          trans={trans}
        />
      )}
      {props.children}
    </div>
  );
}

function ExecutionView(props: {
  message: TeamRun.IMessage;
  trans: TranslationBundle;
}): JSX.Element {
  const { message, trans } = props;
  const cells = message.cells ?? [];
  return (
    <div className="jp-AgentTeam-Execution">
      {cells.length === 0 && message.streaming && (
        <div className="jp-AgentTeam-ExecutionPending">
          {trans.__('Running the cells…')}
        </div>
      )}
      {cells.map(cell => (
        <details
          key={cell.cellId}
          className={`jp-AgentTeam-CellReport jp-mod-${cell.status}`}
          open={cell.status !== 'ok'}
        >
          <summary>{cellReportTitle(cell, trans)}</summary>
          <pre className="jp-AgentTeam-CellOutput">
            {truncateMiddle(cell.output.trim(), MAX_SHOWN_OUTPUT) ||
              trans.__('(no output)')}
          </pre>
        </details>
      ))}
    </div>
  );
}

function cellReportTitle(
  cell: TeamRun.ICellReport,
  trans: TranslationBundle
): string {
  const count = cell.executionCount ?? ' ';
  switch (cell.status) {
    case 'ok':
      return trans.__('Cell %1 [%2] ran', cell.number, count);
    case 'error':
      return trans.__('Cell %1 [%2] raised an error', cell.number, count);
    case 'timeout':
      return trans.__(
        'Cell %1 [%2] timed out and was interrupted',
        cell.number,
        count
      );
    case 'interrupted':
      return trans.__(
        'Cell %1 [%2] was interrupted by Stop',
        cell.number,
        count
      );
    case 'removed':
      return trans.__('Cell %1 was deleted by you', cell.number);
    case 'aborted':
      return trans.__('Cell %1 did not finish', cell.number);
  }
}
