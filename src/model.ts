/**
 * The sidebar's state: the runs of this session, which one is live, and the
 * notice shown when a request cannot start. Views render it; commands and
 * views call its methods.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import type { ModelConnections } from './connections';
import type { IEndpointStatus } from './llm/endpoints';
import type { IModelDecision, ModelChoices } from './llm/modelChoice';
import { cellPngs } from './notebook/cellImages';
import { readRunRecords, writeRunRecords } from './notebook/runStore';
import { AgentTeamRegistry } from './registry';
import { AgentTeamSettings } from './settings';
import {
  BUILT_IN_STRATEGIES,
  PRESETS,
  type IAgentSpec,
  type ITeamSpec
} from './team/agents';
import { exportRunMarkdown } from './team/exportMarkdown';
import { stableNonce } from './team/prompts';
import { TeamRun } from './team/teamRun';
import {
  ChatModelError,
  type IChatModel,
  type IChatRequest,
  type IChatResult,
  type INotebookWorkspace
} from './team/types';
import type { IAgentTeamRegistry } from './tokens';
import { connectionStateLabel } from './widgets/labels';

export class AgentTeamModel {
  constructor(options: AgentTeamModel.IOptions) {
    this._tracker = options.tracker;
    this._settings = options.settings;
    this._createChatModelFor = options.createChatModel;
    this._createWorkspace = options.createWorkspace;
    this._connections = options.connections;
    this._connections.changed.connect(this._emit, this);
    this._thumbnail = options.thumbnail;
    this._registry = options.registry ?? new AgentTeamRegistry();
    // What another extension registers shows in the team editor at once.
    this._registry.changed.connect(this._emit, this);
    this._contents = options.contents;
    this._activate = options.activate;
    this._trans = options.translator.load('jupyterlab_agent_team');
    this._settings.changed.connect(this._onSettingsChanged, this);
    // A notebook brings back the runs it keeps, when it opens.
    this._tracker.widgetAdded.connect(
      (_, panel) => void this._restoreRuns(panel)
    );
    this._tracker.forEach(panel => void this._restoreRuns(panel));
  }

  /** Every run of this session, oldest first. */
  get runs(): readonly TeamRun[] {
    return this._runs;
  }

  /** The run in progress, if any. */
  get activeRun(): TeamRun | null {
    const last = this._runs[this._runs.length - 1];
    return last && last.phase === 'running' ? last : null;
  }

  /** The newest run that "Rerun with critique" applies to, if it can. */
  get rerunnable(): TeamRun | null {
    if (this.activeRun) {
      return null;
    }
    const last = this._runs[this._runs.length - 1];
    return last && last.canRerun ? last : null;
  }

  /** A message for the user about a request that could not start. */
  get notice(): string | null {
    return this._notice;
  }

  /** The endpoints, their states and the models each agent uses. */
  get connections(): ModelConnections {
    return this._connections;
  }

  /** A failed run's task, handed back to the task box (a new id each time). */
  get returnedTask(): { id: number; text: string } | null {
    return this._returnedTask;
  }

  get settings(): AgentTeamSettings {
    return this._settings;
  }

  /** The team the settings describe, and what the team editor offers. */
  get teamChoices(): AgentTeamModel.ITeamChoices {
    const { team, problem } = this._settings.teamSpec();
    return {
      team,
      problem,
      presets: [
        ...new Set([
          ...Object.keys(PRESETS),
          ...Object.keys(this._registry.presets)
        ])
      ],
      strategies: [
        ...new Set([
          ...BUILT_IN_STRATEGIES,
          ...Object.keys(this._registry.strategies)
        ])
      ],
      registered: this._registry.agents
    };
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Start the team on a task in the active notebook. Resolves when the run
   * ends, or at once with a notice when it cannot start.
   */
  async ask(task: string): Promise<TeamRun.ISummary | null> {
    const text = task.trim();
    if (!text) {
      return this._refuse(this._trans.__('Type a task for the team first.'));
    }
    if (this.activeRun || this._starting) {
      return this._refuse(
        this._trans.__(
          'The team is still working. Stop it or wait for it to finish.'
        ),
        text
      );
    }
    return this._askOn(this._tracker.currentWidget, text);
  }

  /**
   * Try a failed run again: its task anew in its notebook, or the rerun
   * that failed.
   */
  async retry(run: TeamRun): Promise<TeamRun.ISummary | null> {
    if (this.activeRun || this._starting) {
      return this._refuse(
        this._trans.__(
          'The team is still working. Stop it or wait for it to finish.'
        )
      );
    }
    const cycles = run.messages.filter(message => message.summary).length;
    if (cycles > 1 && run === this.rerunnable) {
      return this.rerunWithCritique();
    }
    const panel = this._panels.get(run);
    return this._askOn(
      panel && !panel.isDisposed ? panel : this._tracker.currentWidget,
      run.task
    );
  }

  private async _askOn(
    panel: NotebookPanel | null,
    text: string
  ): Promise<TeamRun.ISummary | null> {
    if (!panel) {
      return this._refuse(
        this._trans.__(
          'Open a notebook first: the team writes and runs its cells in the active notebook.'
        ),
        text
      );
    }
    // The models shown are the models used: wait for the first check.
    this._starting = true;
    let choice: IModelDecision;
    try {
      await this._connections.ready;
      choice = this._connections.choose();
    } finally {
      this._starting = false;
    }
    if (!choice.choices || choice.problem) {
      return this._refuse(this._problemText(choice.problem), text);
    }
    const teamProblem = this._settings.teamSpec().problem;
    if (teamProblem) {
      return this._refuse(
        this._trans.__(
          'The Team setting cannot be used: %1 Change it in Settings ▸ Settings Editor ▸ Agent Team ▸ Team.',
          teamProblem
        ),
        text
      );
    }
    const rubricProblem = this._settings.rubricProblem;
    if (rubricProblem) {
      return this._refuse(
        this._trans.__(
          'The Critic rubric setting cannot be used: %1 Change it in Settings ▸ Settings Editor ▸ Agent Team ▸ Critic rubric.',
          rubricProblem
        ),
        text
      );
    }
    const { cache, seed } = this._settings.model;
    const run = new TeamRun({
      task: text,
      model: this._chatModel,
      // Cached replies need the same prompts for the same task.
      ...(cache ? { dataNonce: stableNonce(text, seed) } : {}),
      workspace: this._createWorkspace(panel),
      config: this._teamConfig(),
      strategies: this._registry.strategies,
      thumbnail: this._thumbnail
    });
    this._watch(run, panel);
    this._runs.push(run);
    this._save(panel);
    this._notice = null;
    this._emit();
    return run.start();
  }

  /** Revise the newest run's cells from its latest critique. */
  async rerunWithCritique(note = ''): Promise<TeamRun.ISummary | null> {
    const run = this.rerunnable;
    if (!run) {
      return this._refuse(
        this._trans.__(
          'Nothing to rerun: the latest run has no critique, or its cells or notebook are gone.'
        )
      );
    }
    this._notice = null;
    return run.rerunWithCritique(note);
  }

  /** Whether a round of this run can be restored now: it is the newest run, idle, in an open notebook. */
  canRestore(run: TeamRun): boolean {
    const panel = this._panels.get(run);
    return (
      !this.activeRun &&
      run === this._runs[this._runs.length - 1] &&
      run.phase === 'ended' &&
      !!panel &&
      !panel.isDisposed
    );
  }

  /** Put a scored round's code back into the run's cells, rerun and rescore them. */
  async restoreRound(
    run: TeamRun,
    round: number
  ): Promise<TeamRun.ISummary | null> {
    if (!this.canRestore(run)) {
      return this._refuse(
        this._trans.__(
          'Only the newest run can restore a round, once the team is idle and its notebook is open.'
        )
      );
    }
    this._notice = null;
    this._emit();
    return run.restoreRound(round);
  }

  stop(): void {
    this.activeRun?.stop();
  }

  /** Show a team cell of the run in its notebook: activate it and scroll to the cell. */
  revealCell(run: TeamRun, cellId: string): boolean {
    const panel = this._panels.get(run);
    const index =
      panel && !panel.isDisposed
        ? panel.content.widgets.findIndex(cell => cell.model.id === cellId)
        : -1;
    if (!panel || index === -1) {
      return false;
    }
    this._activate(panel);
    panel.content.activeCellIndex = index;
    void panel.content.scrollToItem(index, 'smart');
    return true;
  }

  /** Empty the server's response cache; the notice says how many replies went. */
  async clearCache(): Promise<number | null> {
    try {
      const removed = await this._connections.clearCache();
      this._notice = this._trans._n(
        'Cleared %1 cached reply.',
        'Cleared %1 cached replies.',
        removed
      );
      return removed;
    } catch (error) {
      this._notice = this._trans.__(
        'Could not clear the response cache: %1',
        error instanceof Error ? error.message : String(error)
      );
      return null;
    } finally {
      this._emit();
    }
  }

  /**
   * Write the run as Markdown beside its notebook, with the plots its cells
   * show now as PNG files; resolves to the report's path, or null when the
   * files could not be written (the notice says why).
   */
  async exportRun(
    run: TeamRun,
    describeEnd: (summary: TeamRun.ISummary) => string
  ): Promise<string | null> {
    try {
      const path = await this._writeExport(run, describeEnd);
      this._notice = this._trans.__('Exported the run to %1', path);
      return path;
    } catch (error) {
      this._notice = this._trans.__(
        'Could not export the run: %1',
        error instanceof Error ? error.message : String(error)
      );
      return null;
    } finally {
      this._emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._runs.forEach(run => run.dispose());
    this._settings.changed.disconnect(this._onSettingsChanged, this);
    Signal.clearData(this);
  }

  /**
   * The model client for the endpoints and models chosen now, built again
   * when the choice changes, so a picker applies from the next call on.
   */
  private async _complete(request: IChatRequest): Promise<IChatResult> {
    const provided = this._providerFor(request);
    if (provided) {
      return provided.complete(request);
    }
    const choice = this._connections.choose();
    if (!choice.choices || choice.problem) {
      throw new ChatModelError(
        this._problemText(choice.problem),
        'unreachable'
      );
    }
    const key = JSON.stringify([
      Object.values(choice.choices).map(agent =>
        agent.routes.map(route => [route.endpoint.name, route.model])
      ),
      this._settings.model
    ]);
    if (key !== this._builtKey || !this._built) {
      this._built = this._createChatModelFor(choice.choices);
      this._builtKey = key;
    }
    return this._built.complete(request);
  }

  /** The model another extension provides for this call, if the speaking agent names one. */
  private _providerFor(request: IChatRequest): IChatModel | null {
    if (!request.provider) {
      return null;
    }
    const model = this._registry.modelProviders[request.provider];
    if (!model) {
      throw new ChatModelError(
        this._trans.__(
          'No extension provides the model "%1" that %2 uses.',
          request.provider,
          request.speaker ?? request.agent
        ),
        'invalid'
      );
    }
    return model;
  }

  /** The settings' team config; plots go to the Critic if its model takes images. */
  private _teamConfig(): TeamRun.IOptions['config'] {
    const vision = this._connections.choose().choices?.critic.vision;
    return {
      ...this._settings.team,
      vision: vision ?? this._settings.visionFallback
    };
  }

  /** Why no run can start, and what to do, in a sentence or two. */
  private _problemText(problem: IEndpointStatus | null): string {
    if (!problem) {
      return (
        this._connections.error ??
        this._trans.__(
          'The Jupyter server knows no model endpoint. Set OPENAI_BASE_URL or c.AgentTeam.endpoints, or press Find local servers.'
        )
      );
    }
    return [
      this._trans.__(
        '%1: %2',
        problem.name,
        connectionStateLabel(problem.state, this._trans)
      ),
      problem.reason,
      problem.fix
    ]
      .filter(Boolean)
      .join(' — ');
  }

  private async _writeExport(
    run: TeamRun,
    describeEnd: (summary: TeamRun.ISummary) => string
  ): Promise<string> {
    const dir = PathExt.dirname(run.notebookPath);
    const stem = `${PathExt.basename(run.notebookPath, '.ipynb')}-agent-team-${run.id.slice(0, 8)}`;
    const panel = this._panels.get(run);
    const pngs = panel && !panel.isDisposed ? cellPngs(panel, run.cellIds) : [];
    const plotFiles = pngs.map((_, i) => `${stem}-plot-${i + 1}.png`);
    for (let i = 0; i < pngs.length; i++) {
      await this._contents.save(PathExt.join(dir, plotFiles[i]), {
        type: 'file',
        format: 'base64',
        content: pngs[i]
      });
    }
    const path = PathExt.join(dir, `${stem}.md`);
    await this._contents.save(path, {
      type: 'file',
      format: 'text',
      content: exportRunMarkdown(run.toRecord(), { describeEnd, plotFiles })
    });
    return path;
  }

  /** The runs a notebook keeps, restored as ended runs (rerunnable while their cells exist). */
  private async _restoreRuns(panel: NotebookPanel): Promise<void> {
    await panel.context.ready;
    if (panel.isDisposed) {
      return;
    }
    const records = readRunRecords(panel);
    // The record leaves out each run's newest plot: its cells show it.
    const latestPlots = await Promise.all(
      records.map(record => {
        const png = cellPngs(
          panel,
          record.cells.map(cell => cell.id)
        )[0];
        return png ? this._thumbnail(png) : null;
      })
    );
    if (panel.isDisposed) {
      return;
    }
    const known = new Set(this._runs.map(run => run.id));
    const restored = records.flatMap((record, i) => {
      if (known.has(record.id)) {
        return [];
      }
      const run = TeamRun.fromRecord(
        record,
        {
          model: this._chatModel,
          workspace: this._createWorkspace(panel),
          config: this._teamConfig(),
          strategies: this._registry.strategies,
          thumbnail: this._thumbnail
        },
        latestPlots[i]
      );
      this._watch(run, panel);
      return [run];
    });
    if (restored.length > 0) {
      this._runs = [...restored, ...this._runs].sort((a, b) =>
        a.startedAt.localeCompare(b.startedAt)
      );
      this._emit();
    }
  }

  /** Keep the notebook's runs in its metadata. */
  private _save(panel: NotebookPanel): void {
    const runs = this._runs.filter(run => this._panels.get(run) === panel);
    writeRunRecords(
      panel,
      runs.map(run => run.toRecord())
    );
  }

  /** Re-render on every run change; a closed notebook or deleted cell can end rerun-ability. */
  private _watch(run: TeamRun, panel: NotebookPanel): void {
    this._panels.set(run, panel);
    run.changed.connect(this._emit, this);
    // Each cycle's end is kept in the notebook, so a reload finds it.
    run.changed.connect((_, change) => {
      if (change.type === 'phase' && run.phase === 'ended') {
        this._save(panel);
        // A task that failed at once goes back to the box, to edit or resend.
        const summaries = run.messages.filter(message => message.summary);
        if (
          summaries.length === 1 &&
          summaries[0].summary?.reason === 'model-error'
        ) {
          this._returnTask(run.task);
        }
      }
    });
    const cells = panel.content.model?.cells;
    cells?.changed.connect(this._emit, this);
    // Closing the notebook ends the run through its workspace's fault.
    panel.disposed.connect(() => {
      cells?.changed.disconnect(this._emit, this);
      this._emit();
    });
  }

  /** The approval toggle applies to the run in progress too. */
  private _onSettingsChanged(): void {
    this.activeRun?.setApprovalMode(this._settings.approvalMode);
    this._emit();
  }

  /** Say why a request cannot start; a refused task goes back to the box. */
  private _refuse(notice: string, task?: string): null {
    this._notice = notice;
    if (task) {
      this._returnTask(task);
    }
    this._emit();
    return null;
  }

  private _returnTask(text: string): void {
    this._returnedTask = { id: (this._returnedTask?.id ?? 0) + 1, text };
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _tracker: INotebookTracker;
  private _settings: AgentTeamSettings;
  private _createChatModelFor: AgentTeamModel.IOptions['createChatModel'];
  private _createWorkspace: AgentTeamModel.IOptions['createWorkspace'];
  private _connections: ModelConnections;
  private _chatModel: IChatModel = {
    complete: request => this._complete(request)
  };
  private _built: IChatModel | null = null;
  private _builtKey = '';
  private _returnedTask: { id: number; text: string } | null = null;
  /** A task waits for the first connection check before its run exists. */
  private _starting = false;
  private _registry: NonNullable<AgentTeamModel.IOptions['registry']>;
  private _thumbnail: AgentTeamModel.IOptions['thumbnail'];
  private _trans: TranslationBundle;
  private _contents: AgentTeamModel.IOptions['contents'];
  private _activate: (widget: Widget) => void;
  private _runs: TeamRun[] = [];
  /** The notebook each run is bound to. */
  private _panels = new WeakMap<TeamRun, NotebookPanel>();
  private _notice: string | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace AgentTeamModel {
  /**
   * What the view-model is given: the composition root (index.ts) builds the
   * concretions, so this model runs in jest with fakes.
   */
  export interface ITeamChoices {
    team: ITeamSpec;
    problem: string | null;
    presets: string[];
    strategies: string[];
    registered: readonly IAgentSpec[];
  }

  export interface IOptions {
    tracker: INotebookTracker;
    settings: AgentTeamSettings;
    translator: ITranslator;
    /** Where exported reports are written. */
    contents: Pick<Contents.IManager, 'save'>;
    /** Bring a notebook to the front (the shell's activateById). */
    activate: (widget: Widget) => void;
    /** A model client over each agent's chosen endpoints and model. */
    createChatModel: (choices: ModelChoices) => IChatModel;
    /** The cells and kernel of one notebook. */
    createWorkspace: (panel: NotebookPanel) => INotebookWorkspace;
    /** The endpoints and their states. */
    connections: ModelConnections;
    /** A base64 PNG plot as a small image URL for a round's gallery card, or null. */
    thumbnail: (png: string) => Promise<string | null>;
    /** Agents, presets, strategies and model providers, built-in and from other extensions. */
    registry?: Pick<
      IAgentTeamRegistry,
      'agents' | 'presets' | 'strategies' | 'modelProviders' | 'changed'
    >;
  }
}
