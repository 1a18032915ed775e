/**
 * The team as data: who is in it, what each member does, and who speaks
 * next. Presets cover the usual teams, including the seed's own AutoGen
 * group; the settings may describe any other.
 */

/** What an agent does in the team. */
export type AgentRole =
  /** Writes Python; its ```python blocks become the team's cells. */
  | 'writes-code'
  /** Runs the team's cells on the notebook's kernel; calls no model (AutoGen's UserProxyAgent). */
  | 'executes'
  /** Scores the result on the rubric. */
  | 'critiques'
  /** Plans the work before code is written. */
  | 'plans'
  /** Anything else: speaks from its system message. */
  | 'custom';

export const AGENT_ROLES: readonly AgentRole[] = [
  'writes-code',
  'executes',
  'critiques',
  'plans',
  'custom'
];

/** One member of the team. */
export interface IAgentSpec {
  /** Its name in the conversation and for speaker selection: `Coder`, `Planner`. */
  name: string;
  /** What it does, for the speaker selector and the team editor. */
  description: string;
  role: AgentRole;
  /** What it is told; '' for its role's default (the settings' Coder or Critic message). */
  systemMessage: string;
  /** Whether the ```python blocks of its replies become cells and run. */
  executesCode: boolean;
  /**
   * A model provider another extension registered that answers this agent;
   * without one, a critic calls the Critic's model and the others the Coder's.
   */
  provider?: string;
}

/**
 * How the next speaker is chosen: `pipeline`, the team's own flow ((plan →)
 * code → run → critique → revise); `round_robin`, each agent in turn, as
 * AutoGen's RoundRobinGroupChat; `auto`, a model call picks the next speaker
 * from the names and descriptions, as AutoGen's GroupChat; or a strategy
 * another extension registered.
 */
export type SpeakerStrategy = string;

/** The strategies every team knows. */
export const BUILT_IN_STRATEGIES: readonly SpeakerStrategy[] = [
  'pipeline',
  'round_robin',
  'auto'
];

/** A team: its members, how they take turns, and when a group chat stops. */
export interface ITeamSpec {
  /** The preset it came from, or 'custom'. */
  preset: string;
  agents: IAgentSpec[];
  strategy: SpeakerStrategy;
  /** Who may speak after whom (by name); an agent not listed may hand over to anyone. */
  allowedTransitions?: Record<string, string[]>;
}

/** The seed's system messages, as its AutoGen group chat had them. */
const SEED_USER_PROXY =
  'A human admin. Interact with the Coder to discuss the plan. Plan execution needs to be approved by this admin.';
const SEED_CODER = `You are a helpful AI assistant.
Solve tasks using your coding and language skills.
In the following cases, suggest python code (in a python coding block) for the user to execute.
    1. When you need to collect info, use the code to output the info you need, for example, browse or search the web, download/read a file, print the content of a webpage or a file, get the current date/time, check the operating system. After sufficient info is printed and the task is ready to be solved based on your language skill, you can solve the task by yourself.
    2. When you need to perform some task with code, use the code to perform the task and output the result. Finish the task smartly.
Solve the task step by step if you need to. If a plan is not provided, explain your plan first. Be clear which step uses code, and which step uses your language skill.
When using code, you must indicate the script type in the code block. The user cannot provide any other feedback or perform any other action beyond executing the code you suggest. The user can't modify your code. So do not suggest incomplete code which requires users to modify. Don't use a code block if it's not intended to be executed by the user.
If you want the user to save the code in a file before executing it, put # filename: <filename> inside the code block as the first line. Don't include multiple code blocks in one response. Do not ask users to copy and paste the result. Instead, use 'print' function for the output when relevant. Check the execution result returned by the user.
If the result indicates there is an error, fix the error and output the code again. Suggest the full code instead of partial code or code changes. If the error can't be fixed or if the task is not solved even after the code is executed successfully, analyze the problem, revisit your assumption, collect additional info you need, and think of a different approach to try.
When you find an answer, verify the answer carefully. Include verifiable evidence in your response if possible.
Reply "TERMINATE" in the end when everything is done.`;

