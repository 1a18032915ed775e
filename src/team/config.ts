import {
  DEFAULT_CODER_SYSTEM_MESSAGE,
  DEFAULT_CRITIC_SYSTEM_MESSAGE
} from './prompts';
import { PRESETS, DEFAULT_PRESET, type ITeamSpec } from './agents';
import { DEFAULT_RUBRIC, type IRubricDimension } from './rubric';
import type { ApprovalMode } from './types';

/** What shapes a run; the settings wrapper fills it from the Settings Editor. */
export interface ITeamConfig {
  /** Who is in the team and how they take turns. */
  team: ITeamSpec;
  coderSystemMessage: string;
  /** The Critic's system message; `{rubric}` and `{example}` are filled from `rubric`. */
  criticSystemMessage: string;
  /** The dimensions the Critic scores; the threshold applies to each. */
  rubric: IRubricDimension[];
  /** The most agent messages one cycle (a task, or a rerun) may post, as AutoGen's max_round. */
  maxRounds: number;
  /** How often the Coder revises from a critique on its own before the run ends. */
  autoRevisions: number;
  /** The run ends once the lowest score of the rubric reaches this. */
  scoreThreshold: number;
  /** How many failed drafts in a row the Coder may fix before the run gives up. */
  maxFixAttempts: number;
  /** Longest output text sent to a model; longer text keeps its head and tail. */
  maxOutputChars: number;
  /** Send plots to the Critic as images. */
  vision: boolean;
  /** Seconds a cell may run before the kernel is interrupted and the Coder told (0: no limit). */
  executionTimeout: number;
  /** Seconds a cycle may take before the team stops (0: no limit). */
  timeLimit: number;
  /** Tokens a run may use before the team stops (0: no limit). */
  tokenBudget: number;
  /** auto: run drafts at once; ask: the user runs or skips each draft; end: the user may go on when the run would end. */
  approvalMode: ApprovalMode;
  /** Before ending at the threshold, run the cells in a fresh kernel to prove they stand on their own. */
  reproduceCheck: boolean;
}

export const DEFAULT_TEAM_CONFIG: ITeamConfig = {
  team: PRESETS[DEFAULT_PRESET],
  coderSystemMessage: DEFAULT_CODER_SYSTEM_MESSAGE,
  criticSystemMessage: DEFAULT_CRITIC_SYSTEM_MESSAGE,
  rubric: DEFAULT_RUBRIC,
  maxRounds: 20,
  autoRevisions: 2,
  scoreThreshold: 8,
  maxFixAttempts: 3,
  maxOutputChars: 4000,
  vision: false,
  executionTimeout: 120,
  timeLimit: 0,
  tokenBudget: 0,
  approvalMode: 'auto',
  reproduceCheck: true
};
