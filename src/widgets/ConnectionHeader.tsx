/**
 * Which model each agent uses, and whether its server answers, before
 * anything is typed: a picker per agent, a state badge, and when something
 * is wrong, the reason and what to do, with Check again and Find local servers.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ModelConnections } from '../connections';
import type { IEndpoint, IEndpointStatus, IModelInfo } from '../llm/endpoints';
import { defaultModelOf, MODEL_AGENTS } from '../llm/modelChoice';
import type { ModelAgent } from '../settings';
import { agentLabel, connectionStateLabel } from './labels';

export interface IConnectionHeaderProps {
  connections: ModelConnections;
  onPick: (agent: ModelAgent, endpoint: string, model: string) => void;
  trans: TranslationBundle;
}

export function ConnectionHeader(props: IConnectionHeaderProps): JSX.Element {
  const { connections, onPick, trans } = props;
  const { endpoints, statuses } = connections;
  const { choices, problem } = connections.choose();
  const [asked, setAsked] = React.useState(false);
  // The first agent whose endpoint is known not to work, to explain.
  const broken = MODEL_AGENTS.map(agent => choices?.[agent].routes[0])
    .map(route => (route ? statuses.get(route.endpoint.name) : undefined))
    .find(status => status && Private.BAD.has(status.state));
  const trouble = problem ?? broken ?? null;
  return (
    <div className="jp-AgentTeam-Connections">
      {endpoints.length === 0 ? (
        <div className="jp-AgentTeam-ConnectionProblem" role="status">
          {connections.error ??
            trans.__(
              'No model endpoint yet. Press Find local servers, or configure one on the Jupyter server (see the README).'
            )}
        </div>
      ) : (
        MODEL_AGENTS.map(agent => {
          const route = choices?.[agent].routes[0];
          const status = route ? statuses.get(route.endpoint.name) : undefined;
          return (
            <AgentPicker
              key={agent}
              agent={agent}
              endpoints={endpoints}
              statuses={statuses}
              endpoint={route?.endpoint.name ?? ''}
              model={route?.model ?? ''}
              info={route?.info ?? null}
              status={status}
              vision={
                agent === 'critic'
                  ? (choices?.critic.vision ?? null)
                  : undefined
              }
              onPick={(endpoint, model) => onPick(agent, endpoint, model)}
              trans={trans}
            />
          );
        })
      )}
      {trouble && (
        <div className="jp-AgentTeam-ConnectionProblem" role="status">
          <div className="jp-AgentTeam-ConnectionReason">
            {trans.__(
              '%1 is %2',
              trouble.name,
              connectionStateLabel(trouble.state, trans)
            )}
            {trouble.reason ? `: ${trouble.reason}` : ''}
          </div>
          {trouble.fix && (
            <div className="jp-AgentTeam-ConnectionFix">{trouble.fix}</div>
          )}
        </div>
      )}
      <div className="jp-AgentTeam-ConnectionActions">
        {endpoints.length > 0 && (
          <EndpointList
            endpoints={endpoints}
            statuses={statuses}
            trans={trans}
          />
        )}
        {trouble && (
          <button
            className="jp-Button jp-mod-styled jp-mod-minimal jp-AgentTeam-CheckAgain"
            onClick={() => void connections.check(trouble.name)}
          >
            {trans.__('Check again')}
          </button>
        )}
        <button
          className="jp-Button jp-mod-styled jp-mod-minimal jp-AgentTeam-FindServers"
          disabled={connections.discovering}
          title={trans.__(
            'Look for LM Studio, Ollama, llama.cpp and vLLM servers on this machine, and an OPENAI_API_KEY on the Jupyter server'
          )}
          onClick={() => {
            setAsked(true);
            void connections.discover();
          }}
        >
          {connections.discovering
            ? trans.__('Looking…')
            : trans.__('Find local servers')}
        </button>
      </div>
      {/* What a search found; an empty first search is no news. */}
      {connections.found &&
        !connections.discovering &&
        (connections.found.length > 0 || asked) && (
          <div className="jp-AgentTeam-Found" role="status">
            {connections.found.length === 0
              ? trans.__('No local model server answered.')
              : trans.__(
                  'Found: %1',
                  connections.found
                    .map(found =>
                      trans._n(
                        '%2 (%1 model)',
                        '%2 (%1 models)',
                        found.models.length,
                        found.name
                      )
                    )
                    .join(', ')
                )}
          </div>
        )}
    </div>
  );
}

