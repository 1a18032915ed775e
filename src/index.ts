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

import { chatModelFactory, workspaceFactory } from './adapters';
import { addCommands, CommandIDs } from './commands';
import { ModelConnections } from './connections';
import { EndpointService } from './llm/endpoints';
import { robotIcon } from './icons';
import { AgentTeamModel } from './model';
import { TeamCellMarks } from './notebook/teamCellMarks';
import { AgentTeamSettings } from './settings';
import { plotThumbnail } from './widgets/plotThumbnail';
import { AgentTeamSidebar } from './widgets/AgentTeamSidebar';
import { createModelTextRendermime } from './widgets/modelTextRendermime';

const PLUGIN_ID = 'jupyterlab-agent-team:plugin';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'An agent team (User proxy, Coder, Critic) that writes, runs and scores code cells in the active notebook.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [
    ILayoutRestorer,
    ISettingRegistry,
    ICommandPalette,
    ITranslator,
    ISessionContextDialogs
  ],
  activate: async (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    sessionDialogs: ISessionContextDialogs | null
  ) => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_agent_team');

    let rawSettings: ISettingRegistry.ISettings | null = null;
    if (settingRegistry) {
      try {
        rawSettings = await settingRegistry.load(PLUGIN_ID);
      } catch (reason) {
        console.error(`Failed to load settings for ${PLUGIN_ID}.`, reason);
      }
    }
    const settings = new AgentTeamSettings(rawSettings);

    const serverSettings = app.serviceManager.serverSettings;
    const connections = new ModelConnections({
      service: new EndpointService(serverSettings),
      settings,
      trans
    });
    void connections.refresh();
    const model = new AgentTeamModel({
      tracker,
      settings,
      translator,
      contents: app.serviceManager.contents,
      activate: widget => app.shell.activateById(widget.id),
      createChatModel: chatModelFactory(serverSettings, settings, translator),
      createWorkspace: workspaceFactory(
        translator,
        sessionDialogs ?? undefined
      ),
      connections,
      thumbnail: plotThumbnail
    });

    // The sidebar renders only model text, which may be prompt-injected.
    const modelTextRendermime = createModelTextRendermime(rendermime, trans);
    const sidebar = new AgentTeamSidebar({
      model,
      rendermime: modelTextRendermime,
      trans
    });
    sidebar.id = 'agent-team-sidebar';
    sidebar.title.icon = robotIcon;
    sidebar.title.caption = trans.__('Agent Team');
    app.shell.add(sidebar, 'left', { rank: 600 });
    // Reopen the sidebar after a reload if it was open.
    restorer?.add(sidebar, sidebar.id);

    addCommands({
      commands: app.commands,
      shell: app.shell,
      model,
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

export default plugin;
