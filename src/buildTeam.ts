/**
 * Builds the team's view-model and sidebar view with their adapters. Loaded
 * on first need (see LazyTeam); the model client inside loads later still,
 * on the first model call.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ISessionContextDialogs } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ITranslator } from '@jupyterlab/translation';

import { chatModelFactory, workspaceFactory } from './adapters';
import { registerBuiltIns } from './builtIns';
import { ModelConnections } from './connections';
import type { ITeam } from './lazyTeam';
import { EndpointService } from './llm/endpoints';
import { AgentTeamModel } from './model';
import { AgentTeamSettings } from './settings';
import type { IAgentTeamRegistry } from './tokens';
import { AgentTeamSidebar } from './widgets/AgentTeamSidebar';
import { summaryLine } from './widgets/labels';
import { createModelTextRendermime } from './widgets/modelTextRendermime';
import { plotThumbnail } from './widgets/plotThumbnail';

export async function buildTeam(options: {
  app: JupyterFrontEnd;
  pluginId: string;
  tracker: INotebookTracker;
  rendermime: IRenderMimeRegistry;
  registry: IAgentTeamRegistry;
  settingRegistry: ISettingRegistry | null;
  translator: ITranslator;
  sessionDialogs: ISessionContextDialogs | null;
}): Promise<ITeam> {
  const { app, pluginId, tracker, settingRegistry, translator } = options;
  const trans = translator.load('jupyterlab_agent_team');

  let rawSettings: ISettingRegistry.ISettings | null = null;
  if (settingRegistry) {
    try {
      rawSettings = await settingRegistry.load(pluginId);
    } catch (reason) {
      console.error(`Failed to load settings for ${pluginId}.`, reason);
    }
  }
  const settings = new AgentTeamSettings(rawSettings);
  const registry = options.registry;
  registerBuiltIns(registry);
  settings.teamExtras = () => ({
    agents: registry.agents,
    presets: registry.presets,
    strategies: Object.keys(registry.strategies)
  });

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
      options.sessionDialogs ?? undefined
    ),
    connections,
    thumbnail: plotThumbnail,
    registry
  });

  // The sidebar renders only model text, which may be prompt-injected.
  const view = new AgentTeamSidebar({
    model,
    rendermime: createModelTextRendermime(options.rendermime, trans),
    trans
  });
  return {
    model,
    view,
    describeEnd: summary => summaryLine(summary, trans)
  };
}
