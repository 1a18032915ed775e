import {
  IAgentSpec,
  ITeamSpec,
  PRESETS,
  readTeam,
  teamProblem
} from '../src/team/agents';
import type { IEndpoint } from '../src/llm/endpoints';
import { chooseModels } from '../src/llm/modelChoice';
import { AgentRouter } from '../src/llm/resilientChatModel';
import { DEFAULT_TEAM_CONFIG, ITeamConfig } from '../src/team/config';
import { parseCritique } from '../src/team/critique';
import {
  autoSelect,
  candidates,
  namedAgent,
  roundRobin,
  selectorMessages
} from '../src/team/speakers';
import { TeamRun } from '../src/team/teamRun';
import {
  allOf,
  anyOf,
  IChatState,
  maxMessages,
  scoreThreshold,
  terminationOf,
  textMention,
  timeout,
  tokenBudget
} from '../src/team/termination';
import type { IChatMessage } from '../src/team/types';
import {
  FakeWorkspace,
  ScriptedModel,
  critique,
  error,
  ok,
  python
} from './teamFakes';

const TASK =
  'use data from cars.csv and plot the relationship between weight and horsepower; save the plot to a file; print the fields first';
const FIXED =
  "df = pd.read_csv('cars.csv')\nprint(df.columns.tolist())\nplt.scatter(df['Weight_in_lbs'], df['Horsepower'])\nplt.savefig('plot.png')";

function kernel(source: string) {
  return source.includes("'Weight'")
    ? error('KeyError', "'Weight'")
    : ok("['Name', 'Miles_per_Gallon', 'Weight_in_lbs', 'Horsepower']\n");
}

function config(
  team: ITeamSpec,
  overrides: Partial<ITeamConfig> = {}
): ITeamConfig {
  return { ...DEFAULT_TEAM_CONFIG, reproduceCheck: false, team, ...overrides };
}

function text(message: IChatMessage): string {
  return typeof message.content === 'string'
    ? message.content
    : message.content
        .map(part => (part.type === 'text' ? part.text : ''))
        .join('');
}

function state(overrides: Partial<IChatState> = {}): IChatState {
  return {
    messages: 0,
    lastText: '',
    lastSpeaker: 'Coder',
    critique: null,
    elapsedMs: 0,
    tokens: 0,
    ...overrides
  };
}

const SEED = PRESETS['seed-group'];
const [USER_PROXY, CODER, CRITIC] = SEED.agents;

describe('teams as data', () => {
  it.each(Object.keys(PRESETS))('preset %s loads and can run', name => {
    const { team, problem } = readTeam({ preset: name });
    expect(problem).toBeNull();
    expect(team.preset).toBe(name);
    expect(teamProblem(team)).toBeNull();
  });

  it('keeps the seed group exactly: three agents, the seed’s Coder message, speakers chosen by a model', () => {
    expect(SEED.strategy).toBe('auto');
    expect(SEED.agents.map(agent => agent.name)).toEqual([
      'User_proxy',
      'Coder',
      'Critic'
    ]);
    expect(CODER.systemMessage).toContain(
      'Reply "TERMINATE" in the end when everything is done.'
    );
    expect(USER_PROXY.systemMessage).toBe(
      'A human admin. Interact with the Coder to discuss the plan. Plan execution needs to be approved by this admin.'
    );
  });

  it('reads agents of the user’s own, and an agent another extension registered by name', () => {
    const reviewer: IAgentSpec = {
      name: 'Reviewer',
      description: 'Checks the code for style.',
      role: 'custom',
      systemMessage: 'Review the code.',
      executesCode: false
    };
    const { team, problem } = readTeam(
      {
        strategy: 'round_robin',
        agents: [
          { name: 'Planner', role: 'plans', description: 'Plans.' },
          { name: 'Coder', role: 'writes-code' },
          'reviewer'
        ]
      },
      { agents: [reviewer] }
    );
    expect(problem).toBeNull();
    expect(team.preset).toBe('custom');
    expect(team.agents.map(agent => [agent.name, agent.executesCode])).toEqual([
      ['Planner', false],
      ['Coder', true],
      ['Reviewer', false]
    ]);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'an unknown preset',
      { preset: 'dream-team' },
      /no team preset "dream-team"/
    ],
    [
      'an unknown strategy',
      { strategy: 'loudest' },
      /no speaker strategy "loudest"/
    ],
    [
      'an agent without a role',
      { agents: [{ name: 'Coder' }] },
      /"Coder" needs a role/
    ],
    [
      'a name AutoGen would not take',
      { agents: [{ name: 'My coder', role: 'writes-code' }] },
      /letters, digits and _/
    ],
    [
      'no one who writes code',
      { agents: [{ name: 'Critic', role: 'critiques' }] },
      /no agent that writes code/
    ],
    [
      'an agent no extension registered',
      { agents: ['Coder', 'Ghost'] },
      /"Ghost", is neither built in nor registered/
    ],
    [
      'a transition to a stranger',
      { preset: 'seed-group', allowedTransitions: { Coder: ['Reviewer'] } },
      /"Reviewer", who is not in the team/
    ]
  ])(
    'explains %s and falls back to Coder + Critic',
    (_name, value, problem) => {
      const reading = readTeam(value);
      expect(reading.problem).toMatch(problem);
      expect(reading.team).toBe(PRESETS['coder-critic']);
    }
  );
});

