/**
 * The same team in Notebook 7: the sidebar is reachable from the notebook
 * page (View menu and shortcut), and a task writes and runs cells in that
 * notebook on its kernel.
 */
import { expect, test } from '@jupyterlab/galata';

import * as path from 'path';

import { CARS_CSV, SIDEBAR, setScenario } from './helpers';
import {
  FIXED_PLOT_CELL,
  LOAD_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

const EXAMPLE = path.resolve(__dirname, '../../example/cars_analysis.ipynb');

test('in Notebook 7 the View menu opens the sidebar and a task runs on the notebook’s kernel', async ({
  page,
  request,
  tmpPath,
  baseURL
}) => {
  await setScenario(request, {
    replies: {
      coder: [
        coderReply('Fields, then the plot.', [LOAD_CELL, FIXED_PLOT_CELL])
      ],
      critic: [criticReply([9, 9, 9, 9, 9, 9], ['None.'])]
    }
  });
  // The example as shipped, so its instructions are what is checked.
  await page.contents.uploadFile(CARS_CSV, `${tmpPath}/cars.csv`);
  await page.contents.uploadFile(EXAMPLE, `${tmpPath}/analysis.ipynb`);

  const classic = await page.context().newPage();
  await classic.goto(`${baseURL}/notebooks/${tmpPath}/analysis.ipynb`);
  await classic.locator('.jp-NotebookPanel .jp-Cell').first().waitFor();
  const sidebar = classic.locator(SIDEBAR);
  await expect(sidebar).toBeHidden();
  await expect(classic.locator('.jp-MarkdownOutput').first()).toContainText(
    'In Jupyter Notebook 7: View ▸ Open Agent Team'
  );

  // View ▸ Open Agent Team, as the example notebook tells.
  await classic.getByRole('menuitem', { name: 'View' }).click();
  await classic.getByRole('menuitem', { name: 'Open Agent Team' }).click();
  await expect(sidebar).toBeVisible();

  // The shortcut puts the cursor in the task box, here too.
  await classic.locator('.jp-NotebookPanel .jp-CodeCell').first().click();
  await classic.keyboard.press('Control+Shift+A');
  const input = sidebar.locator('.jp-AgentTeam-TaskInput');
  await expect(input).toBeFocused();
  await input.fill(TASK);
  await input.press('Enter');

  await expect(sidebar.locator('.jp-AgentTeam-Summary')).toHaveAttribute(
    'data-reason',
    'threshold',
    { timeout: 90000 }
  );
  // The team's cells are in this notebook, below the user's, and ran.
  const cells = classic.locator('.jp-NotebookPanel .jp-Cell');
  await expect(cells).toHaveCount(4);
  await expect(cells.nth(1)).toContainText('import pandas as pd');
  await expect(cells.nth(2)).toContainText("read_csv('cars.csv')");
  await expect(cells.nth(3).locator('.jp-OutputArea-output img')).toHaveCount(
    1
  );
  await expect(cells.nth(3).locator('.jp-AgentTeam-CellMark')).toHaveText(
    'Coder · r1'
  );
  await classic.close();
  // This page's kernel is not one Galata tracks: shut it down here.
  const sessions: { id: string; path: string }[] = await (
    await request.get('/api/sessions')
  ).json();
  for (const session of sessions.filter(s => s.path.startsWith(tmpPath))) {
    await request.delete(`/api/sessions/${session.id}`);
  }
});
