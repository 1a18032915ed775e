/**
 * One run of the team on one notebook: the group-chat loop.
 *
 * Speaker order is fixed by the flow (Coder → User proxy → Critic → Coder …),
 * so no model call is spent on choosing who speaks, and every agent turn is
 * exactly one model call with a bounded prompt.
 */
import { UUID } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { agentKey, agentOf, type IAgentSpec } from './agents';
import { extractCodeBlocks, describeNonRunnable } from './codeBlocks';
import { ITeamConfig } from './config';
import { ICritique, parseCritique, saysTerminate } from './critique';
import {
  describedSystemMessage,
  executionReport,
  groupMessages
} from './groupPrompts';
import { formatChanges } from './lineDiff';
import {
  formatKernelContext,
  KERNEL_CONTEXT_EXPRESSION,
  parseKernelContext
} from './kernelContext';
import {
  CHART_FACTS_EXPRESSION,
  chartWatchExpression,
  formatChartFacts,
  parseChartFacts
} from './chartFacts';
import { firstPng, stripAnsi, toModelOutput } from './outputs';
import { criticSystemMessage } from './rubric';
import {
  autoSelect,
  ISpeakerStrategy,
  ISpokenMessage,
  roundRobin
} from './speakers';
import { budgetsOf, IChatState, terminationOf } from './termination';
import { Transcript } from './transcript';
import {
  coderMessages,
  criticMessages,
  critiqueFeedback,
  errorFeedback,
  frameData,
  freshKernelFeedback,
  removedCellsNote,
  skipFeedback,
  timeoutFeedback,
  userEditFeedback,
  userFeedback
} from './prompts';
import {
  AgentName,
  ApprovalMode,
  ChatEvent,
  ChatModelError,
  ICellExecution,
  IChatMessage,
  IChatModel,
  IFreshRun,
  INotebookWorkspace,
  IRawOutput,
  ITokenUsage,
  ITeamCellMetadata,
  IWorkspaceFault,
  WorkspaceError
} from './types';

export class TeamRun {
  constructor(options: TeamRun.IOptions) {
    this.id = options.id ?? UUID.uuid4();
    this.task = options.task;
    this._model = options.model;
    this._workspace = options.workspace;
    this._config = options.config;
    this._thumbnail =
      options.thumbnail ?? (async png => `data:image/png;base64,${png}`);
    this._nonce =
      options.dataNonce ?? UUID.uuid4().replace(/-/g, '').slice(0, 16);
    this._strategy =
      options.strategies?.[this._config.team.strategy] ??
      (this._config.team.strategy === 'auto' ? autoSelect : roundRobin);
  }

  readonly id: string;
  readonly task: string;

  /** The ids of the team's current cells, in draft order. */
  get cellIds(): string[] {
    return this._cells.map(cell => cell.id);
  }

  /** ISO time the run started. */
  get startedAt(): string {
    return this._startedAt;
  }

  get notebookPath(): string {
    return this._workspace.path;
  }

  /** The run's messages; each has its own change signal there. */
  readonly transcript = new Transcript();

  get messages(): readonly TeamRun.IMessage[] {
    return this.transcript.messages;
  }

  get phase(): TeamRun.Phase {
    return this._phase;
  }

  get activity(): TeamRun.IActivity {
    return this._activity;
  }

  /** The score threshold this run works to. */
  get threshold(): number {
    return this._config.scoreThreshold;
  }

  get latestCritique(): TeamRun.ICritiqueResult | null {
    return this._latestCritique;
  }

  get usage(): TeamRun.IUsage {
    const byAgent = this._usage.byAgent;
    return {
      ...this._usage,
      ...(byAgent
        ? {
            byAgent: Object.fromEntries(
              Object.entries(byAgent).map(([agent, usage]) => [
                agent,
                { ...usage }
              ])
            )
          }
        : {})
    };
  }

  /** What the run waits for the user to decide, if anything. */
  get pendingDecision(): TeamRun.DecisionKind | null {
    return this._pending?.kind ?? null;
  }

  /** Whether "Rerun with critique" can work: the run ended with a critique and its cells are still there. */
  get canRerun(): boolean {
    return (
      this._phase === 'ended' &&
      this._latestCritique !== null &&
      this._cells.some(cell => this._workspace.hasCell(cell.id))
    );
  }

  /** Emits whenever messages, activity or phase change. */
  get changed(): ISignal<this, TeamRun.IChange> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Run the task until a stop condition; resolves with the summary. */
  async start(): Promise<TeamRun.ISummary> {
    if (this._phase !== 'idle') {
      throw new Error('A run starts once; use rerunWithCritique to go on.');
    }
    this._post('user_proxy', 'task', this.task);
    if (this._config.team.strategy !== 'pipeline') {
      return this._cycle(() => this._groupLoop(null, null));
    }
    return this._cycle(async () => {
      const plan = await this._planTurns();
      return plan.end ?? this._loop(plan.feedback, null);
    });
  }

  /**
   * The Coder revises its cells from the latest critique (plus the user's
   * note), the cells rerun and the Critic rescores.
   */
  async rerunWithCritique(note = ''): Promise<TeamRun.ISummary> {
    if (!this.canRerun || !this._latestCritique) {
      throw new Error(
        'Nothing to rerun: the run has no critique or its cells are gone.'
      );
    }
    const trimmed = note.trim();
    this._post('user_proxy', 'rerun', trimmed);
    const feedback = critiqueFeedback(
      this._latestCritique,
      this._config.scoreThreshold
    );
    if (this._config.team.strategy !== 'pipeline') {
      return this._cycle(() => this._groupLoop(feedback, trimmed || null));
    }
    return this._cycle(() => this._loop(feedback, trimmed || null));
  }

  /** The rounds a critique scored, oldest first, with what ran in each. */
  get scoredRounds(): TeamRun.IScoredRoundEntry[] {
    return this.messages.flatMap(message =>
      message.critique && message.scored
        ? [
            {
              messageId: message.id,
              round: message.round,
              critique: message.critique,
              scored: message.scored
            }
          ]
        : []
    );
  }

  /**
   * Put a scored round's cells back into the team's cells, run them and have
   * the Critic score them again. The Coder is not asked: the code is the
   * round's, exactly.
   */
  async restoreRound(round: number): Promise<TeamRun.ISummary> {
    const entry = this.scoredRounds.find(e => e.round === round);
    if (this._phase !== 'ended' || !entry) {
      throw new Error(`Round ${round} cannot be restored now.`);
    }
    this._post('user_proxy', 'restore', '', false, { restoredRound: round });
    return this._cycle(() =>
      this._restoreLoop([...entry.scored.sources], round)
    );
  }