/** Every endpoint: where it is, where its key comes from, what its models can do. */
function EndpointList(props: {
  endpoints: readonly IEndpoint[];
  statuses: ReadonlyMap<string, IEndpointStatus>;
  trans: TranslationBundle;
}): JSX.Element {
  const { endpoints, statuses, trans } = props;
  return (
    <details className="jp-AgentTeam-EndpointList">
      <summary>
        {trans._n('%1 endpoint', '%1 endpoints', endpoints.length)}
      </summary>
      <ul>
        {endpoints.map(endpoint => {
          const status = statuses.get(endpoint.name);
          const facts = [
            endpoint.keySource
              ? trans.__('key from %1', endpoint.keySource)
              : trans.__('no key'),
            endpoint.vision === true
              ? trans.__('takes images')
              : endpoint.vision === false
                ? trans.__('text only')
                : null,
            endpoint.contextWindow
              ? trans.__('%1 tokens of context', endpoint.contextWindow)
              : null,
            status
              ? trans._n('%1 model', '%1 models', status.models.length)
              : null,
            endpoint.origin === 'discovered'
              ? trans.__('found on this machine')
              : endpoint.origin === 'settings'
                ? trans.__('from the settings')
                : null
          ].filter(Boolean);
          return (
            <li key={endpoint.name} data-endpoint={endpoint.name}>
              <span className="jp-AgentTeam-EndpointName">{endpoint.name}</span>{' '}
              <span
                className="jp-AgentTeam-ConnectionBadge"
                data-state={status?.state ?? 'unknown'}
              >
                {connectionStateLabel(status?.state ?? 'unknown', trans)}
              </span>
              <div className="jp-AgentTeam-EndpointUrl">{endpoint.baseUrl}</div>
              <div>{facts.join(' · ')}</div>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function AgentPicker(props: {
  agent: ModelAgent;
  endpoints: readonly IEndpoint[];
  statuses: ReadonlyMap<string, IEndpointStatus>;
  endpoint: string;
  model: string;
  info: IModelInfo | null;
  status: IEndpointStatus | undefined;
  /** For the Critic: whether plots are sent as images. */
  vision: boolean | null | undefined;
  onPick: (endpoint: string, model: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { agent, endpoints, statuses, endpoint, model, info, status, trans } =
    props;
  const state = status?.state ?? 'unknown';
  const label = agentLabel(agent, trans);
  const facts = [
    props.vision === undefined
      ? null
      : props.vision
        ? trans.__('sees plots')
        : props.vision === false
          ? trans.__('text only')
          : null,
    info?.contextLength
      ? trans.__('%1k context', Math.round(info.contextLength / 1024))
      : null
  ].filter(Boolean);
  return (
    <div className="jp-AgentTeam-AgentPicker" data-agent={agent}>
      <label className="jp-AgentTeam-AgentPickerLabel">
        <span>{label}</span>
        <select
          className="jp-AgentTeam-ModelSelect"
          aria-label={trans.__('Model of the %1', label)}
          value={JSON.stringify([endpoint, model])}
          onChange={event => {
            const [name, id] = JSON.parse(event.target.value) as [
              string,
              string
            ];
            props.onPick(name, id);
          }}
        >
          {endpoints.map(candidate => {
            const models = Private.modelsOf(
              candidate,
              statuses.get(candidate.name)
            );
            // The current choice stays listed even when the server did not list it.
            if (candidate.name === endpoint && !models.includes(model)) {
              models.unshift(model);
            }
            return (
              <optgroup key={candidate.name} label={candidate.name}>
                {models.map(id => (
                  <option key={id} value={JSON.stringify([candidate.name, id])}>
                    {id
                      ? `${id} · ${candidate.name}`
                      : trans.__("%1's own choice", candidate.name)}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
        <span
          className="jp-AgentTeam-ConnectionBadge"
          data-state={state}
          title={status?.reason || undefined}
        >
          {connectionStateLabel(state, trans)}
        </span>
      </label>
      {facts.length > 0 && (
        <div className="jp-AgentTeam-ModelFacts">{facts.join(' · ')}</div>
      )}
    </div>
  );
}

namespace Private {
  export const BAD = new Set([
    'unreachable',
    'unauthorised',
    'no-models',
    'error'
  ]);

  /** The models to offer for an endpoint: what it lists, else its default. */
  export function modelsOf(
    endpoint: IEndpoint,
    status: IEndpointStatus | undefined
  ): string[] {
    const listed = (status?.models ?? []).map(model => model.id);
    if (listed.length > 0) {
      return listed;
    }
    return [defaultModelOf(endpoint, status)];
  }
}
