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
import { DraftApproval } from './DraftApproval';
import { Markdown } from './Markdown';
import { Scorecard } from './Scorecard';

export interface IMessageViewProps {
  run: TeamRun;
  /** The message shown; the view follows its changes itself. */
  id: string;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
  /** This is the draft the run waits on: show Run / Skip. */
  awaitsDecision: boolean;
  /** The user sent the team on: follow the transcript again. */
  onFollow: () => void;
  /** Rendered under the message (the rerun form on the latest critique). */
  children?: React.ReactNode;
}

/** The most output characters the sidebar shows for one cell: the notebook has it all. */
const MAX_SHOWN_OUTPUT = 2000;

/**
 * One message. Memoised and subscribed to its own record, so a streamed
 * token re-renders this message and nothing else.
 */
export const MessageView = React.memo(function MessageView(
  props: IMessageViewProps
): JSX.Element {
  const { run, id, rendermime, trans, awaitsDecision, onFollow } = props;
  const message = useMessage(run.transcript, id);
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
  const draftActions = awaitsDecision
    ? {
        onRun: () => {
          onFollow();
          run.approveDraft();
        },
        onSkip: (reason: string, goOn: boolean) => {
          onFollow();
          run.skipDraft(reason, goOn);
        }
      }
    : null;
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
          actions={draftActions}
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
        <LongMarkdown
          text={message.text}
          streaming={message.streaming}
          rendermime={rendermime}
          trans={trans}
        />
      )}
      {message.critique && (
        <Scorecard
          critique={message.critique}
          previous={message.previousCritique ?? null}
          round={message.round}
          threshold={run.threshold}
          trans={trans}
        />
      )}
      {props.children}
    </div>
  );
});

/** The message's newest record, re-rendering on its own signal only. */
function useMessage(
  transcript: TeamRun['transcript'],
  id: string
): TeamRun.IMessage {
  const [record, setRecord] = React.useState(() => transcript.get(id)!);
  React.useEffect(() => {
    const signal = transcript.changedOf(id);
    const onChange = (_: unknown, next: TeamRun.IMessage) => setRecord(next);
    signal.connect(onChange);
    setRecord(transcript.get(id)!);
    return () => {
      signal.disconnect(onChange);
    };
  }, [transcript, id]);
  return record;
}

/** Characters of a reply shown before "Show all": long replies stay cheap to render. */
const COLLAPSED_CHARS = 6000;

/** While streaming, only the tail is shown: the whole reply renders once, at the end. */
const STREAMING_TAIL_CHARS = 3000;

function LongMarkdown(props: {
  text: string;
  streaming: boolean;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { text, streaming, rendermime, trans } = props;
  const [expanded, setExpanded] = React.useState(false);
  if (streaming) {
    const tail =
      text.length > STREAMING_TAIL_CHARS
        ? '…' + text.slice(text.length - STREAMING_TAIL_CHARS)
        : text;
    return <Markdown text={tail} streaming={true} rendermime={rendermime} />;
  }
  const collapsed = !expanded && text.length > COLLAPSED_CHARS;
  // Cut at a line end, so a code fence or a paragraph is not split mid-line.
  const cut = collapsed
    ? text.slice(
        0,
        text.lastIndexOf('\n', COLLAPSED_CHARS) + 1 || COLLAPSED_CHARS
      )
    : text;
  return (
    <>
      <Markdown text={cut} streaming={false} rendermime={rendermime} />
      {collapsed && (
        <button
          className="jp-Button jp-mod-styled jp-mod-minimal jp-AgentTeam-ShowAll"
          onClick={() => setExpanded(true)}
        >
          {trans.__('Show all (%1 characters)', text.length.toLocaleString())}
        </button>
      )}
    </>
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