describe('termination conditions', () => {
  it('each says when it is met', () => {
    expect(maxMessages(3).check(state({ messages: 2 }))).toBeNull();
    expect(maxMessages(3).check(state({ messages: 3 }))?.kind).toBe(
      'max-rounds'
    );
    expect(timeout(5).check(state({ elapsedMs: 5000 }))?.kind).toBe('timeout');
    expect(tokenBudget(100).check(state({ tokens: 99 }))).toBeNull();
    expect(tokenBudget(100).check(state({ tokens: 100 }))?.kind).toBe(
      'token-budget'
    );
  });

  it.each<[string, boolean]>([
    ['All scores are above 8. TERMINATE', true],
    ['TERMINATE', true],
    ['Fix the labels, then reply TERMINATE when everything is done.', false],
    ['Type TERMINATE to end the conversation.', false],
    ['The run was TERMINATED early.', false]
  ])('a mention of TERMINATE in %j stops: %s', (lastText, stops) => {
    expect(!!textMention().check(state({ lastText }))).toBe(stops);
  });

  it('stops at the threshold only with every score given', () => {
    const full = parseCritique(
      '{"bugs": 9, "transformation": 9, "compliance": 9, "type": 8, "encoding": 9, "aesthetics": 8}'
    );
    const cut = parseCritique('- bugs: 9/10\n- transformation: 9/10');
    expect(scoreThreshold(8).check(state({ critique: full }))?.kind).toBe(
      'threshold'
    );
    expect(scoreThreshold(8).check(state({ critique: cut }))).toBeNull();
  });

  it('compose: any stops at the first, all once each was met, and reset forgets', () => {
    const either = anyOf(maxMessages(10), textMention());
    expect(either.check(state({ messages: 4, lastText: 'TERMINATE' }))).toEqual(
      {
        kind: 'terminate',
        text: 'Coder said TERMINATE'
      }
    );
    const both = allOf(textMention(), maxMessages(5));
    expect(
      both.check(state({ messages: 2, lastText: 'TERMINATE' }))
    ).toBeNull();
    // TERMINATE was said earlier; the message budget is met now.
    expect(both.check(state({ messages: 5, lastText: 'ok' }))).toEqual({
      kind: 'max-rounds',
      text: 'Coder said TERMINATE and 5 messages'
    });
    both.reset();
    expect(both.check(state({ messages: 5, lastText: 'ok' }))).toBeNull();
  });

  it('of the settings: time and tokens only when set', () => {
    const settings = {
      maxMessages: 20,
      mention: 'TERMINATE',
      scoreThreshold: 8,
      timeoutSeconds: 0,
      tokenBudget: 0
    };
    const huge = state({ elapsedMs: 1e9, tokens: 1e9 });
    expect(terminationOf(settings).check(huge)).toBeNull();
    expect(
      terminationOf({ ...settings, tokenBudget: 5000 }).check(huge)?.kind
    ).toBe('token-budget');
  });
});

