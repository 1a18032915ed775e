/**
 * Model connections as a user meets them: the state of each agent's endpoint
 * before anything is typed, a model picked from what the server lists, a
 * rate limit waited out, a second endpoint taking over, token counts, and a
 * failed run that keeps its task for Retry. The Jupyter server knows three
 * endpoints (jupyter_server_test_config.py): Scripted, Backup and Offline.
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import {
  SIDEBAR,
  USER_CELL,
  ask,
  modelCalls,
  notebookCells,
  openNotebook,
  setScenario,
  summaries,
  pluginSettings
} from './helpers';
import {
  FIXED_PLOT_CELL,
  LOAD_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

const BACKUP = 'http://127.0.0.1:8912';

const DRAFT = coderReply('Fields, then the plot.', [
  LOAD_CELL,
  FIXED_PLOT_CELL
]);
const GOOD_SCORES = criticReply([9, 9, 9, 9, 9, 9], ['None.']);

/** The tokens the scripted server reports for a call: a quarter of the characters, rounded up. */
function serverUsage(body: unknown, reply: string): number {
  const messages = (body as { messages: { content: unknown }[] }).messages;
  const text = messages
    .map(message =>
      typeof message.content === 'string'
        ? message.content
        : (message.content as { type: string; text?: string }[])
            .filter(part => part.type === 'text')
            .map(part => part.text ?? '')
            .join('\n')
    )
    .join('\n');
  return Math.ceil(text.length / 4) + Math.ceil(reply.length / 4);
}

async function backupCalls(request: APIRequestContext) {
  const log = await (await request.get(`${BACKUP}/__log`)).json();
  return (log as { path: string; agent: string }[]).filter(
    entry => entry.path === '/v1/chat/completions'
  );
}

test.describe('with the Coder on an endpoint where nothing listens', () => {
  test.use(
    pluginSettings({
      agents: {
        coder: { endpoint: 'Offline', model: '', fallbacks: [] },
        critic: { endpoint: '', model: '', fallbacks: [] }
      }
    })
  );

  test('the header says so before anything is typed, a task is refused and kept, and picking another endpoint fixes it', async ({
    page,
    request,
    tmpPath
  }, testInfo) => {
    await setScenario(request, { replies: {} });
    // At JupyterLab's default sidebar width, as a new user sees it.
    await openNotebook(page, tmpPath, { widen: false });
    const coder = page.locator(
      `${SIDEBAR} .jp-AgentTeam-AgentPicker[data-agent="coder"]`
    );
    await expect(coder.locator('.jp-AgentTeam-ConnectionBadge')).toHaveText(
      'unreachable'
    );
    const problem = page.locator(`${SIDEBAR} .jp-AgentTeam-ConnectionProblem`);
    await expect(problem).toContainText('Offline is unreachable');
    await expect(problem.locator('.jp-AgentTeam-ConnectionFix')).toContainText(
      'http://127.0.0.1:9/v1'
    );
    // The critic's endpoint is fine.
    await expect(
      page.locator(
        `${SIDEBAR} .jp-AgentTeam-AgentPicker[data-agent="critic"] .jp-AgentTeam-ConnectionBadge`
      )
    ).toHaveText('connected');

    // The endpoints the server knows: where each is and where its key comes from.
    const list = page.locator(`${SIDEBAR} .jp-AgentTeam-EndpointList`);
    await list.locator('summary').click();
    await expect(list.locator('li[data-endpoint="Scripted"]')).toContainText(
      'http://127.0.0.1:8911/v1'
    );
    await expect(list.locator('li[data-endpoint="Scripted"]')).toContainText(
      'key from OPENAI_API_KEY'
    );
    await expect(list.locator('li[data-endpoint="Backup"]')).toContainText(
      'no key'
    );
    await expect(list.locator('li[data-endpoint="Offline"]')).toContainText(
      'unreachable'
    );

    await ask(page, TASK);
    await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Notice`)).toContainText(
      'Offline: unreachable'
    );
    await expect(
      page.locator(`${SIDEBAR} .jp-AgentTeam-TaskInput`)
    ).toHaveValue(TASK);
    expect(await modelCalls(request)).toHaveLength(0);
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      await page
        .locator(SIDEBAR)
        .screenshot({ path: testInfo.outputPath(`unreachable-${theme}.png`) });
    }
    await page.theme.setLightTheme();

    // Pick the scripted server's model for the Coder: connected, and the task runs.
    await page.locator(`${SIDEBAR} .jp-AgentTeam-FindServers`).click();
    await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Found`)).toBeVisible();
    await coder
      .locator('select')
      .selectOption({ label: 'scripted-model · Scripted' });
    await expect(coder.locator('.jp-AgentTeam-ConnectionBadge')).toHaveText(
      'connected'
    );
    await expect(problem).toHaveCount(0);
    await setScenario(request, {
      replies: { coder: [DRAFT], critic: [GOOD_SCORES] }
    });
    await page.locator(`${SIDEBAR} .jp-AgentTeam-SendButton`).click();
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 60000
    });
  });
});

