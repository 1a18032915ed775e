/**
 * The team in the sidebar header: one line saying who is in it, which opens
 * to choose a preset and how speakers are chosen, and to add or remove
 * agents. Every change is saved in the *Team* setting.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { AGENT_ROLES, AgentRole, IAgentSpec, ITeamSpec } from '../team/agents';

export interface ITeamEditorProps {
  team: ITeamSpec;
  /** Why the setting is not used (the default team stands in), or null. */
  problem: string | null;
  presets: readonly string[];
  strategies: readonly string[];
  /** Agents other extensions registered, offered to add. */
  registered: readonly IAgentSpec[];
  /** Save the *Team* setting. */
  onChange: (value: {
    preset?: string;
    strategy?: string;
    agents?: IAgentSpec[];
  }) => void;
  trans: TranslationBundle;
}

export function TeamEditor(props: ITeamEditorProps): JSX.Element {
  const { team, problem, presets, strategies, registered, onChange, trans } =
    props;
  const [adding, setAdding] = React.useState<IAgentSpec>(Private.blank);
  const [error, setError] = React.useState('');
  const names = team.agents.map(agent => agent.name);
  const custom = team.preset === 'custom';
  const saveAgents = (agents: IAgentSpec[]) =>
    onChange({ strategy: team.strategy, agents });
  const add = (agent: IAgentSpec) => {
    const problem = Private.nameProblem(agent.name, names, trans);
    if (problem) {
      setError(problem);
      return;
    }
    setError('');
    setAdding(Private.blank);
    saveAgents([...team.agents, agent]);
  };
  const offered = registered.filter(agent => !names.includes(agent.name));

  return (
    <details className="jp-AgentTeam-Team">
      <summary className="jp-AgentTeam-TeamSummary">
        {trans.__('Team: %1 · %2', names.join(', '), team.strategy)}
      </summary>
      {problem && (
        <div className="jp-AgentTeam-TeamProblem" role="alert">
          {problem}
        </div>
      )}
      <label className="jp-AgentTeam-TeamField">
        <span>{trans.__('Preset')}</span>
        <select
          value={custom ? '' : team.preset}
          onChange={event =>
            event.target.value && onChange({ preset: event.target.value })
          }
        >
          {custom && <option value="">{trans.__('your own agents')}</option>}
          {presets.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label className="jp-AgentTeam-TeamField">
        <span>{trans.__('Speakers')}</span>
        <select
          value={team.strategy}
          onChange={event =>
            onChange(
              custom
                ? { strategy: event.target.value, agents: team.agents }
                : { preset: team.preset, strategy: event.target.value }
            )
          }
        >
          {strategies.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <ul className="jp-AgentTeam-TeamAgents" aria-label={trans.__('Agents')}>
        {team.agents.map(agent => (
          <li key={agent.name} title={agent.description}>
            <span className="jp-AgentTeam-TeamAgentName">{agent.name}</span>
            <span className="jp-AgentTeam-TeamAgentRole">
              {agent.executesCode
                ? trans.__('%1, runs its code', agent.role)
                : agent.role}
            </span>
            {team.agents.length > 1 && (
              <button
                className="jp-AgentTeam-TeamRemove"
                aria-label={trans.__('Remove %1', agent.name)}
                title={trans.__('Remove %1', agent.name)}
                onClick={() =>
                  saveAgents(team.agents.filter(other => other !== agent))
                }
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {offered.length > 0 && (
        <label className="jp-AgentTeam-TeamField">
          <span>{trans.__('From extensions')}</span>
          <select
            value=""
            onChange={event => {
              const agent = offered.find(a => a.name === event.target.value);
              if (agent) {
                add(agent);
              }
            }}
          >
            <option value="">{trans.__('add…')}</option>
            {offered.map(agent => (
              <option key={agent.name} value={agent.name}>
                {agent.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <form
        className="jp-AgentTeam-TeamAdd"
        aria-label={trans.__('Add an agent')}
        onSubmit={event => {
          event.preventDefault();
          add({ ...adding, name: adding.name.trim() });
        }}
      >
        <input
          className="jp-AgentTeam-TeamAddName"
          placeholder={trans.__('Name, e.g. Planner')}
          aria-label={trans.__('Name')}
          value={adding.name}
          onChange={event => setAdding({ ...adding, name: event.target.value })}
        />
        <select
          aria-label={trans.__('Role')}
          value={adding.role}
          onChange={event => {
            const role = event.target.value as AgentRole;
            setAdding({
              ...adding,
              role,
              executesCode: role === 'writes-code'
            });
          }}
        >
          {AGENT_ROLES.map(role => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
        <input
          placeholder={trans.__('What it does (speaker selection reads it)')}
          aria-label={trans.__('Description')}
          value={adding.description}
          onChange={event =>
            setAdding({ ...adding, description: event.target.value })
          }
        />
        <textarea
          rows={2}
          placeholder={trans.__('System message (empty: its role’s)')}
          aria-label={trans.__('System message')}
          value={adding.systemMessage}
          onChange={event =>
            setAdding({ ...adding, systemMessage: event.target.value })
          }
        />
        <label className="jp-AgentTeam-TeamCheck">
          <input
            type="checkbox"
            checked={adding.executesCode}
            onChange={event =>
              setAdding({ ...adding, executesCode: event.target.checked })
            }
          />
          {trans.__('Its Python blocks become cells and run')}
        </label>
        {error && (
          <div className="jp-AgentTeam-TeamProblem" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="jp-Button jp-mod-styled">
          {trans.__('Add agent')}
        </button>
      </form>
    </details>
  );
}

namespace Private {
  export const blank: IAgentSpec = {
    name: '',
    description: '',
    role: 'custom',
    systemMessage: '',
    executesCode: false
  };

  /** Why a new agent's name cannot be used, or ''. */
  export function nameProblem(
    name: string,
    taken: readonly string[],
    trans: TranslationBundle
  ): string {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      return trans.__(
        'A name is letters, digits and _, starting with a letter (e.g. Data_checker).'
      );
    }
    if (taken.some(other => other.toLowerCase() === name.toLowerCase())) {
      return trans.__('The team already has an agent called %1.', name);
    }
    return '';
  }
}
