/**
 * The Agent Team sidebar: header, transcript, status line and task box,
 * rendered from the AgentTeamModel.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { AgentTeamModel } from '../model';
import type { TeamRun } from '../team/teamRun';
import { ApprovalModeSelect } from './ApprovalModeSelect';
import { ConnectionHeader } from './ConnectionHeader';
import { FeedbackForm } from './FeedbackForm';
import {
  activityLabel,
  endReasonLabel,
  summaryFacts,
  summaryLine
} from './labels';
import { MessageView } from './MessageView';
import { RerunForm } from './RerunForm';
import { TeamEditor } from './TeamEditor';
import { RoundGallery } from './RoundGallery';
import { ScoreHistory } from './ScoreHistory';
import { TaskBox } from './TaskBox';

export class AgentTeamSidebar extends ReactWidget {
  constructor(options: AgentTeamSidebar.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-AgentTeam-Sidebar');
  }

  protected render(): JSX.Element {
    const { model } = this._options;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <SidebarView
            {...this._options}
            unfolded={this._unfolded}
            onToggleFold={runId => this._toggleFold(runId)}
          />
        )}
      </UseSignal>
    );
  }

  /** Unfold the run with this id and scroll it into view; false when the sidebar does not hold it. */
  revealRun(runId: string): boolean {
    const selector = `.jp-AgentTeam-Run[data-run="${CSS.escape(runId)}"]`;
    if (!this.node.querySelector(selector)) {
      return false;
    }
    if (this.node.querySelector(`${selector}[data-folded="true"]`)) {
      this._unfolded.add(runId);
    }
    // Render now, so the unfolded run is there to scroll to.
    this.processMessage(Widget.Msg.UpdateRequest);
    void this.renderPromise?.then(() =>
      requestAnimationFrame(() =>
        this.node
          .querySelector<HTMLElement>(selector)
          ?.scrollIntoView({ block: 'start' })
      )
    );
    return true;
  }

  /** Put the cursor in the task box. */
  focusTaskInput(): void {
    this.node
      .querySelector<HTMLTextAreaElement>('.jp-AgentTeam-TaskInput')
      ?.focus();
  }

  private _toggleFold(runId: string): void {
    if (!this._unfolded.delete(runId)) {
      this._unfolded.add(runId);
    }
    this.update();
  }

  private _options: AgentTeamSidebar.IOptions;
  /** Older runs the user opened; the rest fold to their header. */
  private _unfolded = new Set<string>();
}

export namespace AgentTeamSidebar {
  export interface IOptions {
    model: AgentTeamModel;
    rendermime: IRenderMimeRegistry;
    trans: TranslationBundle;
  }
}

