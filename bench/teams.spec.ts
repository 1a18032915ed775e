/**
 * Benchmark, not a test: the same seed script run by the team's pipeline and
 * by the seed's own AutoGen group with a model choosing each speaker, on one
 * machine, one kernel, one scripted server. Prints model calls, prompt
 * characters and tokens per run; asserts only that both runs really ran.
 */
import { expect, galata, test } from '@jupyterlab/galata';

import {
  ILoggedRequest,
  ask,
  modelCalls,
  openNotebook,
  setScenario,
  summaries
} from '../ui-tests/tests/helpers';
import {
  BUGGY_PLOT_CELL,
  FIXED_PLOT_CELL,
  LOAD_CELL,
  TASK,
  coderReply,
  criticReply
} from '../ui-tests/tests/scenarios';

const PLUGIN = 'jupyterlab-agent-team:plugin';

/** Buggy draft → fix → critique at the threshold, as the seed run went. */
const SCRIPT = {
  coder: [
    coderReply('Fields first, then the plot.', [LOAD_CELL, BUGGY_PLOT_CELL]),
    coderReply("The column is 'Weight_in_lbs'.", [LOAD_CELL, FIXED_PLOT_CELL])
  ],
  critic: [criticReply([9, 9, 9, 9, 9, 9], ['None.'])],
  // Only auto selection asks: Coder, User_proxy, Coder, User_proxy, Critic.
  manager: ['Coder', 'User_proxy', 'Coder', 'User_proxy', 'Critic']
};

interface IFigures {
  calls: number;
  byAgent: Record<string, number>;
  promptChars: number;
  largestPrompt: number;
  tokens: string;
}

const figures: Record<string, IFigures> = {};

function promptChars(call: ILoggedRequest): number {
  const body = call.body as { messages: { content: unknown }[] };
  return body.messages
    .map(message =>
      typeof message.content === 'string'
        ? message.content.length
        : (message.content as { type: string; text?: string }[])
            .map(part => part.text?.length ?? 0)
            .reduce((a, b) => a + b, 0)
    )
    .reduce((a, b) => a + b, 0);
}

for (const [mode, team] of [
  ['pipeline', { preset: 'coder-critic' }],
  ['auto', { preset: 'seed-group' }]
] as const) {
  test.describe(mode, () => {
    test.use({
      mockSettings: {
        ...galata.DEFAULT_SETTINGS,
        [PLUGIN]: { team, reproduceCheck: false }
      }
    });

    test(`the seed task, ${mode}`, async ({ page, request, tmpPath }) => {
      await setScenario(request, {
        replies: JSON.parse(JSON.stringify(SCRIPT))
      });
      await openNotebook(page, tmpPath);
      await ask(page, TASK);
      await expect(summaries(page)).toHaveAttribute(
        'data-reason',
        'threshold',
        { timeout: 120000 }
      );
      const calls = await modelCalls(request);
      const byAgent: Record<string, number> = {};
      for (const call of calls) {
        byAgent[call.agent ?? '?'] = (byAgent[call.agent ?? '?'] ?? 0) + 1;
      }
      const sizes = calls.map(promptChars);
      figures[mode] = {
        calls: calls.length,
        byAgent,
        promptChars: sizes.reduce((a, b) => a + b, 0),
        largestPrompt: Math.max(...sizes),
        tokens: (
          await summaries(page)
            .last()
            .locator('.jp-AgentTeam-SummaryFacts span', { hasText: 'tokens' })
            .first()
            .innerText()
        ).trim()
      };
    });
  });
}

test.afterAll(() => {
  const row = (mode: string) => {
    const f = figures[mode];
    if (!f) {
      return `${mode.padEnd(9)} (did not run)`;
    }
    const agents = Object.entries(f.byAgent)
      .map(([agent, n]) => `${agent} ${n}`)
      .join(', ');
    return `${mode.padEnd(9)} ${String(f.calls).padStart(5)}  ${f.promptChars.toLocaleString('en').padStart(12)}  ${f.largestPrompt.toLocaleString('en').padStart(14)}  ${f.tokens.padEnd(28)} ${agents}`;
  };
  console.log(
    [
      '',
      'Seed task, same script (buggy draft → fix → critique), scripted model:',
      'mode      calls  prompt chars  largest prompt  tokens                       calls by agent',
      row('pipeline'),
      row('auto'),
      ''
    ].join('\n')
  );
});
