/**
 * What the UI tests share: the scripted model server's control routes, a
 * notebook next to cars.csv with one cell of the user's own, the sidebar.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';
import * as path from 'path';

export const SCRIPTED = 'http://127.0.0.1:8911';
export const CARS_CSV = path.resolve(__dirname, '../../example/cars.csv');
export const SIDEBAR = '#agent-team-sidebar';
export const USER_CELL = "answer = 42  # the user's own cell";

/** Fixtures that give the Agent Team plugin these settings (for `test.use`). */
export function pluginSettings(values: Record<string, unknown>) {
  return {
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-agent-team:plugin': values
    }
  };
}

export interface ILoggedRequest {
  path: string;
  agent: string | null;
  headers: { authorization: string | null };
  body: { messages: { role: string; content: unknown }[] } | null;
}

export interface INotebookCell {
  source: string;
  metadata: { agent_team?: { run: string; round: number; agent: string } };
  outputs?: {
    output_type: string;
    text?: string;
    ename?: string;
    data?: Record<string, unknown>;
  }[];
  execution_count?: number | null;
}

export async function setScenario(
  request: APIRequestContext,
  scenario: unknown
) {
  const response = await request.post(`${SCRIPTED}/__scenario`, {
    data: scenario
  });
  expect(response.ok()).toBe(true);
}

export async function modelCalls(
  request: APIRequestContext
): Promise<ILoggedRequest[]> {
  const log = (await (
    await request.get(`${SCRIPTED}/__log`)
  ).json()) as ILoggedRequest[];
  return log.filter(entry => entry.path === '/v1/chat/completions');
}

/** A notebook next to cars.csv, with one cell of the user's own that has run. */
export async function openNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  options: { widen?: boolean; kernel?: string } = {}
) {
  await page.contents.uploadFile(CARS_CSV, `${tmpPath}/cars.csv`);
  await page.notebook.createNew(
    'analysis.ipynb',
    options.kernel ? { kernel: options.kernel } : undefined
  );
  await page.notebook.setCell(0, 'code', USER_CELL);
  await page.notebook.run();
  await page.sidebar.openTab('agent-team-sidebar');
  await expect(
    page.locator(`${SIDEBAR} .jp-AgentTeam-TaskInput`)
  ).toBeVisible();
  if (options.widen !== false) {
    await widenSidebar(page);
  }
}

/** Drag the left panel's edge, as a person makes room for the transcript. */
export async function widenSidebar(page: IJupyterLabPageFixture) {
  const handle = page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle')
    .first();
  const box = await handle.boundingBox();
  if (!box) {
    throw new Error('no split handle beside the left panel');
  }
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 180, y, { steps: 5 });
  await page.mouse.up();
}

export async function ask(page: IJupyterLabPageFixture, task: string) {
  const input = page.locator(`${SIDEBAR} .jp-AgentTeam-TaskInput`);
  await input.fill(task);
  await input.press('Enter');
}

/** The cells of the open notebook `name`, as its model holds them. */
export async function notebookCells(
  page: IJupyterLabPageFixture,
  name = 'analysis.ipynb'
): Promise<INotebookCell[]> {
  return page.evaluate(name => {
    type Panel = {
      context?: { path: string };
      content: { model: { toJSON(): { cells: INotebookCell[] } } };
    };
    const panels = Array.from(
      window.jupyterapp.shell.widgets('main')
    ) as unknown as Panel[];
    const panel = panels.find(
      widget => widget.context?.path.split('/').pop() === name
    );
    if (!panel) {
      throw new Error(`${name} is not open`);
    }
    return panel.content.model.toJSON().cells;
  }, name);
}

export function streamText(cell: INotebookCell): string {
  return (cell.outputs ?? [])
    .filter(output => output.output_type === 'stream')
    .map(output => output.text ?? '')
    .join('');
}

export async function scores(
  page: IJupyterLabPageFixture,
  critiqueIndex: number
) {
  const card = page
    .locator(`${SIDEBAR} .jp-AgentTeam-Scorecard`)
    .nth(critiqueIndex);
  const values: Record<string, string> = {};
  for (const dimension of [
    'bugs',
    'transformation',
    'compliance',
    'type',
    'encoding',
    'aesthetics'
  ]) {
    values[dimension] = (
      await card
        .locator(`[data-dimension="${dimension}"] .jp-AgentTeam-ScoreValue`)
        .innerText()
    ).trim();
  }
  values.lowest = (
    await card.locator('.jp-AgentTeam-ScoreLowest').innerText()
  ).trim();
  return values;
}

/** The summary line the run (or its latest cycle) ended with. */
export function summaries(page: IJupyterLabPageFixture) {
  return page.locator(`${SIDEBAR} .jp-AgentTeam-Summary`);
}

/** The status of the open notebook's kernel, or 'none'. */
export async function kernelStatus(
  page: IJupyterLabPageFixture,
  name = 'analysis.ipynb'
): Promise<string> {
  return page.evaluate(name => {
    type Panel = {
      context?: { path: string };
      sessionContext: { session: { kernel: { status: string } | null } | null };
    };
    const panels = Array.from(
      window.jupyterapp.shell.widgets('main')
    ) as unknown as Panel[];
    const panel = panels.find(
      widget => widget.context?.path.split('/').pop() === name
    );
    return panel?.sessionContext.session?.kernel?.status ?? 'none';
  }, name);
}

/**
 * For tests that interrupt kernels: Galata's kernel tracking proxies
 * POST /api/kernels/<id>/interrupt and fails on its empty 204 answer (sending
 * the interrupt twice), so these tests shut their sessions down themselves.
 */
export function untrackedKernels(): void {
  test.use({ kernels: null });
  test.afterEach(async ({ page }) => {
    await page.evaluate(() =>
      Promise.race([
        window.jupyterapp.serviceManager.sessions.shutdownAll(),
        new Promise(resolve => setTimeout(resolve, 10000))
      ])
    );
  });
}

/** Ask the team for a task whose one cell sleeps a minute; resolves once the kernel runs it. */
export async function startSleepingCell(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  tmpPath: string
): Promise<void> {
  await setScenario(request, {
    replies: {
      coder: ['Waiting.\n\n```python\nimport time\ntime.sleep(60)\n```']
    }
  });
  await openNotebook(page, tmpPath);
  await ask(page, 'wait a minute');
  await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Status`)).toHaveText(
    'Running cell 1 of 1…',
    { timeout: 60000 }
  );
}

/**
 * The scripted model answers with `replies`; the user asks `task` in a fresh
 * notebook; resolves once the run ends with `endsWith`.
 */
export async function runTask(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  tmpPath: string,
  run: { replies: unknown; task: string; endsWith: string; timeout?: number }
): Promise<void> {
  await setScenario(request, { replies: run.replies });
  await openNotebook(page, tmpPath);
  await ask(page, run.task);
  await expect(summaries(page)).toHaveAttribute('data-reason', run.endsWith, {
    timeout: run.timeout ?? 60000
  });
}