describe('speaker selection', () => {
  const select = jest.fn<Promise<string>, [IChatMessage[]]>();
  beforeEach(() => select.mockReset());

  it('round robin takes each agent in turn, within the allowed transitions', async () => {
    const order: string[] = [];
    let last: IAgentSpec | null = null;
    for (let i = 0; i < 4; i++) {
      last = await roundRobin.next({
        team: SEED,
        last,
        conversation: [],
        select
      });
      order.push(last!.name);
    }
    expect(order).toEqual(['User_proxy', 'Coder', 'Critic', 'User_proxy']);
    const strict: ITeamSpec = {
      ...SEED,
      allowedTransitions: { Coder: ['User_proxy'] }
    };
    expect(
      (
        await roundRobin.next({
          team: strict,
          last: CODER,
          conversation: [],
          select
        })
      )?.name
    ).toBe('User_proxy');
    expect(select).not.toHaveBeenCalled();
  });

  it.each<[string, string | null]>([
    ['Critic', 'Critic'],
    ['  critic.\n', 'Critic'],
    ['The next role should be **User_proxy** to run the code.', 'User_proxy'],
    ['User proxy', 'User_proxy'],
    ['Coder or Critic', null],
    ['I think the conversation is complete.', null]
  ])('a selector reply %j names %s', (reply, name) => {
    expect(namedAgent(reply, SEED.agents)?.name ?? null).toBe(name);
  });

  it('auto asks a model with the names and descriptions, as AutoGen does', async () => {
    select.mockResolvedValueOnce('Critic');
    const next = await autoSelect.next({
      team: SEED,
      last: USER_PROXY,
      conversation: [{ speaker: 'User_proxy', text: TASK }],
      select
    });
    expect(next).toBe(CRITIC);
    const [prompt] = select.mock.calls[0];
    expect(text(prompt[0])).toContain(
      'You are in a role play game. The following roles are available:\nUser_proxy: A human admin.'
    );
    expect(text(prompt[1])).toContain(
      'Then select the next role from [User_proxy, Coder, Critic] to play. Only return the role.'
    );
  });

  it('auto asks again after a garbled reply, then falls back to round robin', async () => {
    select
      .mockResolvedValueOnce(
        'As an AI language model, I think Coder or Critic could go.'
      )
      .mockResolvedValueOnce('');
    const next = await autoSelect.next({
      team: SEED,
      last: CODER,
      conversation: [{ speaker: 'Coder', text: '```python\nprint(1)\n```' }],
      select
    });
    expect(select).toHaveBeenCalledTimes(2);
    // The retry shows the model its reply and asks for one name.
    expect(text(select.mock.calls[1][0].slice(-1)[0])).toContain(
      'Reply with exactly one of [User_proxy, Coder, Critic]'
    );
    expect(next).toBe(CRITIC);
  });

  it('auto makes no call when one agent may speak', async () => {
    const strict: ITeamSpec = {
      ...SEED,
      allowedTransitions: { Coder: ['User_proxy'] }
    };
    expect(candidates(strict, CODER).map(agent => agent.name)).toEqual([
      'User_proxy'
    ]);
    const next = await autoSelect.next({
      team: strict,
      last: CODER,
      conversation: [],
      select
    });
    expect(next).toBe(USER_PROXY);
    expect(select).not.toHaveBeenCalled();
  });

  it('keeps the selector prompt short however long the conversation', () => {
    const long = 'x'.repeat(10000);
    const messages = selectorMessages(SEED.agents, [
      { speaker: 'User_proxy', text: long },
      { speaker: 'Coder', text: long }
    ]);
    expect(text(messages[1]).length).toBeLessThan(1600);
  });
});

