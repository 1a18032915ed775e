/**
 * The prompts of a group chat: as in AutoGen, each speaker reads the whole
 * conversation so far under its own system message. Kernel output stays
 * framed as data; each message is cut to a bound so one long output cannot
 * crowd out the rest.
 */
import type { IAgentSpec } from './agents';
import { truncateMiddle } from './outputs';
import { frameData, withDataRule } from './prompts';
import type { ISpokenMessage } from './speakers';
import type { IChatMessage } from './types';

export interface IGroupPromptInput {
  speaker: IAgentSpec;
  /** The speaker's system message, its role's default already applied. */
  systemMessage: string;
  dataNonce: string;
  conversation: readonly ISpokenMessage[];
  /** The longest text of one message (0: no limit). */
  maxMessageChars: number;
}

export function groupMessages(input: IGroupPromptInput): IChatMessage[] {
  const history = input.conversation
    .map(
      message =>
        `${message.speaker}:\n${truncateMiddle(message.text, input.maxMessageChars)}`
    )
    .join('\n\n---\n\n');
  return [
    {
      role: 'system',
      content: withDataRule(input.systemMessage, input.dataNonce)
    },
    {
      role: 'user',
      content: `The conversation so far:\n\n${history}\n\n---\n\nYou are ${input.speaker.name}. Write your next message.`
    }
  ];
}

/** A system message for an agent that has none of its own. */
export function describedSystemMessage(agent: IAgentSpec): string {
  return `You are ${agent.name}, a member of a team working in a live Jupyter notebook. ${agent.description}`.trim();
}

/** What the User proxy says after running the cells, as AutoGen's executor reports. */
export function executionReport(
  cells: readonly { source: string; output: string }[],
  failure: string | null,
  nonce: string
): string {
  if (failure) {
    return `exitcode: 1 (execution failed)\n${failure}`;
  }
  const output = cells
    .map((cell, i) => `Cell ${i + 1}:\n${cell.output.trim() || '(no output)'}`)
    .join('\n');
  return `exitcode: 0 (execution succeeded)\nCode output:\n${frameData(output, nonce)}`;
}
