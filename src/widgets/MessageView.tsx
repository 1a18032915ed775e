/**
 * One message of the transcript: the agent's name, then its text, its cell
 * results (User proxy) or its scorecard (Critic).
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { TeamRun } from '../team/teamRun';
import { agentLabel, reproduceLabel } from './labels';
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
  /** Scroll the notebook to a team cell. */
  onRevealCell: (run: TeamRun, cellId: string) => void;
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
  const { run, id, rendermime, trans, awaitsDecision, onFollow, onRevealCell } =
    props;
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
      data-notice={Private.noticeKind(message)}
    >
      <div className="jp-AgentTeam-MessageHeader">
        <span className="jp-AgentTeam-AgentName">
          {Private.isUsers(message)
            ? trans.__('You')
            : (message.speaker ?? agentLabel(message.agent, trans))}
        </span>
        {message.streaming && (
          <span className="jp-AgentTeam-MessageState">
            {message.kind === 'critique'
              ? trans.__('scoring…')
              : message.kind === 'execution'
                ? trans.__('running…')
                : trans.__('writing…')}
          </span>
        )}
        {message.stopped && (
          <span className="jp-AgentTeam-MessageStopped">
            {trans.__('stopped')}
          </span>
        )}
        {message.cached && (
          <span
            className="jp-AgentTeam-MessageCached"
            title={trans.__(
              'Answered from the response cache: an identical request was answered before'
            )}
          >
            {trans.__('cached')}
          </span>
        )}
        {message.round > 0 && (
          <span className="jp-AgentTeam-MessageRound">
            {trans.__('round %1', message.round)}
          </span>
        )}
      </div>
      {message.kind === 'execution' ? (
        <ExecutionView
          message={message}
          onRevealCell={cellId => onRevealCell(run, cellId)}
          trans={trans}
        />
      ) : message.kind === 'approval' && message.draft ? (
        <DraftApproval
          draft={message.draft}
          actions={draftActions}
          trans={trans}
        />
      ) : message.kind === 'notice' && message.fallback ? (
        <div className="jp-AgentTeam-TaskText">
          {trans.__(
            '%1 could not answer (%2); %3 with %4 answers instead.',
            message.fallback.from.endpoint,
            message.fallback.reason,
            message.fallback.to.endpoint,
            message.fallback.to.model || trans.__('its first model')
          )}
        </div>
      ) : message.kind === 'notice' && message.reproduce ? (
        <ReproduceView check={message.reproduce} trans={trans} />
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
      ) : message.kind === 'restore' ? (
        <div className="jp-AgentTeam-TaskText">
          {trans.__(
            'Restore round %1: its cells go back into the notebook and run again.',
            message.restoredRound ?? '?'
          )}
        </div>
      ) : message.kind === 'critique' && message.critique ? (
        <CritiqueView
          message={message}
          critique={message.critique}
          threshold={run.threshold}
          rendermime={rendermime}
          trans={trans}
        />
      ) : (
        <LongMarkdown
          text={message.text}
          streaming={message.streaming}
          rendermime={rendermime}
          trans={trans}
        />
      )}
      {props.children}
    </div>
  );
});

/**
 * A critique, once scored: the scores once (the scorecard), the actions as a
 * checklist, and the Critic's own words folded away.
 */
