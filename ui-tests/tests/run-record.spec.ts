/**
 * The run as a record the notebook keeps: after a reload the sidebar shows
 * the notebook's runs again, and Rerun with critique goes on from there.
 */
import { expect, galata, test } from '@jupyterlab/galata';

import {
  SIDEBAR,
  USER_CELL,
  ask,
  modelCalls,
  notebookCells,
  openNotebook,
  scores,
  setScenario,
  summaries
} from './helpers';
import {
  FIRST_CRITIQUE_ACTIONS,
  FIXED_PLOT_CELL,
  LOAD_CELL,
  REVISED_PLOT_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-agent-team:plugin': { autoRevisions: 0 }
  }
});

test('a reload brings the notebook’s run back, and Rerun with critique works on it', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, {
    replies: {
      coder: [
        coderReply('Fields, then the plot.', [LOAD_CELL, FIXED_PLOT_CELL]),
        coderReply('Labelled axes and a title.', [LOAD_CELL, REVISED_PLOT_CELL])
      ],
      critic: [
        criticReply([9, 8, 9, 9, 8, 5], FIRST_CRITIQUE_ACTIONS),
        criticReply([9, 9, 9, 9, 9, 9], ['None.'])
      ]
    }
  });
  await openNotebook(page, tmpPath);
  await ask(page, TASK);
  await expect(summaries(page)).toHaveAttribute(
    'data-reason',
    'revisions-used',
    { timeout: 60000 }
  );
  await page.notebook.save();

  // Galata's own wait expects the Launcher; after a reload the notebook is back instead.
  await page.reload({ waitForIsReady: false });
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
  await expect(
    page.getByRole('main').getByRole('tab', { name: 'analysis.ipynb' })
  ).toBeVisible();
  await page.sidebar.openTab('agent-team-sidebar');
  // The transcript is back: the task, the critique's scores and the summary.
  await expect(summaries(page)).toHaveCount(1, { timeout: 30000 });
  await expect(summaries(page)).toHaveAttribute(
    'data-reason',
    'revisions-used'
  );
  await expect(
    page.locator(`${SIDEBAR} .jp-AgentTeam-Message[data-kind="task"]`)
  ).toContainText(TASK);
  expect((await scores(page, 0)).aesthetics).toBe('5');

  // Rerun with critique on the restored run revises the same cells.
  await page.locator(`${SIDEBAR} .jp-AgentTeam-RerunButton`).click();
  await expect(summaries(page)).toHaveCount(2, { timeout: 60000 });
  await expect(summaries(page).nth(1)).toHaveAttribute(
    'data-reason',
    'threshold'
  );
  const cells = await notebookCells(page);
  expect(cells.map(cell => cell.source)).toEqual([
    USER_CELL,
    LOAD_CELL,
    REVISED_PLOT_CELL
  ]);
  const calls = await modelCalls(request);
  expect(calls.map(call => call.agent)).toEqual([
    'coder',
    'critic',
    'coder',
    'critic'
  ]);
  expect(JSON.stringify(calls[2].body)).toContain(FIRST_CRITIQUE_ACTIONS[0]);
  // The notebook keeps the record, compactly, under agent_team.
  const kept = await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: { model: { getMetadata(key: string): unknown } };
    };
    return JSON.stringify(panel.content.model.getMetadata('agent_team'));
  });
  expect(kept).toContain(TASK);
  expect(kept).not.toContain('image/png');
  expect(kept.length).toBeLessThan(60000);
});