  /** Switch the approval mode; it applies from the next draft or ending on. */
  setApprovalMode(mode: ApprovalMode): void {
    this._config = { ...this._config, approvalMode: mode };
  }

  /** Run the draft that waits for approval (in its cells' current state). */
  approveDraft(): void {
    this._decide('approve-draft', { kind: 'run' });
  }

  /** Decline the waiting draft; the Coder writes another, or the run ends. */
  skipDraft(reason: string, goOn: boolean): void {
    this._decide('approve-draft', {
      kind: 'skip',
      reason: reason.trim(),
      goOn
    });
  }

  /** Feedback when the run would end: the team takes it as a new round. */
  sendFeedback(text: string): void {
    if (text.trim()) {
      this._decide('feedback', { kind: 'feedback', text: text.trim() });
    }
  }

  /** End the run that waits for feedback. */
  close(): void {
    this._decide('feedback', { kind: 'close' });
  }

  /**
   * Stop the current cycle: the model call in flight is aborted and a team
   * cell the kernel is running is interrupted.
   */
  stop(): void {
    this._abort?.abort();
  }

  /** What the notebook keeps of this run, to restore it after a reload. */
  toRecord(): TeamRun.IRecord {
    return {
      version: 1,
      id: this.id,
      task: this.task,
      startedAt: this._startedAt,
      round: this._round,
      usage: this.usage,
      latestCritique: this._latestCritique,
      cells: this._cells.map(cell => ({ ...cell })),
      messages: this.transcript.toJSON()
    };
  }

  /**
   * A run restored from its record: ended, and rerunnable while its cells
   * exist. `latestPlot` is the plot its cells show now, which the record
   * leaves out of its newest round.
   */
  static fromRecord(
    record: TeamRun.IRecord,
    options: Omit<TeamRun.IOptions, 'task' | 'id'>,
    latestPlot: string | null = null
  ): TeamRun {
    const run = new TeamRun({ ...options, task: record.task, id: record.id });
    run._startedAt = record.startedAt;
    run._round = record.round;
    run._usage = JSON.parse(JSON.stringify(record.usage));
    run._latestCritique = record.latestCritique;
    run._cells = record.cells.map(cell => ({ ...cell }));
    for (const message of record.messages) {
      run.transcript.add({ ...message, streaming: false });
    }
    const newest = run.scoredRounds.pop();
    if (newest && !newest.scored.plot && latestPlot) {
      run.transcript.update(newest.messageId, {
        scored: { ...newest.scored, plot: latestPlot }
      });
    }
    run._phase = 'ended';
    return run;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.stop();
    this.transcript.dispose();
    Signal.clearData(this);
  }

  private async _cycle(
    loop: () => Promise<TeamRun.IEnd>
  ): Promise<TeamRun.ISummary> {
    const abort = new AbortController();
    this._abort = abort;
    this._cycleStartedAt = Date.now();
    this._fault = null;
    this._interruptedCell = null;
    this._workspace.faulted.connect(this._onFault, this);
    this._setPhase('running');
    this._cycleMessages = 0;
    try {
      let end = await loop();
      // "At the end" mode: the user may send the team on instead of ending.
      while (
        this._config.approvalMode === 'end' &&
        !Private.ENDS_FOR_GOOD.has(end.reason)
      ) {
        const decision = await this._await({ kind: 'feedback', end });
        if (decision.kind !== 'feedback') {
          break;
        }
        this._post('user_proxy', 'feedback', decision.text);
        this._cycleMessages = 0;
        end =
          this._config.team.strategy === 'pipeline'
            ? await this._loop(userFeedback(decision.text), null)
            : await this._groupLoop(userFeedback(decision.text), null);
      }
      return this._end(end.reason, end.detail);
    } catch (error) {
      // Set by the `faulted` handler meanwhile, which the compiler cannot see.
      const fault = this._fault as IWorkspaceFault | null;
      if (fault) {
        return this._end(fault.kind, fault.reason);
      }
      if (abort.signal.aborted) {
        return this._end('stopped', '');
      }
      if (error instanceof ChatModelError) {
        return this._end('model-error', error.message);
      }
      if (error instanceof WorkspaceError) {
        return this._end('notebook', error.message);
      }
      // Not ours to word: the user gets a plain reason, the console the details.
      console.error('Agent Team: the run failed unexpectedly.', error);
      return this._end('internal', '');
    } finally {
      this._workspace.faulted.disconnect(this._onFault, this);
      this._pending = null;
    }
  }

  /** The end a kernel that cannot run code means, or null when it can. */
  private async _kernelNotReady(): Promise<TeamRun.IEnd | null> {
    this._setActivity({ kind: 'checking-kernel' });
    const notReady = await Private.unlessStopped(
      this._workspace.checkReady(),
      this._abort
    );
    return notReady === null ? null : { reason: 'kernel', detail: notReady };
  }

