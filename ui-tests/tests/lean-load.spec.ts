import { expect, galata, test } from '@jupyterlab/galata';

import {
  EXTENSION,
  ExtensionDownloads,
  disableInPageConfig
} from './downloads';
import { SIDEBAR, USER_CELL, ask, setScenario, summaries } from './helpers';
import { coderReply, criticReply } from './scenarios';

/**
 * What JupyterLab loads of the extension, and when: little at start-up, the
 * sidebar's code when it opens, the openai SDK at the first model call, and
 * only the entry point when the extension is disabled. Sizes are figures of
 * bench/load-size.sh; these tests hold what loads.
 */

/** The most the extension may download at start-up, gzipped. */
const START_UP_BUDGET = 30 * 1024;

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    [`${EXTENSION}:plugin`]: { autoRevisions: 0, reproduceCheck: false }
  }
});

test('the openai SDK loads at the first model call, not at start-up or with the sidebar', async ({
  page,
  request,
  tmpPath
}) => {
  const downloads = new ExtensionDownloads(page);
  await page.goto(`tree/${tmpPath}`);
  const startUp = await downloads.settle();
  expect(startUp.files.filter(file => file.openai)).toEqual([]);
  expect(startUp.gzip).toBeLessThanOrEqual(START_UP_BUDGET);

  await page.sidebar.openTab('agent-team-sidebar');
  await expect(
    page.locator(`${SIDEBAR} .jp-AgentTeam-TaskInput`)
  ).toBeVisible();
  const opened = await downloads.settle();
  // The view and its model came with the sidebar.
  expect(opened.files.length).toBeGreaterThan(startUp.files.length);
  expect(opened.files.filter(file => file.openai)).toEqual([]);

  await setScenario(request, {
    replies: {
      coder: [coderReply('Printing it.', ["print('hello')"])],
      critic: [criticReply([10, 10, 10, 10, 10, 10], ['None.'])]
    }
  });
  await page.notebook.createNew('lean.ipynb');
  await page.sidebar.openTab('agent-team-sidebar');
  await ask(page, "print 'hello'");
  await expect(summaries(page)).toHaveCount(1, { timeout: 90000 });
  const ran = await downloads.settle();
  expect(ran.files.filter(file => file.openai)).toHaveLength(1);
});

test('a disabled extension downloads only its entry point', async ({
  page,
  tmpPath
}) => {
  await disableInPageConfig(page);
  const downloads = new ExtensionDownloads(page);
  await page.goto(`tree/${tmpPath}`);
  expect(
    await page.evaluate(
      id => window.jupyterapp.isPluginActivated(id),
      `${EXTENSION}:plugin`
    )
  ).toBe(false);
  const disabled = await downloads.settle();
  // The container (remoteEntry) and the module with the plugin's definition.
  expect(disabled.files.map(file => file.name)).toEqual([
    expect.stringMatching(/^remoteEntry\./),
    expect.any(String)
  ]);
  expect(disabled.files.filter(file => file.openai)).toEqual([]);
});

test('on a fresh page the shortcut and a cell mark load the sidebar and reach what they point to', async ({
  page,
  request,
  tmpPath
}) => {
  await page.goto(`tree/${tmpPath}`);
  await page.notebook.createNew('lean.ipynb');
  await page.notebook.setCell(0, 'code', USER_CELL);
  const sidebar = page.locator(SIDEBAR);
  const input = sidebar.locator('.jp-AgentTeam-TaskInput');
  await expect(sidebar).toBeHidden();
  await (await page.notebook.getCellLocator(0))!.click();
  await page.keyboard.press('ControlOrMeta+Shift+KeyA');
  await expect(input).toBeFocused();

  await setScenario(request, {
    replies: {
      coder: [coderReply('Printing it.', ["print('hello')"])],
      critic: [criticReply([10, 10, 10, 10, 10, 10], ['None.'])]
    }
  });
  await ask(page, "print 'hello'");
  await expect(summaries(page)).toHaveCount(1, { timeout: 90000 });
  await page.notebook.save();

  // A new page, with the layout reset: the sidebar's code is not loaded until
  // the mark is clicked.
  await page.goto(`tree/${tmpPath}?reset`);
  await page.notebook.open('lean.ipynb');
  const mark = page.locator('.jp-NotebookPanel .jp-AgentTeam-CellMark');
  await expect(mark).toHaveCount(1);
  await expect(sidebar).toBeHidden();
  await mark.click();
  await expect(sidebar.locator('.jp-AgentTeam-Run')).toBeInViewport();
});