function CritiqueView(props: {
  message: TeamRun.IMessage;
  critique: TeamRun.ICritiqueResult;
  threshold: number;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { message, critique, threshold, rendermime, trans } = props;
  return (
    <>
      <Scorecard
        critique={critique}
        previous={message.previousCritique ?? null}
        round={message.round}
        threshold={threshold}
        trans={trans}
      />
      {critique.actions.length > 0 && (
        <ul
          className="jp-AgentTeam-Actions"
          aria-label={trans.__('Actions for the Coder')}
        >
          {critique.actions.map((action, i) => (
            <li key={i}>
              <label>
                <input type="checkbox" /> {action}
              </label>
            </li>
          ))}
        </ul>
      )}
      <details className="jp-AgentTeam-CritiqueText">
        <summary>{trans.__('The Critic’s full text')}</summary>
        <LongMarkdown
          text={message.text}
          streaming={false}
          rendermime={rendermime}
          trans={trans}
        />
      </details>
    </>
  );
}

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
  onRevealCell: (cellId: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { message, onRevealCell, trans } = props;
  const cells = message.cells ?? [];
  return (
    <div className="jp-AgentTeam-Execution">
      {cells.length === 0 && message.streaming && (
        <div className="jp-AgentTeam-ExecutionPending">
          {trans.__('Running the cells…')}
        </div>
      )}
      {cells.map(cell => (
        <div key={cell.cellId} className="jp-AgentTeam-CellReportRow">
          <details className={`jp-AgentTeam-CellReport jp-mod-${cell.status}`}>
            <summary>
              {cellReportTitle(cell, trans)}
              {cell.status === 'error' || cell.status === 'timeout' ? (
                <span className="jp-AgentTeam-ErrorLine">
                  {Private.lastLine(cell.output)}
                </span>
              ) : null}
            </summary>
            <pre className="jp-AgentTeam-CellOutput" tabIndex={0}>
              {truncateMiddle(cell.output.trim(), MAX_SHOWN_OUTPUT) ||
                trans.__('(no output)')}
            </pre>
          </details>
          {cell.status !== 'removed' && (
            <button
              className="jp-AgentTeam-RevealCell"
              title={trans.__('Show cell %1 in the notebook', cell.number)}
              aria-label={trans.__('Show cell %1 in the notebook', cell.number)}
              onClick={() => onRevealCell(cell.cellId)}
            >
              ↗
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

/** The check in a fresh kernel: a sentence, and the error's last line when a cell failed. */
function ReproduceView(props: {
  check: TeamRun.IReproduceCheck;
  trans: TranslationBundle;
}): JSX.Element {
  const { check, trans } = props;
  return (
    <div className="jp-AgentTeam-TaskText jp-AgentTeam-Reproduce">
      {reproduceLabel(check, trans)}
      {check.errorLine && (
        <span className="jp-AgentTeam-ErrorLine" title={check.errorLine}>
          {check.errorLine}
        </span>
      )}
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
      return [
        trans.__('Cell %1 [%2] ran', cell.number, count),
        ...Private.outputFacts(cell, trans)
      ].join(' · ');
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

namespace Private {
  /** Messages that carry the user's own words. */
  const USER_KINDS = new Set<TeamRun.MessageKind>([
    'task',
    'rerun',
    'restore',
    'feedback'
  ]);

  /** Whether the message says what the user did (a deleted cell is a notice of theirs). */
  export function isUsers(message: TeamRun.IMessage): boolean {
    return message.kind === 'notice'
      ? message.removedCell !== undefined
      : USER_KINDS.has(message.kind);
  }

  /** Which notice the message is, for styling and tests. */
  export function noticeKind(message: TeamRun.IMessage): string | undefined {
    if (message.kind !== 'notice') {
      return undefined;
    }
    return message.reproduce
      ? 'reproduce'
      : message.fallback
        ? 'fallback'
        : 'removed-cell';
  }

  /** "2 outputs", "plot": what a cell showed, in a word or two. */
  export function outputFacts(
    cell: TeamRun.ICellReport,
    trans: TranslationBundle
  ): string[] {
    const facts: string[] = [];
    const text = (cell.outputs ?? 0) - (cell.plots ?? 0);
    if (text > 0) {
      facts.push(trans._n('%1 output', '%1 outputs', text));
    }
    if (cell.plots) {
      facts.push(trans._n('plot', '%1 plots', cell.plots));
    }
    return facts;
  }

  /** The last non-empty line: for a traceback, the exception itself. */
  export function lastLine(text: string): string {
    const lines = text.trim().split('\n');
    return lines[lines.length - 1] ?? '';
  }
}