  private async _loop(
    firstFeedback: string | null,
    userNote: string | null
  ): Promise<TeamRun.IEnd> {
    const notReady = await this._kernelNotReady();
    if (notReady) {
      return notReady;
    }
    let feedback = firstFeedback;
    let revisionsLeft = this._config.autoRevisions;
    let failedDrafts = 0;
    let spent: TeamRun.IEnd | null;
    for (;;) {
      spent = this._budgetEnd();
      if (spent) {
        return spent;
      }
      this._round += 1;
      const coderText = await this._coderTurn(feedback, userNote);
      userNote = null;
      const blocks = extractCodeBlocks(coderText);
      const runnable = blocks.filter(block => block.runnable);
      if (runnable.length === 0) {
        if (saysTerminate(coderText)) {
          return { reason: 'terminate', detail: '' };
        }
        failedDrafts += 1;
        if (failedDrafts > this._config.maxFixAttempts) {
          return { reason: 'no-code', detail: '' };
        }
        // The error is no longer what the feedback reports: show it with its cell.
        this._errorCell = null;
        feedback =
          describeNonRunnable(blocks) ??
          'Your reply had no ```python block, so nothing ran. Reply with the code in ```python blocks.';
        continue;
      }
      const draft = await this._applyDraft(runnable.map(block => block.code));
      if (this._config.approvalMode === 'ask') {
        const decision = await this._approve(draft);
        if (decision.kind === 'skip') {
          if (!decision.goOn) {
            return { reason: 'skipped', detail: decision.reason };
          }
          feedback = skipFeedback(decision.reason);
          continue;
        }
      }
      spent = this._budgetEnd();
      if (spent) {
        return spent;
      }
      const execution = await this._userProxyTurn();
      if (execution.aborted) {
        return { reason: 'kernel', detail: execution.aborted };
      }
      if (execution.failed) {
        failedDrafts += 1;
        if (failedDrafts > this._config.maxFixAttempts) {
          return { reason: 'fix-attempts', detail: '' };
        }
        feedback = execution.failed;
        const notRun = describeNonRunnable(blocks);
        if (notRun) {
          feedback += `\n${notRun}`;
        }
        continue;
      }
      spent = this._budgetEnd();
      if (spent) {
        return spent;
      }
      // Without a Critic, cells that ran are the result; with one, those it passed.
      const critique = agentOf(this._config.team, 'critiques')
        ? await this._criticTurn(execution.images)
        : null;
      if (!critique || meetsThreshold(critique, this._config.scoreThreshold)) {
        const notReproduced = await this._reproduceTurn();
        if (notReproduced === null) {
          return { reason: critique ? 'threshold' : 'ran', detail: '' };
        }
        // Not reset by the run in the notebook: that one saw earlier variables.
        failedDrafts += 1;
        if (failedDrafts > this._config.maxFixAttempts) {
          return { reason: 'fix-attempts', detail: '' };
        }
        feedback = notReproduced;
        continue;
      }
      failedDrafts = 0;
      if (critique.terminate) {
        return { reason: 'terminate', detail: '' };
      }
      if (revisionsLeft <= 0) {
        return { reason: 'revisions-used', detail: '' };
      }
      revisionsLeft -= 1;
      feedback = critiqueFeedback(critique, this._config.scoreThreshold);
    }
  }

  /**
   * The pipeline's planners (and other talking agents), once before the
   * first draft, in the team's order; what they say goes to the Coder.
   */
  private async _planTurns(): Promise<{
    feedback: string | null;
    end: TeamRun.IEnd | null;
  }> {
    const talkers = this._config.team.agents.filter(
      agent => agent.role === 'plans' || agent.role === 'custom'
    );
    if (talkers.length === 0) {
      return { feedback: null, end: null };
    }
    const notReady = await this._kernelNotReady();
    if (notReady) {
      return { feedback: null, end: notReady };
    }
    await this._openConversation();
    const said: string[] = [];
    for (const agent of talkers) {
      const text = await this._talkTurn(agent);
      this._conversation.push({ speaker: agent.name, text });
      said.push(`${agent.name} says:\n${text.trim()}`);
    }
    return { feedback: said.join('\n\n'), end: null };
  }

  /**
   * A group chat: the strategy picks each speaker; the chat stops at the
   * first termination condition met, or when a draft keeps failing.
   */
  private async _groupLoop(
    firstFeedback: string | null,
    userNote: string | null
  ): Promise<TeamRun.IEnd> {
    const notReady = await this._kernelNotReady();
    if (notReady) {
      return notReady;
    }
    const team = this._config.team;
    const executor = agentOf(team, 'executes');
    const stop = terminationOf(this._terminationSettings());
    await this._openConversation();
    const note = [firstFeedback, userNote && `Note from the user: ${userNote}`]
      .filter(Boolean)
      .join('\n\n');
    if (note) {
      this._conversation.push({ speaker: this._userProxyName(), text: note });
    }
    // Round robin starts with the first agent; for a model-chosen speaker the
    // chat opens, as AutoGen's initiate_chat, with the User proxy's message.
    let last: IAgentSpec | null = team.strategy === 'auto' ? executor : null;
    let draftToRun = false;
    let images: string[] = [];
    let failedDrafts = 0;
    const run = async (): Promise<TeamRun.IEnd | string> => {
      draftToRun = false;
      const execution = await this._userProxyTurn();
      if (execution.aborted) {
        return { reason: 'kernel', detail: execution.aborted };
      }
      images = execution.images;
      failedDrafts = execution.failed ? failedDrafts + 1 : 0;
      if (failedDrafts > this._config.maxFixAttempts) {
        return { reason: 'fix-attempts', detail: '' };
      }
      return executionReport(this._cells, execution.failed, this._nonce);
    };
    for (;;) {
      const speaker = await this._strategy.next({
        team,
        last,
        conversation: this._conversation,
        select: messages => this._selectorTurn(messages)
      });
      if (!speaker) {
        return { reason: 'no-speaker', detail: '' };
      }
      let text: string;
      let critique: TeamRun.ICritiqueResult | null = null;
      if (speaker.role === 'executes') {
        if (draftToRun) {
          const ran = await run();
          if (typeof ran !== 'string') {
            return ran;
          }
          text = ran;
        } else {
          text = 'There is no new code to run.';
          this._post(
            'user_proxy',
            'message',
            text,
            false,
            this._speakerOf(speaker)
          );
        }
      } else if (speaker.role === 'critiques') {
        critique = await this._criticTurn(images);
        text = critique.text;
        if (meetsThreshold(critique, this._config.scoreThreshold)) {
          const notReproduced = await this._reproduceTurn();
          if (notReproduced !== null) {
            critique = null;
            text += `\n\n${notReproduced}`;
          }
        }
      } else {
        text = await this._talkTurn(speaker);
        const runnable = speaker.executesCode
          ? extractCodeBlocks(text).filter(block => block.runnable)
          : [];
        if (runnable.length > 0) {
          const draft = await this._applyDraft(
            runnable.map(block => block.code)
          );
          draftToRun = true;
          if (this._config.approvalMode === 'ask') {
            const decision = await this._approve(draft);
            if (decision.kind === 'skip') {
              if (!decision.goOn) {
                return { reason: 'skipped', detail: decision.reason };
              }
              draftToRun = false;
              text += `\n\n${skipFeedback(decision.reason)}`;
            }
          }
          if (draftToRun && !executor) {
            // No one to hand the code to: it runs at once.
            const ran = await run();
            if (typeof ran !== 'string') {
              return ran;
            }
            text += `\n\n${ran}`;
          }
        }
      }
      this._conversation.push({ speaker: speaker.name, text });
      last = speaker;
      const ended = stop.check(this._chatState(text, speaker.name, critique));
      if (ended) {
        return { reason: ended.kind, detail: '' };
      }
    }
  }