test('a model picked from the list the server serves is the one the Critic calls', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, {
    models: ['qwen2.5-coder-7b-instruct', 'llava-v1.6-mistral-7b'],
    replies: { coder: [DRAFT], critic: [GOOD_SCORES] }
  });
  await openNotebook(page, tmpPath);
  // The server listed its models at start-up; Find local servers checks again.
  await page.locator(`${SIDEBAR} .jp-AgentTeam-FindServers`).click();
  const critic = page.locator(
    `${SIDEBAR} .jp-AgentTeam-AgentPicker[data-agent="critic"] select`
  );
  await expect(
    critic.locator('option', { hasText: 'llava-v1.6-mistral-7b · Scripted' })
  ).toHaveCount(1);
  await critic.selectOption({ label: 'llava-v1.6-mistral-7b · Scripted' });
  await ask(page, TASK);
  await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
    timeout: 60000
  });
  const calls = await modelCalls(request);
  expect(
    calls.map(call => [call.agent, (call.body as { model: string }).model])
  ).toEqual([
    ['coder', 'scripted-model'],
    ['critic', 'llava-v1.6-mistral-7b']
  ]);
});

test('a run waits out a rate limit, and the tokens it shows are the server’s counts', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, {
    replies: {
      coder: [{ fault: 'http429', retryAfter: 2 }, DRAFT],
      critic: [GOOD_SCORES]
    }
  });
  await openNotebook(page, tmpPath);
  await ask(page, TASK);
  await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Status`)).toHaveText(
    'Coder rate-limited or failing: retrying in 2 s (attempt 2 of 4)…'
  );
  await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
    timeout: 60000
  });
  const calls = await modelCalls(request);
  expect(calls.map(call => call.agent)).toEqual(['coder', 'coder', 'critic']);
  const coderTokens = serverUsage(calls[1].body, DRAFT);
  const criticTokens = serverUsage(calls[2].body, GOOD_SCORES);
  const facts = summaries(page).locator('.jp-AgentTeam-SummaryFacts');
  await expect(facts).toContainText(
    `${(coderTokens + criticTokens).toLocaleString('en-US')} tokens`
  );
  await expect(facts).toContainText(
    `Coder ${coderTokens.toLocaleString('en-US')} · Critic ${criticTokens.toLocaleString('en-US')}`
  );
});

test.describe('with Backup as the Coder’s fallback', () => {
  test.use(
    pluginSettings({
      agents: {
        coder: { endpoint: 'Scripted', model: '', fallbacks: ['Backup'] },
        critic: { endpoint: '', model: '', fallbacks: [] }
      }
    })
  );

  test('a second endpoint takes over after a 500, and the transcript says so', async ({
    page,
    request,
    tmpPath
  }) => {
    await setScenario(request, {
      replies: { coder: [{ fault: 'http500' }], critic: [GOOD_SCORES] }
    });
    const backup = await request.post(`${BACKUP}/__scenario`, {
      data: { replies: { coder: [DRAFT] } }
    });
    expect(backup.ok()).toBe(true);
    await openNotebook(page, tmpPath);
    await ask(page, TASK);
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 60000
    });
    await expect(
      page.locator(`${SIDEBAR} .jp-AgentTeam-Message[data-notice="fallback"]`)
    ).toContainText(
      'Scripted could not answer (the model server at http://127.0.0.1:8911/v1 answered 500: scripted upstream failure); Backup with scripted-model answers instead.'
    );
    expect((await backupCalls(request)).map(call => call.agent)).toEqual([
      'coder'
    ]);
    expect((await modelCalls(request)).map(call => call.agent)).toEqual([
      'coder',
      'critic'
    ]);
    expect((await notebookCells(page)).map(cell => cell.source)).toEqual([
      USER_CELL,
      LOAD_CELL,
      FIXED_PLOT_CELL
    ]);
  });
});

test.describe('with one retry', () => {
  test.use(pluginSettings({ retries: 1 }));

  test('a failing server ends the run with its message and the notebook as it was; the task stays for Retry, which works', async ({
    page,
    request,
    tmpPath
  }) => {
    await setScenario(request, {
      replies: { coder: [{ fault: 'http500' }, { fault: 'http500' }] }
    });
    await openNotebook(page, tmpPath);
    await ask(page, TASK);
    const summary = summaries(page);
    await expect(summary).toHaveAttribute('data-reason', 'model-error', {
      timeout: 60000
    });
    await expect(summary).toContainText('scripted upstream failure');
    expect((await notebookCells(page)).map(cell => cell.source)).toEqual([
      USER_CELL
    ]);
    expect(await modelCalls(request)).toHaveLength(2);
    await expect(
      page.locator(`${SIDEBAR} .jp-AgentTeam-TaskInput`)
    ).toHaveValue(TASK);

    await setScenario(request, {
      replies: { coder: [DRAFT], critic: [GOOD_SCORES] }
    });
    await page.getByRole('button', { name: 'Retry' }).click();
    // A new run of the same task; the failed one folds to its header.
    await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Run`)).toHaveCount(2);
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 60000
    });
    expect((await notebookCells(page)).map(cell => cell.source)).toEqual([
      USER_CELL,
      LOAD_CELL,
      FIXED_PLOT_CELL
    ]);
  });
});

