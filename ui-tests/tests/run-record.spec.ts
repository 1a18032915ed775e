/**
 * The run as a record the notebook keeps: after a reload the sidebar shows
 * the notebook's runs again, and Rerun with critique goes on from there.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import {
  SIDEBAR,
  USER_CELL,
  ask,
  setScenario,
  modelCalls,
  notebookCells,
  scores,
  summaries,
  runTask
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
  await runTask(page, request, tmpPath, {
    replies: {
      coder: [
        coderReply('Fields, then the plot.', [LOAD_CELL, FIXED_PLOT_CELL]),
        coderReply('Labelled axes and a title.', [LOAD_CELL, REVISED_PLOT_CELL])
      ],
      critic: [
        criticReply([9, 8, 9, 9, 8, 5], FIRST_CRITIQUE_ACTIONS),
        criticReply([9, 9, 9, 9, 9, 9], ['None.']),
        // The restored first round, scored again.
        criticReply([9, 8, 9, 9, 8, 6], FIRST_CRITIQUE_ACTIONS)
      ]
    },
    task: TASK,
    endsWith: 'revisions-used'
  });
  await page.notebook.save();
  await reloadWithNotebook(page);
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
  // The cycle's end in a structured line, and the scores across the run.
  await expect(
    summaries(page).nth(1).locator('.jp-AgentTeam-SummaryReason')
  ).toHaveText('score threshold 8 met');
  await expect(
    summaries(page).nth(1).locator('.jp-AgentTeam-SummaryFacts')
  ).toContainText('Ended after 2 rounds');
  const history = page.locator(`${SIDEBAR} .jp-AgentTeam-ScoreHistory`);
  await expect(history.locator('circle')).toHaveCount(2);
  await expect(history.locator('figcaption')).toHaveText(
    'Lowest score by critique: round 1: 5, round 2: 9'
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
  // A card per round, each with its plot; Restore puts round 1 back and reruns it.
  const cards = page.locator(`${SIDEBAR} .jp-AgentTeam-RoundCard`);
  await expect(cards).toHaveCount(2);
  await expect(cards.locator('img.jp-AgentTeam-RoundPlot')).toHaveCount(2);
  await expect(cards.nth(1)).toContainText('in the notebook now');
  await page.getByRole('button', { name: 'Restore round 1' }).click();
  await expect(summaries(page)).toHaveCount(3, { timeout: 60000 });
  await expect(summaries(page).nth(2)).toHaveAttribute(
    'data-reason',
    'restored'
  );
  expect((await notebookCells(page)).map(cell => cell.source)).toEqual([
    USER_CELL,
    LOAD_CELL,
    FIXED_PLOT_CELL
  ]);
  await expect(cards).toHaveCount(3);
  await expect(cards.nth(2)).toContainText('Round 3 (round 1 restored)');
  await expect(cards.nth(2)).toContainText('lowest 6');
  // The restored cells ran on the kernel and drew the plot again.
  const restoredPlot = (await notebookCells(page))[2].outputs ?? [];
  expect(restoredPlot.some(output => output.data?.['image/png'])).toBe(true);

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

  // After another reload every round still shows its plot: the older ones
  // from the record, the newest from the cells that hold it. (Galata's own
  // save helper does not survive the plain reload above.)
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('docmanager:save')
  );
  await reloadWithNotebook(page);
  await expect(cards).toHaveCount(3, { timeout: 30000 });
  await expect(cards.locator('img.jp-AgentTeam-RoundPlot')).toHaveCount(3);
  expect((await modelCalls(request)).map(call => call.agent)).toHaveLength(5);
});

/** A plain browser reload (Galata's own waits for a Launcher; the notebook is back instead). */
async function reloadWithNotebook(page: IJupyterLabPageFixture): Promise<void> {
  await Promise.all([
    page.waitForEvent('load'),
    page.evaluate(() => window.location.reload())
  ]);
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
  await expect(
    page.getByRole('main').getByRole('tab', { name: 'analysis.ipynb' })
  ).toBeVisible();
  await page.sidebar.openTab('agent-team-sidebar');
}

/** A run of one draft (the fields, then the plot) and one critique, ended for a rerun. */
async function oneCritiquedRun(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  tmpPath: string
): Promise<void> {
  await runTask(page, request, tmpPath, {
    replies: {
      coder: [
        coderReply('Fields, then the plot.', [LOAD_CELL, FIXED_PLOT_CELL])
      ],
      critic: [criticReply([9, 8, 9, 9, 8, 5], FIRST_CRITIQUE_ACTIONS)]
    },
    task: TASK,
    endsWith: 'revisions-used'
  });
}