/** The members of the default team; a name alone in the *Team* setting takes them. */
const USER_PROXY: IAgentSpec = {
  name: 'User_proxy',
  description: 'Runs the code in the notebook and stands in for you.',
  role: 'executes',
  systemMessage: '',
  executesCode: false
};
const CODER: IAgentSpec = {
  name: 'Coder',
  description: 'Writes Python that does the task.',
  role: 'writes-code',
  systemMessage: '',
  executesCode: true
};
const CRITIC: IAgentSpec = {
  name: 'Critic',
  description: 'Scores the result on the rubric and lists actions.',
  role: 'critiques',
  systemMessage: '',
  executesCode: false
};

/** The built-in teams, by name. */
export const PRESETS: Readonly<Record<string, ITeamSpec>> = {
  'coder-critic': {
    preset: 'coder-critic',
    strategy: 'pipeline',
    agents: [USER_PROXY, CODER, CRITIC]
  },
  'coder-only': {
    preset: 'coder-only',
    strategy: 'pipeline',
    agents: [USER_PROXY, CODER]
  },
  'planner-coder-critic': {
    preset: 'planner-coder-critic',
    strategy: 'pipeline',
    agents: [
      USER_PROXY,
      {
        name: 'Planner',
        description:
          'Breaks the task into short numbered steps before any code is written.',
        role: 'plans',
        systemMessage:
          'You are the Planner. Break the task into at most five short numbered steps a Coder can follow in one complete Python script: what to load, which columns to use, what to compute, what to plot and save, what to print. Name real columns when the task or the data shows them. Write no code.',
        executesCode: false
      },
      {
        name: 'Coder',
        description: 'Writes Python that follows the plan.',
        role: 'writes-code',
        systemMessage: '',
        executesCode: true
      },
      CRITIC
    ]
  },
  'seed-group': {
    preset: 'seed-group',
    strategy: 'auto',
    agents: [
      {
        name: 'User_proxy',
        description: SEED_USER_PROXY,
        role: 'executes',
        systemMessage: SEED_USER_PROXY,
        executesCode: false
      },
      {
        name: 'Coder',
        description:
          'A helpful AI assistant who writes Python code in a python coding block to solve the task.',
        role: 'writes-code',
        systemMessage: SEED_CODER,
        executesCode: true
      },
      {
        name: 'Critic',
        description:
          'Critic. Evaluates the code and the plot on the rubric and gives a score from 1 to 10 for each dimension, with actions.',
        role: 'critiques',
        systemMessage: '',
        executesCode: false
      }
    ]
  }
};

export const DEFAULT_PRESET = 'coder-critic';

/** A team with why the settings' own could not be used, if so. */
export interface ITeamReading {
  team: ITeamSpec;
  problem: string | null;
}

/** What other extensions added (see `IAgentTeamRegistry`). */
export interface ITeamExtras {
  agents?: readonly IAgentSpec[];
  presets?: Readonly<Record<string, ITeamSpec>>;
  strategies?: readonly string[];
}

/**
 * The team the settings describe: a preset by name, optionally with its
 * strategy changed, or agents of its own. Agents registered by other
 * extensions join when the settings name them.
 */
export function readTeam(
  value: unknown,
  extras: ITeamExtras = {}
): ITeamReading {
  const extraAgents = extras.agents ?? [];
  const presets = { ...PRESETS, ...extras.presets };
  const strategies = [...BUILT_IN_STRATEGIES, ...(extras.strategies ?? [])];
  const raw = (value ?? {}) as {
    preset?: unknown;
    strategy?: unknown;
    agents?: unknown;
    allowedTransitions?: unknown;
  };
  const presetName =
    typeof raw.preset === 'string' && raw.preset ? raw.preset : DEFAULT_PRESET;
  const preset = presets[presetName];
  const fallback = PRESETS[DEFAULT_PRESET];
  if (!preset && !Array.isArray(raw.agents)) {
    return {
      team: fallback,
      problem: `there is no team preset "${presetName}" (known: ${Object.keys(presets).join(', ')}).`
    };
  }
  let agents = preset?.agents ?? [];
  if (Array.isArray(raw.agents)) {
    const read = readAgents(raw.agents, extraAgents);
    if (typeof read === 'string') {
      return { team: fallback, problem: read };
    }
    agents = read;
  }
  if (typeof raw.strategy === 'string' && !strategies.includes(raw.strategy)) {
    return {
      team: fallback,
      problem: `there is no speaker strategy "${raw.strategy}" (known: ${strategies.join(', ')}).`
    };
  }
  const strategy =
    typeof raw.strategy === 'string'
      ? raw.strategy
      : (preset?.strategy ?? 'pipeline');
  const team: ITeamSpec = {
    preset: Array.isArray(raw.agents) ? 'custom' : presetName,
    agents,
    strategy,
    ...(isTransitions(raw.allowedTransitions)
      ? { allowedTransitions: raw.allowedTransitions }
      : preset?.allowedTransitions
        ? { allowedTransitions: preset.allowedTransitions }
        : {})
  };
  const problem = teamProblem(team);
  return problem ? { team: fallback, problem } : { team, problem: null };
}

