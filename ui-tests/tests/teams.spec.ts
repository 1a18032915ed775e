/**
 * Teams as data on a real kernel: the seed's own AutoGen group with a model
 * choosing each speaker, a Planner + Coder team of the user's own, and an
 * agent another extension registers through the IAgentTeamRegistry token.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  SIDEBAR,
  ask,
  modelCalls,
  notebookCells,
  openNotebook,
  setScenario,
  summaries,
  pluginSettings
} from './helpers';
import {
  LOAD_CELL,
  REVISED_PLOT_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

/** The seed task's code as one block, as the seed's Coder is told to write it. */
const ONE_BLOCK = `${LOAD_CELL}\n\n${REVISED_PLOT_CELL}`;

test.describe('the seed group', () => {
  test.use(pluginSettings({ team: { preset: 'seed-group' } }));

  test('runs the seed task end to end with a model choosing each speaker', async ({
    page,
    request,
    tmpPath
  }) => {
    await setScenario(request, {
      replies: {
        manager: [
          'Coder',
          // Real selectors explain themselves; one name is enough.
          'The code should be executed now, so the next role is User_proxy.',
          'Critic'
        ],
        coder: [
          'Plan: load the data, print the fields, then plot weight against horsepower and save it.\n\n```python\n# filename: plot.py\n' +
            ONE_BLOCK +
            '\n```'
        ],
        critic: [criticReply([9, 9, 9, 9, 9, 9], ['None.'])]
      }
    });
    await openNotebook(page, tmpPath);
    await ask(page, TASK);
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 90000
    });

    const calls = await modelCalls(request);
    expect(calls.map(call => call.agent)).toEqual([
      'manager',
      'coder',
      'manager',
      'manager',
      'critic'
    ]);
    const selector = JSON.stringify(calls[2].body);
    expect(selector).toContain('You are in a role play game.');
    expect(selector).toContain(
      'select the next role from [User_proxy, Coder, Critic] to play'
    );
    // The seed's own Coder system message.
    expect(JSON.stringify(calls[1].body)).toContain(
      'You are a helpful AI assistant.'
    );
    // The User proxy ran the cell on the live kernel before the Critic spoke.
    const critic = JSON.stringify(calls[4].body);
    expect(critic).toContain("'Weight_in_lbs'");
    const cells = await notebookCells(page);
    const team = cells.filter(cell => cell.metadata?.agent_team);
    expect(team.map(cell => cell.source)).toEqual([
      `# filename: plot.py\n${ONE_BLOCK}`
    ]);
    expect(team[0].outputs?.length).toBeGreaterThan(0);

    const sidebar = page.locator(SIDEBAR);
    await expect(
      sidebar.locator('.jp-AgentTeam-Message .jp-AgentTeam-AgentName')
    ).toHaveText(['You', 'Coder', 'User proxy', 'Critic', 'User proxy']);
    // At the threshold the cell ran again in a fresh kernel, as in the pipeline.
    await expect(sidebar.locator('.jp-AgentTeam-Message').last()).toContainText(
      'Reproduces from a clean kernel'
    );
    // Three selector calls and two agent calls, each counted.
    await expect(summaries(page).last()).toContainText('5 model calls');
    await expect(summaries(page).last()).toContainText('Speaker selector');
  });
});

