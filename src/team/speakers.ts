/**
 * Who speaks next in a group chat: in turn, or chosen by a model from the
 * agents' names and descriptions, as AutoGen's GroupChat does, within the
 * allowed transitions.
 */
import type { IAgentSpec, ITeamSpec } from './agents';
import type { IChatMessage } from './types';

/** The conversation as the selector reads it. */
export interface ISpokenMessage {
  speaker: string;
  text: string;
}

/** Asks a model which agent speaks next; resolves to its reply. */
export type SelectorCall = (messages: IChatMessage[]) => Promise<string>;

/** A way of choosing the next speaker; other extensions may register more. */
export interface ISpeakerStrategy {
  /** The next speaker, or null when none may speak. */
  next(context: ISpeakerContext): Promise<IAgentSpec | null>;
}

export interface ISpeakerContext {
  team: ITeamSpec;
  /** Who spoke last; null before the first turn. */
  last: IAgentSpec | null;
  conversation: readonly ISpokenMessage[];
  /** A model call for strategies that ask one. */
  select: SelectorCall;
}

/** The agents who may speak after `last`. */
export function candidates(
  team: ITeamSpec,
  last: IAgentSpec | null
): IAgentSpec[] {
  const allowed = last
    ? Object.entries(team.allowedTransitions ?? {}).find(
        ([from]) => from.toLowerCase() === last.name.toLowerCase()
      )?.[1]
    : undefined;
  if (!allowed) {
    return [...team.agents];
  }
  const names = new Set(allowed.map(name => name.toLowerCase()));
  return team.agents.filter(agent => names.has(agent.name.toLowerCase()));
}

/** Each agent in the team's order, skipping those not allowed after `last`. */
export const roundRobin: ISpeakerStrategy = {
  next: async ({ team, last }) => roundRobinAfter(team, last)
};

function roundRobinAfter(
  team: ITeamSpec,
  last: IAgentSpec | null
): IAgentSpec | null {
  const allowed = new Set(candidates(team, last));
  const start = last ? team.agents.indexOf(last) + 1 : 0;
  for (let i = 0; i < team.agents.length; i++) {
    const agent = team.agents[(start + i) % team.agents.length];
    if (allowed.has(agent)) {
      return agent;
    }
  }
  return null;
}

/** Whether the selector's reply names exactly one of `agents`; that one. */
export function namedAgent(
  reply: string,
  agents: readonly IAgentSpec[]
): IAgentSpec | null {
  const named = agents.filter(agent =>
    new RegExp(
      `(?:^|[^A-Za-z0-9_])${agent.name.replace(/_/g, '[_ ]')}(?![A-Za-z0-9_])`,
      'i'
    ).test(reply)
  );
  return named.length === 1 ? named[0] : null;
}

/**
 * AutoGen's "auto": one model call picks the next speaker. A reply naming no
 * agent, or several, is asked once more; then the turn goes round robin.
 * With a single candidate no call is made.
 */
export const autoSelect: ISpeakerStrategy = {
  next: async context => {
    const { team, last, conversation, select } = context;
    const choices = candidates(team, last);
    if (choices.length <= 1) {
      return choices[0] ?? null;
    }
    const messages = selectorMessages(choices, conversation);
    for (let attempt = 0; attempt < 2; attempt++) {
      const reply = await select(messages);
      const chosen = namedAgent(reply, choices);
      if (chosen) {
        return chosen;
      }
      messages.push(
        { role: 'assistant', content: reply },
        {
          role: 'user',
          content: `That names ${reply.trim() ? 'no single role' : 'nothing'}. Reply with exactly one of ${names(choices)}, and nothing else.`
        }
      );
    }
    return roundRobinAfter(team, last);
  }
};

/** The longest text of one message the selector reads. */
const SELECTOR_MESSAGE_CHARS = 600;

/** The prompt of AutoGen's GroupChat speaker selection. */
export function selectorMessages(
  choices: readonly IAgentSpec[],
  conversation: readonly ISpokenMessage[]
): IChatMessage[] {
  const roles = choices
    .map(agent => `${agent.name}: ${agent.description}`)
    .join('\n');
  const history = conversation
    .map(message => {
      const text =
        message.text.length > SELECTOR_MESSAGE_CHARS
          ? `${message.text.slice(0, SELECTOR_MESSAGE_CHARS)} …`
          : message.text;
      return `${message.speaker}: ${text}`;
    })
    .join('\n\n');
  return [
    {
      role: 'system',
      content: `You are in a role play game. The following roles are available:\n${roles}.\n\nRead the following conversation. Then select the next role from ${names(choices)} to play. Only return the role.`
    },
    {
      role: 'user',
      content: `${history}\n\nRead the above conversation. Then select the next role from ${names(choices)} to play. Only return the role.`
    }
  ];
}

function names(agents: readonly IAgentSpec[]): string {
  return `[${agents.map(agent => agent.name).join(', ')}]`;
}