  /** The first message of a chat: the task, and what the notebook's folder and kernel hold. */
  private async _openConversation(): Promise<void> {
    if (this._conversation.length > 0) {
      return;
    }
    const context = await this._kernelContext();
    this._conversation.push({
      speaker: this._userProxyName(),
      text: context
        ? `${this.task}\n\nThe notebook's folder and kernel now hold:\n${frameData(context, this._nonce)}`
        : this.task
    });
  }

  private _userProxyName(): string {
    return agentOf(this._config.team, 'executes')?.name ?? 'User_proxy';
  }

  /** One turn of an agent that talks from the conversation: a planner, a custom agent, a group-chat Coder. */
  private async _talkTurn(agent: IAgentSpec): Promise<string> {
    const writes = agent.role === 'writes-code';
    this._setActivity(
      writes
        ? { kind: 'coder-writing' }
        : { kind: 'agent-writing', name: agent.name }
    );
    const systemMessage =
      agent.systemMessage ||
      (writes
        ? this._config.coderSystemMessage
        : describedSystemMessage(agent));
    const messages = groupMessages({
      speaker: agent,
      systemMessage,
      dataNonce: this._nonce,
      conversation: this._conversation,
      maxMessageChars: this._config.maxOutputChars
    });
    const kind: AgentName = writes
      ? 'coder'
      : agent.role === 'plans'
        ? 'planner'
        : 'agent';
    if (writes) {
      this._round += 1;
    }
    const message = this._post(kind, writes ? 'code' : 'message', '', true, {
      ...this._speakerOf(agent),
      ...(writes ? {} : { speaker: agent.name })
    });
    return this._modelTurn(message, messages, agent);
  }

  /** The speaker selector's call: counted, never shown as a message. */
  private async _selectorTurn(messages: IChatMessage[]): Promise<string> {
    this._setActivity({ kind: 'selecting-speaker' });
    Private.throwIfStopped(this._abort);
    this._usage.modelCalls += 1;
    this._agentUsage('manager').modelCalls += 1;
    const result = await this._model.complete({
      agent: 'manager',
      messages,
      signal: this._abort?.signal
    });
    this._countUsage('manager', result.usage);
    return result.text;
  }

  /** A restored round: its cells as they were, run and scored once. */
  private async _restoreLoop(
    sources: string[],
    from: number
  ): Promise<TeamRun.IEnd> {
    const notReady = await this._kernelNotReady();
    if (notReady) {
      return notReady;
    }
    this._round += 1;
    await this._applyDraft(sources);
    const execution = await this._userProxyTurn();
    if (execution.aborted) {
      return { reason: 'kernel', detail: execution.aborted };
    }
    if (execution.failed) {
      return { reason: 'restored', detail: '' };
    }
    const critique = await this._criticTurn(execution.images, from);
    if (!meetsThreshold(critique, this._config.scoreThreshold)) {
      return { reason: 'restored', detail: '' };
    }
    const notReproduced = await this._reproduceTurn();
    if (notReproduced === null) {
      return { reason: 'threshold', detail: '' };
    }
    // Rerun with critique tells the Coder.
    this._coderNotes.push(notReproduced);
    return { reason: 'restored', detail: '' };
  }

  /**
   * The cells the Critic passed, run top to bottom in a fresh kernel: they
   * must not lean on what the notebook's kernel holds. Resolves to the
   * feedback for the Coder when a cell fails there, else null (a check that
   * cannot run or times out proves nothing either way).
   */
  private async _reproduceTurn(): Promise<string | null> {
    this._dropRemovedCells();
    if (!this._config.reproduceCheck || this._cells.length === 0) {
      return null;
    }
    this._setActivity({ kind: 'reproducing' });
    const sources = this._cells.map(
      cell => this._workspace.readCell(cell.id) ?? cell.source
    );
    const seconds = this._config.executionTimeout;
    let result: IFreshRun;
    try {
      result = await Private.unlessStopped(
        this._workspace.runInFreshKernel(sources, {
          timeoutMs: Math.max(0, seconds) * 1000,
          signal: this._abort?.signal
        }),
        this._abort
      );
    } catch (error) {
      if (this._abort?.signal.aborted) {
        throw error;
      }
      result = {
        status: 'unavailable',
        failedCell: null,
        output: [],
        kernel: '',
        reason: error instanceof Error ? error.message : String(error)
      };
    }
    if (result.status === 'stopped') {
      throw Private.stoppedError();
    }
    const converted = toModelOutput(result.output, {
      maxChars: this._config.maxOutputChars,
      vision: false
    });
    const failed = result.status === 'error' && result.failedCell !== null;
    this._post('user_proxy', 'notice', '', false, {
      failed,
      reproduce: {
        status: result.status,
        cells: sources.length,
        failedCell: result.failedCell,
        errorLine: failed
          ? Private.errorLine(result.output, converted.text)
          : '',
        kernel: result.kernel,
        reason: result.reason ?? '',
        seconds
      }
    });
    return failed
      ? freshKernelFeedback(result.failedCell!, converted.text, this._nonce)
      : null;
  }

  private async _coderTurn(
    feedback: string | null,
    userNote: string | null
  ): Promise<string> {
    this._setActivity({ kind: 'coder-writing' });
    this._dropRemovedCells();
    // The Coder revises what is in the notebook now, edits by the user included.
    for (const cell of this._cells) {
      cell.source = this._workspace.readCell(cell.id) ?? cell.source;
    }
    const notes = this._coderNotes.splice(0);
    // The first draft of a run sees the files and DataFrames it can use.
    const context =
      this._cells.length === 0 && this._round === 1
        ? await this._kernelContext()
        : null;
    const messages = coderMessages({
      context,
      systemMessage:
        this._writer()?.systemMessage || this._config.coderSystemMessage,
      dataNonce: this._nonce,
      task: this.task,
      notebookPath: this._workspace.path,
      cells: this._cells,
      errorCell: this._errorCell,
      feedback: [feedback, ...notes].filter(Boolean).join('\n\n') || null,
      userNote
    });
    const writer = this._writer();
    return this._modelTurn(
      this._post('coder', 'code', '', true, this._speakerOf(writer)),
      messages,
      writer
    );
  }