// A task whose cells leave the folder and the kernel's DataFrames as they were,
// so the same task sends the same prompts (the kernel context included).
const PRINT_FIELDS = coderReply('The fields:', [
  "import pandas as pd\nprint(pd.read_csv('cars.csv').columns.tolist())"
]);

test.describe('with the response cache on', () => {
  test.use(pluginSettings({ cache: true }));

  test('the same task again is answered from the cache, marked as cached, without calling the model', async ({
    page,
    request,
    tmpPath
  }) => {
    await setScenario(request, {
      replies: { coder: [PRINT_FIELDS], critic: [GOOD_SCORES] }
    });
    await openNotebook(page, tmpPath);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('agent-team:clear-cache')
    );
    await ask(page, TASK);
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 60000
    });
    await expect(
      page.locator(`${SIDEBAR} .jp-AgentTeam-MessageCached`)
    ).toHaveCount(0);
    expect(await modelCalls(request)).toHaveLength(2);

    // The scripted server has no reply left: only the cache can answer the Coder.
    await ask(page, TASK);
    await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Run`)).toHaveCount(2);
    await expect(
      page.locator(
        `${SIDEBAR} .jp-AgentTeam-Message[data-kind="code"] .jp-AgentTeam-MessageCached`
      )
    ).toHaveText('cached', { timeout: 60000 });
    // The cells print the same, so the Critic's prompt repeats too.
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 60000
    });
    await expect(
      page.locator(
        `${SIDEBAR} .jp-AgentTeam-Message[data-kind="critique"] .jp-AgentTeam-MessageCached`
      )
    ).toHaveText('cached');
    expect((await modelCalls(request)).map(call => call.agent)).toEqual([
      'coder',
      'critic'
    ]);

    // The command empties the cache and says how many replies went.
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('agent-team:clear-cache')
    );
    await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Notice`)).toContainText(
      /Cleared [1-9]\d* cached repl/
    );
  });
});
