/**
 * When a group chat stops, as conditions that compose like AutoGen 0.4's:
 * `anyOf(maxMessages(20), textMention('TERMINATE'))` stops at whichever
 * comes first, `allOf(…)` only once every one has been met.
 */
import type { ICritique } from './critique';
import { saysTerminate } from './terminate';

/** What a condition looks at after each message. */
export interface IChatState {
  /** Agent messages so far in this cycle. */
  messages: number;
  /** The newest message's text and who wrote it. */
  lastText: string;
  lastSpeaker: string;
  /** The newest critique, if one was just given. */
  critique: ICritique | null;
  /** Milliseconds since the cycle started. */
  elapsedMs: number;
  /** Prompt and completion tokens so far in the run. */
  tokens: number;
}

/** Why a chat stops: the kind of end, and the words for it. */
export interface IStop {
  kind: 'threshold' | 'terminate' | 'max-rounds' | 'timeout' | 'token-budget';
  text: string;
}

export interface ITerminationCondition {
  /** Why the chat stops now, or null to go on. */
  check(state: IChatState): IStop | null;
  /** Forget what was seen, for the next cycle (a rerun). */
  reset(): void;
}

/** Stops once `limit` agent messages were posted. */
export function maxMessages(limit: number): ITerminationCondition {
  return stateless(state =>
    state.messages >= limit
      ? { kind: 'max-rounds', text: `${limit} messages` }
      : null
  );
}

/** Stops when a message says `word` (for TERMINATE, not when it only quotes it: see `saysTerminate`). */
export function textMention(word = 'TERMINATE'): ITerminationCondition {
  const pattern = new RegExp(`\\b${escape(word)}\\b`);
  return stateless(state => {
    const said =
      word === 'TERMINATE'
        ? saysTerminate(state.lastText)
        : pattern.test(state.lastText);
    return said
      ? { kind: 'terminate', text: `${state.lastSpeaker} said ${word}` }
      : null;
  });
}

/** Stops when a complete critique's lowest score reaches `threshold`. */
export function scoreThreshold(threshold: number): ITerminationCondition {
  return stateless(state =>
    state.critique &&
    state.critique.missing.length === 0 &&
    state.critique.lowest !== null &&
    state.critique.lowest >= threshold
      ? { kind: 'threshold', text: `score threshold ${threshold} met` }
      : null
  );
}

/** Stops after `seconds` of the cycle. */
export function timeout(seconds: number): ITerminationCondition {
  return stateless(state =>
    state.elapsedMs >= seconds * 1000
      ? { kind: 'timeout', text: `${seconds} s passed` }
      : null
  );
}

/** Stops once the run used `limit` tokens. */
export function tokenBudget(limit: number): ITerminationCondition {
  return stateless(state =>
    state.tokens >= limit
      ? { kind: 'token-budget', text: `${limit} tokens used` }
      : null
  );
}

/** Stops when any condition does (AutoGen's `a | b`). */
export function anyOf(
  ...conditions: ITerminationCondition[]
): ITerminationCondition {
  return {
    check: state => {
      for (const condition of conditions) {
        const stop = condition.check(state);
        if (stop) {
          return stop;
        }
      }
      return null;
    },
    reset: () => conditions.forEach(condition => condition.reset())
  };
}

/**
 * Stops once every condition has been met, each at some message of the
 * cycle (AutoGen's `a & b`); the condition met last gives the kind of end.
 */
export function allOf(
  ...conditions: ITerminationCondition[]
): ITerminationCondition {
  const met = new Map<ITerminationCondition, IStop>();
  let latest: IStop | null = null;
  return {
    check: state => {
      for (const condition of conditions) {
        if (!met.has(condition)) {
          const stop = condition.check(state);
          if (stop) {
            met.set(condition, stop);
            latest = stop;
          }
        }
      }
      if (!latest || met.size < conditions.length) {
        return null;
      }
      return {
        kind: latest.kind,
        text: conditions
          .map(condition => met.get(condition)!.text)
          .join(' and ')
      };
    },
    reset: () => {
      met.clear();
      latest = null;
      conditions.forEach(condition => condition.reset());
    }
  };
}

/** The settings' stop conditions. */
export interface ITerminationSettings {
  maxMessages: number;
  /** The word that ends a group chat when said; '' for none. */
  mention: string;
  scoreThreshold: number;
  /** 0: no limit. */
  timeoutSeconds: number;
  /** 0: no limit. */
  tokenBudget: number;
}

/** The budgets every cycle keeps to: messages, and time and tokens when set. */
export function budgetsOf(
  settings: Pick<
    ITerminationSettings,
    'maxMessages' | 'timeoutSeconds' | 'tokenBudget'
  >
): ITerminationCondition {
  return anyOf(
    maxMessages(settings.maxMessages),
    ...(settings.timeoutSeconds > 0 ? [timeout(settings.timeoutSeconds)] : []),
    ...(settings.tokenBudget > 0 ? [tokenBudget(settings.tokenBudget)] : [])
  );
}

/** The settings' conditions for a group chat, any of which stops it. */
export function terminationOf(
  settings: ITerminationSettings
): ITerminationCondition {
  return anyOf(
    budgetsOf(settings),
    ...(settings.mention ? [textMention(settings.mention)] : []),
    scoreThreshold(settings.scoreThreshold)
  );
}

function stateless(
  check: (state: IChatState) => IStop | null
): ITerminationCondition {
  return { check, reset: () => undefined };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