  /** The team's agent that writes code (the pipeline has exactly one). */
  private _writer(): IAgentSpec | null {
    return agentOf(this._config.team, 'writes-code');
  }

  /** An agent's own name on its messages, when it is not the usual Coder, Critic or User proxy. */
  private _speakerOf(agent: IAgentSpec | null): Partial<TeamRun.IMessage> {
    return agent && !Private.USUAL_NAMES.has(agent.name)
      ? { speaker: agent.name }
      : {};
  }

  /** Wait while the kernel runs the user's own code, saying so; Stop ends the wait. */
  private async _whenKernelIdle(): Promise<void> {
    if (!this._workspace.isKernelBusy()) {
      return;
    }
    const running = this._activity;
    this._setActivity({ kind: 'waiting-for-kernel' });
    await Private.unlessStopped(this._workspace.whenKernelIdle(), this._abort);
    this._setActivity(running);
  }

  /**
   * A silent look into the kernel; Stop ends the wait. Skipped while the
   * kernel runs the user's code: it would wait behind it.
   */
  private async _inspect(expression: string): Promise<string | null> {
    if (this._workspace.isKernelBusy()) {
      return null;
    }
    return Private.unlessStopped(
      this._workspace.inspect(expression, INSPECT_TIMEOUT_MS),
      this._abort
    );
  }

  /** The notebook's folder and kernel, read silently, within its budget; null if the kernel cannot tell. */
  private async _kernelContext(): Promise<string | null> {
    const context = parseKernelContext(
      await this._inspect(KERNEL_CONTEXT_EXPRESSION)
    );
    return context
      ? formatKernelContext(context, KERNEL_CONTEXT_CHARS) || null
      : null;
  }

  private async _criticTurn(
    images: string[],
    restoredFrom?: number
  ): Promise<TeamRun.ICritiqueResult> {
    this._setActivity({ kind: 'critic-scoring' });
    this._dropRemovedCells();
    const messages = criticMessages({
      systemMessage: criticSystemMessage(
        agentOf(this._config.team, 'critiques')?.systemMessage ||
          this._config.criticSystemMessage,
        this._config.rubric
      ),
      dataNonce: this._nonce,
      task: this.task,
      cells: this._cells,
      chartFacts: this._chartFacts,
      images: this._config.vision ? images : []
    });
    const previous = this._latestCritique;
    const scored: TeamRun.IScoredRound = {
      sources: this._cells.map(cell => cell.source),
      plot: this._roundPlot,
      ...(restoredFrom === undefined ? {} : { restoredFrom })
    };
    const critic = agentOf(this._config.team, 'critiques');
    const message = this._post(
      'critic',
      'critique',
      '',
      true,
      this._speakerOf(critic)
    );
    const text = await this._modelTurn(message, messages, critic);
    const critique = {
      ...parseCritique(text, this._config.rubric),
      text
    };
    this._latestCritique = critique;
    this.transcript.update(message.id, {
      critique,
      previousCritique: previous,
      scored
    });
    return critique;
  }

  /** One agent turn: exactly one streamed model call, into `message`, by `agent` of the team. */
  private async _modelTurn(
    message: TeamRun.IMessage,
    messages: IChatMessage[],
    agent: IAgentSpec | null
  ): Promise<string> {
    const speaker = agent ? agentKey(agent) : message.agent;
    this._usage.modelCalls += 1;
    this._agentUsage(message.agent).modelCalls += 1;
    const { id } = message;
    let text = '';
    let patch: Partial<TeamRun.IMessage> = {};
    try {
      Private.throwIfStopped(this._abort);
      const result = await this._model.complete({
        agent: message.agent,
        ...(speaker !== message.agent ? { speaker } : {}),
        ...(agent?.provider ? { provider: agent.provider } : {}),
        messages,
        signal: this._abort?.signal,
        onToken: delta => {
          text += delta;
          this.transcript.update(id, { text });
        },
        onEvent: event => this._onChatEvent(message, event)
      });
      patch = {
        text: result.text,
        ...(result.route ? { route: result.route } : {}),
        ...(result.cached ? { cached: true } : {}),
        ...(result.usage ? { usage: result.usage } : {})
      };
      this._countUsage(message.agent, result.usage);
      return result.text;
    } catch (error) {
      // A reply cut short by Stop (or a closed notebook) stays, marked as such.
      patch = this._abort?.signal.aborted
        ? { stopped: true }
        : { failed: true };
      throw error;
    } finally {
      this.transcript.update(id, { ...patch, streaming: false });
    }
  }

  /** A retry shows in the status line; a move to another endpoint in the transcript. */
  private _onChatEvent(message: TeamRun.IMessage, event: ChatEvent): void {
    if (event.kind === 'retry') {
      const activity = this._activity;
      this._setActivity({
        kind: 'retrying',
        agent: message.agent,
        seconds: Math.ceil(event.delayMs / 1000),
        attempt: event.attempt,
        of: event.of
      });
      // The reply resumes streaming under the same activity as before.
      setTimeout(() => {
        if (this._activity.kind === 'retrying') {
          this._setActivity(activity);
        }
      }, event.delayMs);
      return;
    }
    this._post(message.agent, 'notice', '', false, {
      fallback: { from: event.from, to: event.to, reason: event.reason }
    });
  }

  private _agentUsage(agent: AgentName): TeamRun.IAgentUsage {
    const byAgent = (this._usage.byAgent ??= {});
    return (byAgent[agent] ??= {
      modelCalls: 0,
      promptTokens: 0,
      completionTokens: 0
    });
  }

  private _countUsage(agent: AgentName, usage: ITokenUsage | undefined): void {
    if (!usage) {
      return;
    }
    const mine = this._agentUsage(agent);
    for (const total of [this._usage, mine]) {
      total.promptTokens += usage.promptTokens;
      total.completionTokens += usage.completionTokens;
    }
    if (usage.estimated) {
      this._usage.estimated = true;
    }
  }

