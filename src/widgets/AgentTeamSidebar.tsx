/**
 * The Agent Team sidebar: header, transcript, status line and task box,
 * rendered from the AgentTeamModel.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { AgentTeamModel } from '../model';
import type { TeamRun } from '../team/teamRun';
import { ApprovalModeSelect } from './ApprovalModeSelect';
import { FeedbackForm } from './FeedbackForm';
import {
  activityLabel,
  endReasonLabel,
  summaryFacts,
  summaryLine
} from './labels';
import { MessageView } from './MessageView';
import { RerunForm } from './RerunForm';
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
        {() => <SidebarView {...this._options} />}
      </UseSignal>
    );
  }

  /** Scroll the run with this id into view; false when the sidebar does not hold it. */
  revealRun(runId: string): boolean {
    const node = this.node.querySelector<HTMLElement>(
      `.jp-AgentTeam-Run[data-run="${CSS.escape(runId)}"]`
    );
    node?.scrollIntoView({ block: 'start' });
    return node !== null;
  }

  /** Put the cursor in the task box. */
  focusTaskInput(): void {
    this.node
      .querySelector<HTMLTextAreaElement>('.jp-AgentTeam-TaskInput')
      ?.focus();
  }

  private _options: AgentTeamSidebar.IOptions;
}

export namespace AgentTeamSidebar {
  export interface IOptions {
    model: AgentTeamModel;
    rendermime: IRenderMimeRegistry;
    trans: TranslationBundle;
  }
}

function SidebarView(props: AgentTeamSidebar.IOptions): JSX.Element {
  const { model, rendermime, trans } = props;
  const active = model.activeRun;
  const rerunnable = model.rerunnable;
  const { model: modelName, endpoint } = model.modelChoice;
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
  // Whether a run started: a refused task stays in the box.
  const send = (task: string): boolean => {
    following.current = true;
    const before = model.runs.length;
    void model.ask(task);
    return model.runs.length > before;
  };

  return (
    <div className="jp-AgentTeam-View">
      <div className="jp-AgentTeam-Header">
        <h2 className="jp-AgentTeam-Title">{trans.__('Agent Team')}</h2>
        <div
          className="jp-AgentTeam-Endpoint"
          title={endpoint ? `${modelName} · ${endpoint}` : undefined}
        >
          {endpoint
            ? trans.__(
                'Model: %1 at %2',
                modelName || trans.__('first listed'),
                endpoint
              )
            : trans.__('Model server not known yet')}
        </div>
        <ApprovalModeSelect
          mode={model.settings.approvalMode}
          onChange={mode => void model.settings.setApprovalMode(mode)}
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
              onRerun={run === rerunnable ? rerun : null}
              onFollow={followAgain}
              onRevealCell={revealCell}
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
  onRerun: ((note: string) => void) | null;
  /** The user sent the team on: follow the transcript again. */
  onFollow: () => void;
  onExport: () => void;
  onRevealCell: (run: TeamRun, cellId: string) => void;
}): JSX.Element {
  const { run, rendermime, trans, onRerun, onFollow, onExport, onRevealCell } =
    props;
  // New messages re-render the run; a message's own changes re-render only it.
  return (
    <UseSignal signal={run.transcript.added}>
      {() => {
        const messages = run.messages;
        const lastCritique = [...messages]
          .reverse()
          .find(m => m.kind === 'critique');
        const waitingDraft =
          run.pendingDecision === 'approve-draft'
            ? [...messages].reverse().find(m => m.kind === 'approval')
            : undefined;
        return (
          <div className="jp-AgentTeam-Run" data-run={run.id}>
            <div className="jp-AgentTeam-RunHeader">
              <span className="jp-AgentTeam-RunTitle">
                {trans.__('Run on %1', run.notebookPath)}
              </span>
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
            {messages.map(message =>
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
            {run.phase === 'ended' && (
              <ScoreHistory
                critiques={messages.flatMap(m =>
                  m.critique ? [{ round: m.round, critique: m.critique }] : []
                )}
                threshold={run.threshold}
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
