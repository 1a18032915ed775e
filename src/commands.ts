/**
 * The palette commands: open, focus-task, ask, stop, rerun-with-critique,
 * export, show-run, find-servers, clear-cache.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';

import { robotIcon } from './icons';
import type { LazyTeam } from './lazyTeam';
import type { SidebarShell } from './widgets/SidebarShell';

export namespace CommandIDs {
  export const open = 'agent-team:open';
  export const focusTask = 'agent-team:focus-task';
  export const ask = 'agent-team:ask';
  export const stop = 'agent-team:stop';
  export const rerunWithCritique = 'agent-team:rerun-with-critique';
  export const exportRun = 'agent-team:export-run';
  export const showRun = 'agent-team:show-run';
  export const findServers = 'agent-team:find-servers';
  export const clearCache = 'agent-team:clear-cache';
}

export function addCommands(options: {
  commands: CommandRegistry;
  shell: JupyterFrontEnd.IShell;
  /** The view-model, built when a command first needs it. */
  team: LazyTeam;
  sidebar: SidebarShell;
  trans: TranslationBundle;
}): void {
  const { commands, shell, team, sidebar, trans } = options;
  const loadModel = async () => (await team.get()).model;
  // For commands that take no arguments.
  const noArgs = { args: { type: 'object' as const, properties: {} } };

  commands.addCommand(CommandIDs.open, {
    label: trans.__('Open Agent Team'),
    caption: trans.__('Show the Agent Team sidebar'),
    icon: robotIcon,
    describedBy: noArgs,
    execute: () => shell.activateById(sidebar.id)
  });

  // Bound to Accel Shift A in schema/plugin.json.
  commands.addCommand(CommandIDs.focusTask, {
    label: trans.__('Focus the Agent Team task box'),
    caption: trans.__(
      'Open the Agent Team sidebar and put the cursor in its task box'
    ),
    icon: robotIcon,
    describedBy: noArgs,
    execute: () => {
      shell.activateById(sidebar.id);
      return sidebar.focusTaskInput();
    }
  });

  commands.addCommand(CommandIDs.ask, {
    label: args =>
      args.task
        ? trans.__('Ask the Agent Team: %1', String(args.task))
        : trans.__('Ask the Agent Team…'),
    caption: trans.__('Run a task with the agent team on the active notebook'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          task: {
            type: 'string',
            description: trans.__('The task for the team')
          }
        }
      }
    },
    execute: async args => {
      shell.activateById(sidebar.id);
      if (typeof args.task !== 'string' || !args.task.trim()) {
        // From the palette there is no task yet: let the user type one.
        await sidebar.focusTaskInput();
        return null;
      }
      return (await loadModel()).ask(args.task);
    }
  });

  commands.addCommand(CommandIDs.stop, {
    label: trans.__('Stop the Agent Team'),
    describedBy: noArgs,
    // No model yet, no run to stop.
    isEnabled: () => !!team.current?.model.activeRun,
    execute: () => team.current?.model.stop()
  });

  commands.addCommand(CommandIDs.rerunWithCritique, {
    label: trans.__('Rerun with Critique'),
    caption: trans.__(
      'The Coder revises its cells from the latest critique, they rerun and the Critic rescores'
    ),
    isEnabled: () => !!team.current?.model.rerunnable,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          note: {
            type: 'string',
            description: trans.__('An optional note for the Coder')
          }
        }
      }
    },
    execute: async args => {
      shell.activateById(sidebar.id);
      return (await loadModel()).rerunWithCritique(
        typeof args.note === 'string' ? args.note : ''
      );
    }
  });

  commands.addCommand(CommandIDs.showRun, {
    label: trans.__('Show the Agent Team Run'),
    caption: trans.__('Open the Agent Team sidebar at the run with this id'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          runId: { type: 'string', description: trans.__('The run’s id') }
        }
      }
    },
    execute: args => {
      shell.activateById(sidebar.id);
      return sidebar.revealRun(
        typeof args.runId === 'string' ? args.runId : ''
      );
    }
  });

  commands.addCommand(CommandIDs.exportRun, {
    label: trans.__('Export the Agent Team Run as Markdown'),
    caption: trans.__(
      'Write the newest run (or the run given by runId) as a Markdown report beside its notebook, plots as PNG files'
    ),
    isEnabled: () =>
      !!team.current?.model.runs.some(run => run.phase === 'ended'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          runId: {
            type: 'string',
            description: trans.__('The id of the run to export')
          }
        }
      }
    },
    execute: async args => {
      const { model, describeEnd } = await team.get();
      const ended = model.runs.filter(run => run.phase === 'ended');
      const run =
        ended.find(candidate => candidate.id === args.runId) ??
        ended[ended.length - 1];
      return run ? model.exportRun(run, describeEnd) : null;
    }
  });

  commands.addCommand(CommandIDs.findServers, {
    label: trans.__('Find Local Model Servers'),
    caption: trans.__(
      'Look for LM Studio, Ollama, llama.cpp and vLLM servers on this machine, and an OPENAI_API_KEY on the Jupyter server'
    ),
    describedBy: noArgs,
    execute: async () => {
      shell.activateById(sidebar.id);
      const { connections } = await loadModel();
      await connections.discover();
      return connections.found;
    }
  });

  commands.addCommand(CommandIDs.clearCache, {
    label: trans.__('Clear the Agent Team Response Cache'),
    caption: trans.__(
      'Remove the model replies the Jupyter server keeps for identical requests'
    ),
    describedBy: noArgs,
    execute: async () => (await loadModel()).clearCache()
  });

  // Enabled states follow the model, once there is one.
  void team.built.then(({ model }) =>
    model.changed.connect(() => {
      commands.notifyCommandChanged(CommandIDs.stop);
      commands.notifyCommandChanged(CommandIDs.rerunWithCritique);
      commands.notifyCommandChanged(CommandIDs.exportRun);
    })
  );
}