  /**
   * Put the draft into the team's cells, as one undo step: revise in place,
   * add or remove the difference. Resolves to the draft as the user reviews it.
   */
  private async _applyDraft(sources: string[]): Promise<TeamRun.IDraft> {
    this._dropRemovedCells();
    const metadata: ITeamCellMetadata = {
      run: this.id,
      round: this._round,
      agent: 'coder'
    };
    const previous = this._cells.map(
      cell => this._workspace.readCell(cell.id) ?? cell.source
    );
    const ids = await this._workspace.writeDraft(
      sources.map((source, i) => ({
        cellId: this._cells[i]?.id ?? null,
        source
      })),
      this._cells.slice(sources.length).map(cell => cell.id),
      metadata
    );
    this._cells = ids.map((id, i) => ({
      id,
      source: sources[i],
      output: '(not run yet)'
    }));
    return {
      cells: ids.map((cellId, i) => ({
        cellId,
        number: i + 1,
        source: sources[i],
        previous: i < previous.length ? previous[i] : null
      })),
      decision: 'pending',
      edited: [],
      reason: ''
    };
  }

  /** Ask mode: the draft waits, highlighted, until the user runs or skips it. */
  private async _approve(draft: TeamRun.IDraft): Promise<TeamRun.Decision> {
    const message = this._post('user_proxy', 'approval', '', false, { draft });
    const ids = draft.cells.map(cell => cell.cellId);
    this._workspace.markPending(ids, true);
    try {
      const decision = await this._await({ kind: 'approve-draft' });
      if (decision.kind === 'skip') {
        this.transcript.update(message.id, {
          draft: { ...draft, decision: 'skipped', reason: decision.reason }
        });
        return decision;
      }
      // The user's edits run as they are, and the Coder learns of them.
      const edited: number[] = [];
      this._cells.forEach((cell, i) => {
        const now = this._workspace.readCell(cell.id);
        if (now !== null && now !== cell.source) {
          edited.push(i + 1);
          this._coderNotes.push(
            userEditFeedback(i + 1, formatChanges(cell.source, now))
          );
          cell.source = now;
        }
      });
      this.transcript.update(message.id, {
        draft: { ...draft, decision: 'run', edited }
      });
      return decision;
    } finally {
      this._workspace.markPending(ids, false);
    }
  }