describe('a team run by its strategy', () => {
  it('runs the seed group with auto selection: Coder, User_proxy runs the cells, Critic scores, at the threshold it ends', async () => {
    const model = new ScriptedModel({
      manager: [
        'Coder',
        'User_proxy',
        'The Critic should now evaluate. Critic'
      ],
      coder: ["First, let's print the fields and plot.\n\n" + python(FIXED)],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const workspace = new FakeWorkspace(kernel);
    const run = new TeamRun({
      task: TASK,
      model,
      workspace,
      config: config(SEED)
    });

    const summary = await run.start();

    expect(summary.reason).toBe('threshold');
    expect(model.calls('manager')).toHaveLength(3);
    expect(run.messages.map(m => [m.agent, m.kind])).toEqual([
      ['user_proxy', 'task'],
      ['coder', 'code'],
      ['user_proxy', 'execution'],
      ['critic', 'critique'],
      ['user_proxy', 'summary']
    ]);
    // The seed's Coder message, and the whole conversation, as AutoGen sends.
    const coder = model.calls('coder')[0].messages;
    expect(text(coder[0])).toContain('You are a helpful AI assistant.');
    expect(text(coder[1])).toContain(`User_proxy:\n${TASK}`);
    // The Critic is told the rubric and sees the real output.
    const critic = text(model.calls('critic')[0].messages[1]);
    expect(critic).toContain("['Name', 'Miles_per_Gallon', 'Weight_in_lbs'");
    // The selector saw what the User proxy reported.
    const selector = text(model.calls('manager')[2].messages[1]);
    expect(selector).toContain('exitcode: 0 (execution succeeded)');
    expect(workspace.teamCells().map(c => c.source)).toEqual([FIXED]);
    expect(summary.usage.byAgent?.manager?.modelCalls).toBe(3);
  });

  it('sends a failing draft back in the conversation, and counts the fixes', async () => {
    const buggy = FIXED.replace("'Weight_in_lbs'", "'Weight'");
    const model = new ScriptedModel({
      coder: [python(buggy), python(FIXED)],
      critic: [critique([2, 5, 5, 5, 5, 5]), critique([9, 9, 9, 9, 9, 9])]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config({
        ...SEED,
        strategy: 'round_robin',
        agents: [CODER, USER_PROXY, CRITIC]
      })
    });
    const summary = await run.start();
    // In turn: Coder, User_proxy runs (KeyError), Critic, Coder, User_proxy, Critic.
    expect(summary.reason).toBe('threshold');
    expect(
      run.messages.filter(m => m.kind !== 'summary').map(m => m.agent)
    ).toEqual([
      'user_proxy',
      'coder',
      'user_proxy',
      'critic',
      'coder',
      'user_proxy',
      'critic'
    ]);
    const second = text(model.calls('coder')[1].messages[1]);
    expect(second).toContain('exitcode: 1 (execution failed)');
    expect(second).toContain("KeyError: 'Weight'");
  });

  it('never runs the cells of an agent without code execution', async () => {
    const team: ITeamSpec = {
      preset: 'custom',
      strategy: 'round_robin',
      agents: [
        {
          name: 'Analyst',
          description: 'Suggests an approach, with code for illustration.',
          role: 'custom',
          systemMessage: 'You are an analyst.',
          executesCode: false
        },
        {
          name: 'Coder',
          description: 'Writes the code.',
          role: 'writes-code',
          systemMessage: '',
          executesCode: true
        }
      ]
    };
    const model = new ScriptedModel({
      analyst: [
        "Here is how I'd do it:\n\n```python\nimport os\nos.remove('cars.csv')\n```"
      ],
      coder: [python(FIXED) + '\n\nTERMINATE']
    });
    const workspace = new FakeWorkspace(kernel);
    const run = new TeamRun({
      task: TASK,
      model,
      workspace,
      config: config(team)
    });
    const summary = await run.start();

    expect(summary.reason).toBe('terminate');
    const sources = workspace.teamCells().map(c => c.source);
    expect(sources).toEqual([FIXED]);
    expect(workspace.executed.join('\n')).not.toContain('os.remove');
    const analyst = run.messages.find(m => m.speaker === 'Analyst');
    expect(analyst?.kind).toBe('message');
    expect(analyst?.agent).toBe('agent');
  });

  it('in the pipeline, the Planner speaks once before the Coder, whose first prompt holds the plan', async () => {
    const model = new ScriptedModel({
      planner: [
        '1. Load cars.csv and print its columns.\n2. Scatter Weight_in_lbs against Horsepower.\n3. Save the plot.'
      ],
      coder: [python(FIXED)],
      critic: [critique([9, 9, 9, 9, 9, 9])]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config(PRESETS['planner-coder-critic'])
    });
    const summary = await run.start();
    expect(summary.reason).toBe('threshold');
    expect(run.messages.map(m => m.speaker ?? m.agent)).toEqual([
      'user_proxy',
      'Planner',
      'coder',
      'user_proxy',
      'critic',
      'user_proxy'
    ]);
    expect(text(model.calls('coder')[0].messages[1])).toContain(
      'Planner says:\n1. Load cars.csv and print its columns.'
    );
  });

  it('with Coder only, ends once the cells ran without error', async () => {
    const model = new ScriptedModel({
      coder: [
        python(FIXED.replace("'Weight_in_lbs'", "'Weight'")),
        python(FIXED)
      ]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      config: config(PRESETS['coder-only'])
    });
    const summary = await run.start();
    expect(summary.reason).toBe('ran');
    expect(summary.usage.modelCalls).toBe(2);
    expect(model.calls('critic')).toHaveLength(0);
  });

  it('stops the pipeline when the token budget is used', async () => {
    const model = new ScriptedModel({
      coder: [python(FIXED), python(FIXED)],
      critic: [critique([9, 9, 9, 9, 9, 5]), critique([9, 9, 9, 9, 9, 5])]
    });
    const run = new TeamRun({
      task: TASK,
      model,
      workspace: new FakeWorkspace(kernel),
      // Each scripted call counts 15 tokens.
      config: config(PRESETS['coder-critic'], { tokenBudget: 30 })
    });
    const summary = await run.start();
    expect(summary.reason).toBe('token-budget');
    expect(summary.usage.modelCalls).toBe(2);
  });
});

describe('each agent’s endpoint and model', () => {
  const endpoint = (name: string): IEndpoint => ({
    name,
    baseUrl: `http://127.0.0.1:1/${name}`,
    keySource: '',
    hasKey: false,
    vision: null,
    contextWindow: null,
    defaultModel: '',
    origin: 'server'
  });
  const setting = (name: string, model: string) => ({
    endpoint: name,
    model,
    fallbacks: []
  });

  it('are chosen for any agent with a setting of its own', () => {
    const { choices, problem } = chooseModels(
      {
        coder: setting('Local', 'qwen2.5-coder'),
        critic: setting('Local', 'llava'),
        planner: setting('Cloud', 'gpt-4o')
      },
      [endpoint('Local'), endpoint('Cloud')],
      new Map()
    );
    expect(problem).toBeNull();
    expect(
      Object.entries(choices!).map(([agent, choice]) => [
        agent,
        choice.routes[0].endpoint.name,
        choice.routes[0].model
      ])
    ).toEqual([
      ['coder', 'Local', 'qwen2.5-coder'],
      ['critic', 'Local', 'llava'],
      ['planner', 'Cloud', 'gpt-4o']
    ]);
  });

  it('route each call: its own model, else the Coder’s, a critic the Critic’s', async () => {
    const answered: string[] = [];
    const model = (name: string) => ({
      complete: async () => {
        answered.push(name);
        return { text: name };
      }
    });
    const router = new AgentRouter({
      coder: model('coder model'),
      critic: model('critic model'),
      planner: model('planner model')
    });
    for (const request of [
      { agent: 'planner' as const },
      { agent: 'agent' as const, speaker: 'analyst' },
      { agent: 'manager' as const },
      { agent: 'critic' as const },
      { agent: 'coder' as const }
    ]) {
      await router.complete({ ...request, messages: [] });
    }
    expect(answered).toEqual([
      'planner model',
      'coder model',
      'coder model',
      'critic model',
      'coder model'
    ]);
  });
});