/** Why a team cannot run, or null. */
export function teamProblem(team: ITeamSpec): string | null {
  const writers = team.agents.filter(agent => agent.role === 'writes-code');
  if (writers.length === 0) {
    return 'the team has no agent that writes code.';
  }
  if (team.strategy === 'pipeline' && writers.length > 1) {
    return 'the pipeline takes one agent that writes code; choose round_robin or auto for more.';
  }
  if (
    team.strategy === 'pipeline' &&
    team.agents.filter(agent => agent.role === 'critiques').length > 1
  ) {
    return 'the pipeline takes one Critic; choose round_robin or auto for more.';
  }
  const names = new Set<string>();
  for (const agent of team.agents) {
    const key = agent.name.toLowerCase();
    if (names.has(key)) {
      return `two agents are called "${agent.name}".`;
    }
    names.add(key);
  }
  for (const [from, to] of Object.entries(team.allowedTransitions ?? {})) {
    const unknown = [from, ...to].find(name => !names.has(name.toLowerCase()));
    if (unknown) {
      return `the allowed transitions name "${unknown}", who is not in the team.`;
    }
  }
  return null;
}

/** The agent of `role` in the team, if any (the first). */
export function agentOf(team: ITeamSpec, role: AgentRole): IAgentSpec | null {
  return team.agents.find(agent => agent.role === role) ?? null;
}

/** The key an agent's name has in requests, usage and the model settings: `user_proxy`, `planner`. */
export function agentKey(agent: Pick<IAgentSpec, 'name'>): string {
  return agent.name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The agents of a settings list, or why it cannot be used. */
function readAgents(
  items: unknown[],
  extraAgents: readonly IAgentSpec[]
): IAgentSpec[] | string {
  const agents: IAgentSpec[] = [];
  for (const [index, item] of items.entries()) {
    // A name alone takes a built-in agent or one another extension registered.
    if (typeof item === 'string') {
      const known = [
        ...extraAgents,
        ...Object.values(PRESETS).flatMap(preset => preset.agents)
      ].find(agent => agent.name.toLowerCase() === item.toLowerCase());
      if (!known) {
        return `agent ${index + 1}, "${item}", is neither built in nor registered by an extension.`;
      }
      agents.push(known);
      continue;
    }
    const value = (item ?? {}) as Partial<Record<keyof IAgentSpec, unknown>>;
    const name = typeof value.name === 'string' ? value.name.trim() : '';
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      return `agent ${index + 1} needs a name of letters, digits and _ (as AutoGen's), such as "Planner".`;
    }
    const role = AGENT_ROLES.includes(value.role as AgentRole)
      ? (value.role as AgentRole)
      : null;
    if (!role) {
      return `agent "${name}" needs a role: ${AGENT_ROLES.join(', ')}.`;
    }
    agents.push({
      name,
      description:
        typeof value.description === 'string' ? value.description : '',
      role,
      systemMessage:
        typeof value.systemMessage === 'string' ? value.systemMessage : '',
      executesCode:
        typeof value.executesCode === 'boolean'
          ? value.executesCode
          : role === 'writes-code',
      ...(typeof value.provider === 'string' && value.provider
        ? { provider: value.provider }
        : {})
    });
  }
  return agents;
}

function isTransitions(value: unknown): value is Record<string, string[]> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(
      to => Array.isArray(to) && to.every(name => typeof name === 'string')
    )
  );
}