  /** The User proxy runs the cells in order and stops at the first error. */
  private async _userProxyTurn(): Promise<TeamRun.IExecutionOutcome> {
    const reports: TeamRun.ICellReport[] = [];
    const message = this._post('user_proxy', 'execution', '', true, {
      cells: [],
      ...this._speakerOf(agentOf(this._config.team, 'executes'))
    });
    const outcome: TeamRun.IExecutionOutcome = {
      failed: null,
      aborted: null,
      images: []
    };
    this._roundPlot = null;
    this._errorCell = null;
    this._chartFacts = null;
    const report = (entry: TeamRun.ICellReport) => {
      reports.push(entry);
      this.transcript.update(message.id, { cells: [...reports] });
    };
    try {
      const cells = [...this._cells];
      // Figures close as they are shown: watch them before the cells run.
      await this._whenKernelIdle();
      await this._inspect(
        chartWatchExpression(
          cells.some(cell => Private.PLOTS.test(cell.source))
        )
      );
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i];
        const number = i + 1;
        const base = { cellId: cell.id, number, executionCount: null };
        if (!this._workspace.hasCell(cell.id)) {
          report({ ...base, status: 'removed', output: '' });
          continue;
        }
        this._setActivity({
          kind: 'running-cell',
          cell: number,
          of: cells.length
        });
        const { execution, ended } = await this._execute(cell.id);
        const converted = toModelOutput(execution.outputs, {
          maxChars: this._config.maxOutputChars,
          vision: this._config.vision
        });
        cell.output = converted.text;
        outcome.images.push(...converted.images);
        const plot = this._roundPlot ? null : firstPng(execution.outputs);
        if (plot) {
          this._roundPlot = await this._thumbnail(plot);
        }
        const status: TeamRun.CellStatus =
          ended === 'timeout'
            ? 'timeout'
            : ended === 'stopped'
              ? 'interrupted'
              : execution.status;
        report({
          ...base,
          executionCount: execution.executionCount,
          status,
          output: converted.text,
          outputs: execution.outputs.length,
          plots: execution.outputs.filter(
            output => output.data && 'image/png' in output.data
          ).length
        });
        if (ended === 'stopped') {
          this._interruptedCell = number;
          throw Private.stoppedError();
        }
        if (ended === 'timeout') {
          outcome.failed = timeoutFeedback(
            number,
            this._config.executionTimeout,
            converted.text,
            this._nonce
          );
          break;
        }
        if (execution.status === 'aborted') {
          outcome.aborted = execution.reason ?? `cell ${number} did not finish`;
          break;
        }
        if (execution.status === 'error') {
          outcome.failed = errorFeedback(number, converted.text, this._nonce);
          this._errorCell = number;
          break;
        }
      }
      for (const cell of cells.slice(reports.length)) {
        cell.output = '(not run: an earlier cell failed)';
      }
      if (!outcome.failed && !outcome.aborted) {
        const facts = parseChartFacts(
          await this._inspect(CHART_FACTS_EXPRESSION)
        );
        this._chartFacts = facts
          ? formatChartFacts(facts, CHART_FACTS_CHARS) || null
          : null;
      }
    } finally {
      this.transcript.update(message.id, {
        streaming: false,
        failed: outcome.failed !== null || outcome.aborted !== null
      });
    }
    return outcome;
  }

  /**
   * Execute one cell. The team waits while the kernel is busy with the user's
   * own code, so nothing of the team's is queued behind it; the timeout counts
   * from when the cell starts. Stop and the timeout interrupt the kernel, and
   * only while it runs this cell.
   */
  private async _execute(cellId: string): Promise<TeamRun.IExecuted> {
    Private.throwIfStopped(this._abort);
    await this._whenKernelIdle();
    const run = this._workspace.executeCell(cellId);
    const seconds = this._config.executionTimeout;
    const signal = this._abort!.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort = () => {};
    const ended = await new Promise<TeamRun.IExecuted['ended']>(resolve => {
      void run.done.then(
        () => resolve('done'),
        () => resolve('done')
      );
      onAbort = () => resolve('stopped');
      signal.addEventListener('abort', onAbort);
      if (signal.aborted) {
        resolve('stopped');
      }
      if (seconds > 0) {
        void run.started.then(() => {
          timer = setTimeout(() => resolve('timeout'), seconds * 1000);
        });
      }
    });
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    if (ended === 'done') {
      return { execution: await run.done, ended };
    }
    this._setActivity({ kind: 'interrupting' });
    await this._workspace.interrupt(cellId);
    const execution = await Private.within(run.done, INTERRUPT_GRACE_MS);
    return {
      execution: execution ?? {
        status: 'aborted',
        outputs: [],
        executionCount: null,
        reason: 'the kernel did not stop after the interrupt'
      },
      ended
    };
  }

  /** Forget cells the user deleted, say so once, and tell the Coder. */
  private _dropRemovedCells(): void {
    const removed = this._cells.filter(
      cell => !this._workspace.hasCell(cell.id)
    );
    if (removed.length === 0) {
      return;
    }
    for (const cell of removed) {
      this._post('user_proxy', 'notice', '', false, {
        removedCell: this._cells.indexOf(cell) + 1
      });
    }
    this._cells = this._cells.filter(cell => !removed.includes(cell));
    this._coderNotes.push(removedCellsNote(removed.length));
  }

  /** Wait for the user's decision; Stop and faults end the wait. */
  private _await(
    request: { kind: 'approve-draft' } | { kind: 'feedback'; end: TeamRun.IEnd }
  ): Promise<TeamRun.Decision> {
    this._setActivity({
      kind:
        request.kind === 'feedback' ? 'awaiting-feedback' : 'awaiting-approval'
    });
    const decided = new Promise<TeamRun.Decision>(resolve => {
      this._pending = { kind: request.kind, resolve };
    });
    this._changed.emit({ type: 'phase' });
    return Private.unlessStopped(decided, this._abort).finally(() => {
      this._pending = null;
      this._changed.emit({ type: 'phase' });
    });
  }

  private _decide(
    kind: TeamRun.DecisionKind,
    decision: TeamRun.Decision
  ): void {
    if (this._pending?.kind === kind) {
      this._pending.resolve(decision);
    }
  }

  private _onFault(_: INotebookWorkspace, fault: IWorkspaceFault): void {
    if (!this._fault) {
      this._fault = fault;
      this._abort?.abort();
    }
  }

  /** The end a used-up budget calls for (messages, time, tokens), or null. */
  private _budgetEnd(): TeamRun.IEnd | null {
    const stop = budgetsOf(this._terminationSettings()).check(
      this._chatState('', '', null)
    );
    return stop ? { reason: stop.kind, detail: '' } : null;
  }

  private _terminationSettings() {
    return {
      maxMessages: this._config.maxRounds,
      mention: 'TERMINATE',
      scoreThreshold: this._config.scoreThreshold,
      timeoutSeconds: this._config.timeLimit,
      tokenBudget: this._config.tokenBudget
    };
  }

  private _chatState(
    lastText: string,
    lastSpeaker: string,
    critique: ICritique | null
  ): IChatState {
    return {
      messages: this._cycleMessages,
      lastText,
      lastSpeaker,
      critique,
      elapsedMs: Date.now() - this._cycleStartedAt,
      tokens: this._usage.promptTokens + this._usage.completionTokens
    };
  }

  private _post(
    agent: AgentName,
    kind: TeamRun.MessageKind,
    text: string,
    streaming = false,
    extra: Partial<TeamRun.IMessage> = {}
  ): TeamRun.IMessage {
    if (
      kind === 'code' ||
      kind === 'execution' ||
      kind === 'critique' ||
      kind === 'message'
    ) {
      this._cycleMessages += 1;
    }
    return this.transcript.add({
      failed: false,
      ...extra,
      agent,
      kind,
      round: this._round,
      text,
      streaming
    });
  }

  private _end(reason: TeamRun.EndReason, detail: string): TeamRun.ISummary {
    const critique = this._latestCritique;
    const summary: TeamRun.ISummary = {
      reason,
      detail,
      rounds: this._round,
      critique,
      threshold: this._config.scoreThreshold,
      interruptedCell: this._interruptedCell,
      usage: this.usage,
      seconds: Math.round((Date.now() - this._cycleStartedAt) / 1000)
    };
    // Kept in the transcript, so a rerun does not hide how the cycle before it ended.
    this._post('user_proxy', 'summary', '', false, { summary });
    this._abort = null;
    this._setActivity({ kind: 'idle' });
    this._setPhase('ended');
    return summary;
  }

  private _setActivity(activity: TeamRun.IActivity): void {
    this._activity = activity;
    this._changed.emit({ type: 'activity' });
  }

  private _setPhase(phase: TeamRun.Phase): void {
    this._phase = phase;
    this._changed.emit({ type: 'phase' });
  }

  private _model: IChatModel;
  private _thumbnail: (png: string) => Promise<string | null>;
  private _startedAt = new Date().toISOString();
  private _workspace: INotebookWorkspace;
  private _config: ITeamConfig;
  private _phase: TeamRun.Phase = 'idle';
  private _activity: TeamRun.IActivity = { kind: 'idle' };
  private _latestCritique: TeamRun.ICritiqueResult | null = null;
  private _cells: TeamRun.ITeamCell[] = [];
  /** What the Coder must hear on its next turn besides the feedback (user edits, removed cells). */
  private _coderNotes: string[] = [];
  /** A group chat's messages (and the pipeline's planning), as the agents read them. */
  private _conversation: ISpokenMessage[] = [];
  private _strategy: ISpeakerStrategy;
  /** Marks kernel output as data in every prompt of this run. */
  private _nonce: string;
  private _round = 0;
  /** What the round's figures show, for the Critic. */
  private _chartFacts: string | null = null;
  /** The cell whose error the Coder's next feedback reports (its output is not repeated). */
  private _errorCell: number | null = null;
  /** The first plot the current round's cells drew. */
  private _roundPlot: string | null = null;
  private _cycleMessages = 0;
  private _cycleStartedAt = Date.now();
  private _usage: TeamRun.IUsage = {
    modelCalls: 0,
    promptTokens: 0,
    completionTokens: 0
  };
  private _abort: AbortController | null = null;
  private _fault: IWorkspaceFault | null = null;
  private _interruptedCell: number | null = null;
  private _pending: {
    kind: TeamRun.DecisionKind;
    resolve: (decision: TeamRun.Decision) => void;
  } | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, TeamRun.IChange>(this);
}

/** How long a silent look into the kernel may take before the team goes on without it. */
const INSPECT_TIMEOUT_MS = 5000;

/** The most characters of kernel context the Coder's first prompt carries. */
const KERNEL_CONTEXT_CHARS = 900;

/** The most characters of chart facts a critique prompt carries. */
const CHART_FACTS_CHARS = 700;