function SidebarView(
  props: AgentTeamSidebar.IOptions & {
    unfolded: ReadonlySet<string>;
    onToggleFold: (runId: string) => void;
  }
): JSX.Element {
  const { model, rendermime, trans, unfolded, onToggleFold } = props;
  const active = model.activeRun;
  const rerunnable = model.rerunnable;
  const transcript = React.useRef<HTMLDivElement>(null);

  // Follow new content while the user is at the bottom; stay put once they
  // scroll up to read. Markdown renders after React does, so watch sizes too.
  const following = React.useRef(true);
  // Where the view last scrolled itself: the scroll event for that arrives a
  // frame later, when more may have rendered, and must not count as the user's.
  const ownScrollTop = React.useRef<number | null>(null);
  const content = React.useRef<HTMLDivElement>(null);
  const follow = React.useCallback(() => {
    const node = transcript.current;
    if (node && following.current) {
      node.scrollTop = node.scrollHeight;
      ownScrollTop.current = node.scrollTop;
    }
  }, []);
  React.useLayoutEffect(follow);
  React.useEffect(() => {
    const observer = new ResizeObserver(follow);
    if (content.current) {
      observer.observe(content.current);
    }
    return () => observer.disconnect();
  }, [follow]);
  const onScroll = (event: React.UIEvent<HTMLDivElement>) => {
    const node = event.currentTarget;
    if (node.scrollTop === ownScrollTop.current) {
      return;
    }
    following.current =
      node.scrollHeight - node.scrollTop - node.clientHeight < 40;
  };
  const revealCell = React.useCallback(
    (run: TeamRun, cellId: string) => model.revealCell(run, cellId),
    [model]
  );
  const followAgain = React.useCallback(() => {
    following.current = true;
  }, []);
  // Starting work means the user wants to watch it.
  const rerun = (note: string) => {
    following.current = true;
    void model.rerunWithCritique(note);
  };
  const restore = (run: TeamRun, round: number) => {
    following.current = true;
    void model.restoreRound(run, round);
  };
  const newest = model.runs[model.runs.length - 1];
  // On first open, offer what runs on this machine.
  React.useEffect(() => {
    if (model.connections.found === null) {
      void model.connections.discover();
    }
  }, [model]);
  // A refused or failed task comes back to the box (model.returnedTask).
  const send = (task: string) => {
    following.current = true;
    void model.ask(task);
  };

  return (
    <div className="jp-AgentTeam-View">
      <div className="jp-AgentTeam-Header">
        <h2 className="jp-AgentTeam-Title">{trans.__('Agent Team')}</h2>
        <ConnectionHeader
          connections={model.connections}
          onPick={(agent, endpoint, id) =>
            void model.settings.setAgentModel(agent, endpoint, id)
          }
          trans={trans}
        />
        <ApprovalModeSelect
          mode={model.settings.approvalMode}
          onChange={mode => void model.settings.setApprovalMode(mode)}
          trans={trans}
        />
        <TeamEditor
          {...model.teamChoices}
          onChange={value => void model.settings.setTeam(value)}
          trans={trans}
        />
      </div>
      <div
        className="jp-AgentTeam-Transcript"
        ref={transcript}
        onScroll={onScroll}
      >
        <div
          ref={content}
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-label={trans.__('Agent Team transcript')}
        >
          {model.runs.length === 0 && (
            <div className="jp-AgentTeam-Empty">
              {trans.__(
                'Ask the team for an analysis. The Coder writes cells into the active notebook, the User proxy runs them on its kernel, and the Critic scores the result.'
              )}
            </div>
          )}
          {model.runs.map(run => (
            <RunView
              key={run.id}
              run={run}
              rendermime={rendermime}
              trans={trans}
              folded={run !== newest && !unfolded.has(run.id)}
              onToggleFold={run === newest ? null : () => onToggleFold(run.id)}
              onRerun={run === rerunnable ? rerun : null}
              onRestore={
                model.canRestore(run)
                  ? (round: number) => restore(run, round)
                  : null
              }
              onFollow={followAgain}
              onRevealCell={revealCell}
              onRetry={() => {
                following.current = true;
                void model.retry(run);
              }}
              onExport={() =>
                void model.exportRun(run, summary =>
                  summaryLine(summary, trans)
                )
              }
            />
          ))}
        </div>
      </div>
      {model.notice && (
        <div className="jp-AgentTeam-Notice" role="alert">
          {model.notice}
        </div>
      )}
      <div className="jp-AgentTeam-Status" aria-live="polite">
        {active ? activityLabel(active.activity, trans) : trans.__('Ready')}
      </div>
      <TaskBox
        running={active !== null}
        returned={model.returnedTask}
        onSend={send}
        onStop={() => model.stop()}
        trans={trans}
      />
    </div>
  );
}