test.describe('a Planner + Coder team of the user’s own', () => {
  test.use(
    pluginSettings({
      team: {
        strategy: 'round_robin',
        agents: [
          {
            name: 'Planner',
            role: 'plans',
            description: 'Plans the steps.',
            systemMessage: 'You are the Planner. List the steps; write no code.'
          },
          { name: 'Coder', role: 'writes-code', description: 'Writes code.' },
          {
            name: 'Runner',
            role: 'executes',
            description: 'Runs the code.'
          }
        ]
      }
    })
  );

  test('plans, writes, runs, and stops when told TERMINATE', async ({
    page,
    request,
    tmpPath
  }) => {
    await setScenario(request, {
      replies: {
        planner: [
          '1. Load cars.csv and print the columns.\n2. Scatter Weight_in_lbs against Horsepower and save it.',
          'The plot was saved and the fields were printed. TERMINATE'
        ],
        coder: [
          coderReply('Following the plan.', [LOAD_CELL, REVISED_PLOT_CELL])
        ]
      }
    });
    await openNotebook(page, tmpPath);
    await ask(page, TASK);
    await expect(summaries(page)).toHaveAttribute('data-reason', 'terminate', {
      timeout: 90000
    });

    const calls = await modelCalls(request);
    expect(calls.map(call => call.agent)).toEqual([
      'planner',
      'coder',
      'planner'
    ]);
    // The Coder read the plan; the Planner read what the Runner reported.
    expect(JSON.stringify(calls[1].body)).toContain(
      '1. Load cars.csv and print the columns.'
    );
    expect(JSON.stringify(calls[2].body)).toContain(
      'exitcode: 0 (execution succeeded)'
    );
    const sidebar = page.locator(SIDEBAR);
    await expect(
      sidebar.locator('.jp-AgentTeam-Message .jp-AgentTeam-AgentName')
    ).toHaveText(['You', 'Planner', 'Coder', 'Runner', 'Planner']);
  });
});

test.describe('an agent another extension registers', () => {
  test.use(pluginSettings({ reproduceCheck: false }));

  test('appears in the team editor through IAgentTeamRegistry, joins the team and speaks from its own model provider', async ({
    page,
    request,
    tmpPath
  }, testInfo) => {
    await setScenario(request, {
      replies: {
        coder: [
          coderReply('Reviewed; here is the code.', [
            LOAD_CELL,
            REVISED_PLOT_CELL
          ])
        ],
        critic: [criticReply([9, 9, 9, 9, 9, 9], ['None.'])]
      }
    });
    await openNotebook(page, tmpPath, { widen: false });

    // Another extension's plugin, registered at run time: it requires the
    // token and adds an agent answered by a model provider of its own.
    await page.evaluate(async () => {
      const app = (window as any).jupyterapp ?? (window as any).galata.app;
      const token = app.pluginRegistry._plugins.get(
        'jupyterlab-agent-team:registry'
      ).provides;
      app.registerPlugin({
        id: 'other-extension:reviewer',
        autoStart: false,
        requires: [token],
        activate: (_: unknown, registry: any) => {
          registry.registerModelProvider('house-rules', {
            complete: async (request: any) => {
              const text =
                'House rules: label both axes with units and save the figure at 100 dpi.';
              request.onToken?.(text);
              return { text };
            }
          });
          registry.registerAgent({
            name: 'Reviewer',
            description: 'States the house rules for charts before any code.',
            role: 'custom',
            systemMessage: '',
            executesCode: false,
            provider: 'house-rules'
          });
        }
      });
      await app.activatePlugin('other-extension:reviewer');
    });

    const sidebar = page.locator(SIDEBAR);
    await sidebar.locator('.jp-AgentTeam-TeamSummary').click();
    const offered = sidebar.locator('.jp-AgentTeam-TeamField', {
      hasText: 'From extensions'
    });
    await offered.locator('select').selectOption('Reviewer');
    await expect(sidebar.locator('.jp-AgentTeam-TeamSummary')).toHaveText(
      'Team: User_proxy, Coder, Critic, Reviewer · pipeline'
    );
    // The open editor at the default sidebar width, in both themes.
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      await sidebar.screenshot({
        path: testInfo.outputPath(`team-editor-${theme}.png`)
      });
    }
    await page.theme.setLightTheme();
    await sidebar.locator('.jp-AgentTeam-TeamSummary').click();

    await ask(page, TASK);
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 90000
    });
    // The Reviewer spoke from its provider, not from the model server, and
    // the Coder read what it said.
    const calls = await modelCalls(request);
    expect(calls.map(call => call.agent)).toEqual(['coder', 'critic']);
    expect(JSON.stringify(calls[0].body)).toContain(
      'Reviewer says:\\nHouse rules: label both axes with units'
    );
    await expect(
      sidebar.locator('.jp-AgentTeam-Message', { hasText: 'House rules' })
    ).toContainText('Reviewer');
  });
});