test('Export writes the run as Markdown beside the notebook, with its plot as a file', async ({
  page,
  request,
  tmpPath
}) => {
  await oneCritiquedRun(page, request, tmpPath);
  await page.locator(`${SIDEBAR} .jp-AgentTeam-ExportButton`).click();
  await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Notice`)).toContainText(
    'Exported the run to'
  );
  const listing = await (
    await request.get(`/api/contents/${encodeURIComponent(tmpPath)}`)
  ).json();
  const names: string[] = listing.content.map(
    (item: { name: string }) => item.name
  );
  const report = names.find(name => /^analysis-agent-team-.*\.md$/.test(name));
  const plot = names.find(name =>
    /^analysis-agent-team-.*-plot-1\.png$/.test(name)
  );
  expect(report).toBeTruthy();
  expect(plot).toBeTruthy();
  const markdown: string = (
    await (
      await request.get(
        `/api/contents/${encodeURIComponent(tmpPath)}/${encodeURIComponent(report!)}`
      )
    ).json()
  ).content;
  expect(markdown).toContain(`# ${TASK}`);
  expect(markdown).toContain('## Round 1');
  expect(markdown).toContain(FIXED_PLOT_CELL);
  expect(markdown).toContain('| Aesthetics | 5 |');
  expect(markdown).toContain(`- [ ] ${FIRST_CRITIQUE_ACTIONS[0]}`);
  expect(markdown).toContain(`](${plot})`);
});

test('a team cell carries a mark that opens its run, and a cell report shows its cell', async ({
  page,
  request,
  tmpPath
}) => {
  await oneCritiquedRun(page, request, tmpPath);
  // The compact line of each cell: what it showed, in a word.
  const reports = page.locator(`${SIDEBAR} .jp-AgentTeam-CellReport summary`);
  await expect(reports.nth(0)).toContainText(/Cell 1 \[\d+\] ran · 1 output/);
  await expect(reports.nth(1)).toContainText(/Cell 2 \[\d+\] ran · plot/);

  // The report's link makes its cell the notebook's active cell.
  await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: { activeCellIndex: number };
    };
    panel.content.activeCellIndex = 0;
  });
  await page
    .locator(`${SIDEBAR} .jp-AgentTeam-CellReportRow`)
    .nth(1)
    .locator('.jp-AgentTeam-RevealCell')
    .click();
  await expect
    .poll(() =>
      page.evaluate(() => {
        const panel = window.jupyterapp.shell.currentWidget as unknown as {
          content: { activeCellIndex: number };
        };
        return panel.content.activeCellIndex;
      })
    )
    .toBe(2);

  // The mark on the team's cell names the agent and round; with the sidebar
  // closed, clicking it opens the run.
  const mark = page.locator('.jp-NotebookPanel .jp-AgentTeam-CellMark');
  await expect(mark).toHaveCount(2);
  await expect(mark.first()).toHaveText('Coder · r1');
  await page.sidebar.close('left');
  await expect(page.locator(SIDEBAR)).toBeHidden();
  await mark.first().click();
  await expect(page.locator(SIDEBAR)).toBeVisible();
  await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Run`)).toBeInViewport();

  // A second run folds the first to one line; the first run's mark unfolds it.
  await setScenario(request, {
    replies: {
      coder: [coderReply('Just the fields.', ["print('fields')"])],
      critic: [criticReply([9, 9, 9, 9, 9, 9], ['None.'])]
    }
  });
  await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: { activeCellIndex: number };
    };
    panel.content.activeCellIndex = 0;
  });
  await ask(page, 'print the fields');
  await expect(summaries(page)).toHaveCount(1, { timeout: 60000 });
  const runs = page.locator(`${SIDEBAR} .jp-AgentTeam-Run`);
  await expect(runs).toHaveCount(2);
  await expect(runs.first()).toHaveAttribute('data-folded', 'true');
  await expect(runs.first().locator('.jp-AgentTeam-RunFold')).toContainText(
    TASK.slice(0, 20)
  );
  await expect(runs.first().locator('.jp-AgentTeam-Message')).toHaveCount(0);
  await mark.last().click();
  await expect(runs.first()).toHaveAttribute('data-folded', 'false');
  await expect(runs.first().locator('.jp-AgentTeam-Scorecard')).toHaveCount(1);
  // The user's own cell has no mark.
  await expect(
    page
      .locator('.jp-NotebookPanel .jp-Cell')
      .first()
      .locator('.jp-AgentTeam-CellMark')
  ).toHaveCount(0);
});