function RunView(props: {
  run: TeamRun;
  rendermime: IRenderMimeRegistry;
  trans: TranslationBundle;
  /** Shown as its header only. */
  folded: boolean;
  /** Fold or unfold; null for the newest run, which stays open. */
  onToggleFold: (() => void) | null;
  onRerun: ((note: string) => void) | null;
  onRestore: ((round: number) => void) | null;
  /** The user sent the team on: follow the transcript again. */
  onFollow: () => void;
  onExport: () => void;
  /** Try the run again after a failed model call. */
  onRetry: () => void;
  onRevealCell: (run: TeamRun, cellId: string) => void;
}): JSX.Element {
  const {
    run,
    rendermime,
    trans,
    folded,
    onToggleFold,
    onRerun,
    onRestore,
    onFollow,
    onExport,
    onRetry,
    onRevealCell
  } = props;
  // New messages re-render the run; a message's own changes re-render only it.
  return (
    <UseSignal signal={run.transcript.added}>
      {() => {
        const messages = run.messages;
        const lastCritique = [...messages]
          .reverse()
          .find(m => m.kind === 'critique');
        const lastSummary = [...messages].reverse().find(m => m.summary);
        const waitingDraft =
          run.pendingDecision === 'approve-draft'
            ? [...messages].reverse().find(m => m.kind === 'approval')
            : undefined;
        return (
          <div
            className="jp-AgentTeam-Run"
            data-run={run.id}
            data-folded={folded ? 'true' : 'false'}
          >
            <div className="jp-AgentTeam-RunHeader">
              {onToggleFold ? (
                <button
                  className="jp-AgentTeam-RunFold"
                  aria-expanded={!folded}
                  title={run.task}
                  onClick={onToggleFold}
                >
                  <span className="jp-AgentTeam-RunFoldTask">{run.task}</span>
                  <span className="jp-AgentTeam-RunFoldFacts">
                    {runFacts(run, trans)}
                  </span>
                </button>
              ) : (
                <span className="jp-AgentTeam-RunTitle">
                  {trans.__('Run on %1', run.notebookPath)}
                </span>
              )}
              {run.phase === 'ended' && (
                <button
                  className="jp-Button jp-mod-styled jp-mod-minimal jp-AgentTeam-ExportButton"
                  title={trans.__(
                    'Export this run as Markdown beside the notebook'
                  )}
                  onClick={onExport}
                >
                  {trans.__('Export')}
                </button>
              )}
            </div>
            {!folded &&
              messages.map(message =>
                message.kind === 'summary' && message.summary ? (
                  <div
                    key={message.id}
                    className="jp-AgentTeam-Summary"
                    data-reason={message.summary.reason}
                  >
                    <div className="jp-AgentTeam-SummaryReason">
                      {endReasonLabel(message.summary, trans)}
                    </div>
                    <div className="jp-AgentTeam-SummaryFacts">
                      {summaryFacts(message.summary, trans).map(fact => (
                        <span key={fact}>{fact}</span>
                      ))}
                    </div>
                    {message.summary.reason === 'model-error' &&
                      message === lastSummary &&
                      run.phase === 'ended' && (
                        <button
                          className="jp-Button jp-mod-styled jp-mod-accept jp-AgentTeam-RetryButton"
                          onClick={onRetry}
                        >
                          {trans.__('Retry')}
                        </button>
                      )}
                  </div>
                ) : (
                  <MessageView
                    key={message.id}
                    run={run}
                    id={message.id}
                    rendermime={rendermime}
                    trans={trans}
                    awaitsDecision={message === waitingDraft}
                    onFollow={onFollow}
                    onRevealCell={onRevealCell}
                  >
                    {onRerun && message === lastCritique ? (
                      <RerunForm onRerun={onRerun} trans={trans} />
                    ) : null}
                  </MessageView>
                )
              )}
            {!folded && run.phase === 'ended' && (
              <ScoreHistory
                critiques={messages.flatMap(m =>
                  m.critique ? [{ round: m.round, critique: m.critique }] : []
                )}
                threshold={run.threshold}
                trans={trans}
              />
            )}
            {!folded && run.phase === 'ended' && (
              <RoundGallery
                rounds={run.scoredRounds}
                threshold={run.threshold}
                onRestore={onRestore}
                trans={trans}
              />
            )}
            {run.pendingDecision === 'feedback' && (
              <FeedbackForm
                onFeedback={text => {
                  onFollow();
                  run.sendFeedback(text);
                }}
                onClose={() => run.close()}
                trans={trans}
              />
            )}
          </div>
        );
      }}
    </UseSignal>
  );
}

/** "14:02 · lowest 7 · 3 rounds": a folded run at a glance. */
function runFacts(run: TeamRun, trans: TranslationBundle): string {
  const started = new Date(run.startedAt);
  const facts = [
    started.toLocaleString(undefined, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit'
    })
  ];
  const lowest = run.latestCritique?.lowest;
  if (lowest !== undefined && lowest !== null) {
    facts.push(trans.__('lowest %1', lowest));
  }
  facts.push(trans._n('%1 round', '%1 rounds', run.scoredRounds.length));
  return facts.join(' · ');
}