/** How long a cell may take to stop after the kernel is interrupted. */
const INTERRUPT_GRACE_MS = 10000;

/**
 * Whether a critique meets the threshold: only with every score parsed, since
 * a critique cut short proves nothing. The loop and the scorecard both use it.
 */
export function meetsThreshold(
  critique: ICritique,
  threshold: number
): boolean {
  return (
    critique.missing.length === 0 &&
    critique.lowest !== null &&
    critique.lowest >= threshold
  );
}

export namespace TeamRun {
  export interface IOptions {
    task: string;
    model: IChatModel;
    workspace: INotebookWorkspace;
    config: ITeamConfig;
    id?: string;
    /**
     * Marks kernel output as data in this run's prompts; random unless given
     * (a response cache needs the same prompts for the same task).
     */
    dataNonce?: string;
    /** Speaker strategies by name, beyond the built-in round robin and auto (see the registry). */
    strategies?: Readonly<Record<string, ISpeakerStrategy>>;
    /** The image URL kept for a round's gallery card (default: the plot itself, as a data URL). */
    thumbnail?: (png: string) => Promise<string | null>;
  }

  export type Phase = 'idle' | 'running' | 'ended';

  /** Who is doing what, for the status line. */
  export type IActivity =
    | { kind: 'idle' }
    | { kind: 'checking-kernel' }
    | { kind: 'coder-writing' }
    | { kind: 'agent-writing'; name: string }
    | { kind: 'selecting-speaker' }
    | { kind: 'awaiting-approval' }
    | { kind: 'waiting-for-kernel' }
    | { kind: 'running-cell'; cell: number; of: number }
    | { kind: 'interrupting' }
    | {
        kind: 'retrying';
        agent: AgentName;
        seconds: number;
        attempt: number;
        of: number;
      }
    | { kind: 'critic-scoring' }
    | { kind: 'reproducing' }
    | { kind: 'awaiting-feedback' };

  export type MessageKind = Transcript.MessageKind;
  export type ICritiqueResult = Transcript.ICritiqueResult;
  export type CellStatus = Transcript.CellStatus;
  export type ICellReport = Transcript.ICellReport;
  export type IDraft = Transcript.IDraft;
  export type IMessage = Transcript.IMessage;
  export type EndReason = Transcript.EndReason;
  export type IUsage = Transcript.IUsage;
  export type IAgentUsage = Transcript.IAgentUsage;
  export type ISummary = Transcript.ISummary;
  export type IScoredRound = Transcript.IScoredRound;
  export type IReproduceCheck = Transcript.IReproduceCheck;

  /** A round the Critic scored, as the gallery shows it. */
  export interface IScoredRoundEntry {
    /** The critique message that holds it. */
    messageId: string;
    round: number;
    critique: ICritiqueResult;
    scored: IScoredRound;
  }

  export type DecisionKind = 'approve-draft' | 'feedback';

  export type Decision =
    | { kind: 'run' }
    | { kind: 'skip'; reason: string; goOn: boolean }
    | { kind: 'feedback'; text: string }
    | { kind: 'close' };

  /** What changed besides the messages (those signal through the transcript). */
  export type IChange = { type: 'activity' } | { type: 'phase' };

  /** A run as the notebook's metadata keeps it. */
  export interface IRecord {
    version: 1;
    id: string;
    task: string;
    /** ISO time the run was started. */
    startedAt: string;
    round: number;
    usage: IUsage;
    latestCritique: ICritiqueResult | null;
    cells: ITeamCell[];
    messages: IMessage[];
  }

  export interface IEnd {
    reason: EndReason;
    detail: string;
  }

  /** A cell of the team's current draft, as the prompts show it. */
  export interface ITeamCell {
    id: string;
    source: string;
    /** Its outputs, already converted to model text. */
    output: string;
  }

  export interface IExecuted {
    execution: ICellExecution;
    /** done: the cell finished by itself; timeout and stopped: it was interrupted. */
    ended: 'done' | 'timeout' | 'stopped';
  }

  export interface IExecutionOutcome {
    /** The feedback for the Coder when a cell raised or timed out, else null. */
    failed: string | null;
    /** Why execution could not go on (the kernel died or restarted), or null. */
    aborted: string | null;
    images: string[];
  }
}

namespace Private {
  /** Code that draws with matplotlib (pandas and seaborn included). */
  export const PLOTS = /matplotlib|\bplt\.|\.plot\b|\.hist\(|seaborn|\bsns\./;

  /** The names the usual members go by, shown by their translated labels. */
  export const USUAL_NAMES = new Set(['Coder', 'Critic', 'User_proxy']);

  /** Ends the user cannot turn into a new round with feedback. */
  export const ENDS_FOR_GOOD = new Set<TeamRun.EndReason>([
    'stopped',
    'model-error',
    'kernel',
    'notebook',
    'internal'
  ]);

  /** Resolves as `promise` does, or rejects as soon as the user presses Stop. */
  export function unlessStopped<T>(
    promise: Promise<T>,
    abort: AbortController | null
  ): Promise<T> {
    const signal = abort?.signal;
    if (!signal) {
      return promise;
    }
    if (signal.aborted) {
      return Promise.reject(stoppedError());
    }
    let onAbort = () => {};
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(stoppedError());
      signal.addEventListener('abort', onAbort);
    });
    return Promise.race([promise, stopped]).finally(() =>
      signal.removeEventListener('abort', onAbort)
    );
  }

  /** Resolves as `promise` does, or to null after `ms`. */
  export function within<T>(
    promise: Promise<T>,
    ms: number
  ): Promise<T | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>(resolve => {
      timer = setTimeout(() => resolve(null), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  }

  /** The exception's final line ("NameError: name 'cars' is not defined"). */
  export function errorLine(outputs: IRawOutput[], text: string): string {
    const error = outputs.find(output => output.output_type === 'error');
    if (error?.ename) {
      return stripAnsi(
        error.evalue ? `${error.ename}: ${error.evalue}` : error.ename
      );
    }
    const lines = text.trim().split('\n');
    return lines[lines.length - 1] ?? '';
  }

  export function stoppedError(): ChatModelError {
    return new ChatModelError('stopped by the user', 'aborted');
  }

  export function throwIfStopped(abort: AbortController | null): void {
    if (abort?.signal.aborted) {
      throw stoppedError();
    }
  }
}
