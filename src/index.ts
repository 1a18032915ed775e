import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, ISessionContextDialogs } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

// eslint-disable-next-line jupyter/prefer-lazy-imports -- the commands are registered at activation
import { addCommands, CommandIDs } from './commands';
import { robotIcon } from './icons';
import { LazyTeam } from './lazyTeam';
import { AgentTeamRegistry } from './registry';
import { IAgentTeamRegistry } from './tokens';
import { TeamCellMarks } from './notebook/teamCellMarks';
import { SidebarShell } from './widgets/SidebarShell';

const PLUGIN_ID = 'jupyterlab-agent-team:plugin';

/** The registry other extensions add agents, presets, strategies and model providers to. */
const registryPlugin: JupyterFrontEndPlugin<IAgentTeamRegistry> = {
  id: 'jupyterlab-agent-team:registry',
  description:
    'Agents, team presets, speaker strategies and model providers for the Agent Team.',
  autoStart: true,
  provides: IAgentTeamRegistry,
  activate: () => new AgentTeamRegistry()
};

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'An agent team (User proxy, Coder, Critic) that writes, runs and scores code cells in the active notebook.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry, IAgentTeamRegistry],
  optional: [
    ILayoutRestorer,
    ISettingRegistry,
    ICommandPalette,
    ITranslator,
    ISessionContextDialogs
  ],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    registry: IAgentTeamRegistry,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    sessionDialogs: ISessionContextDialogs | null
  ) => {
    const appTranslator = translator ?? nullTranslator;
    const trans = appTranslator.load('jupyterlab_agent_team');

    // Start-up holds only the tab, the commands and the cell marks; the
    // view-model and views load when first needed, in a chunk of their own.
    const team = new LazyTeam(async () =>
      (await import('./buildTeam')).buildTeam({
        app,
        pluginId: PLUGIN_ID,
        tracker,
        rendermime,
        registry,
        settingRegistry,
        translator: appTranslator,
        sessionDialogs
      })
    );
    const sidebar = new SidebarShell({ team, trans });
    sidebar.id = 'agent-team-sidebar';
    sidebar.title.icon = robotIcon;
    sidebar.title.caption = trans.__('Agent Team');
    app.shell.add(sidebar, 'left', { rank: 600 });
    // Reopen the sidebar after a reload if it was open.
    restorer?.add(sidebar, sidebar.id);

    addCommands({
      commands: app.commands,
      shell: app.shell,
      team,
      sidebar,
      trans
    });

    new TeamCellMarks({
      tracker,
      trans,
      onOpenRun: runId =>
        void app.commands.execute(CommandIDs.showRun, { runId })
    });

    if (palette) {
      const category = trans.__('Agent Team');
      for (const command of [
        CommandIDs.open,
        CommandIDs.focusTask,
        CommandIDs.ask,
        CommandIDs.stop,
        CommandIDs.rerunWithCritique,
        CommandIDs.exportRun,
        CommandIDs.findServers,
        CommandIDs.clearCache
      ]) {
        palette.addItem({ command, category });
      }
    }
  }
};

export default [registryPlugin, plugin];

export { IAgentTeamRegistry } from './tokens';
