/**
 * Benchmark, not a test: the extension's JavaScript a browser downloads from
 * /lab/extensions/jupyterlab-agent-team/static/, at start-up, after the
 * sidebar first opens, after the first run (the model client's code), and
 * with the extension disabled. Prints figures; asserts only that each
 * scenario really happened.
 *
 * BENCH_SAVE=file keeps the figures as JSON; BENCH_BASELINE=file prints a
 * kept set beside the current one (e.g. before and after a change).
 */
import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';

import {
  EXTENSION,
  ExtensionDownloads,
  IDownloads,
  disableInPageConfig
} from '../ui-tests/tests/downloads';
import {
  SIDEBAR,
  ask,
  setScenario,
  summaries
} from '../ui-tests/tests/helpers';
import { coderReply, criticReply } from '../ui-tests/tests/scenarios';

type Phase = 'start-up' | 'sidebar opened' | 'first run' | 'disabled';
const PHASES: Phase[] = ['start-up', 'sidebar opened', 'first run', 'disabled'];
const figures: Partial<Record<Phase, IDownloads>> = {};

test.use({
  autoGoto: false,
  // One critique ends the run.
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    [`${EXTENSION}:plugin`]: { autoRevisions: 0, reproduceCheck: false }
  }
});
test.describe.configure({ mode: 'serial' });

test('start-up, the sidebar opened, the first run', async ({
  page,
  request,
  tmpPath
}) => {
  const downloads = new ExtensionDownloads(page);
  await page.goto(`tree/${tmpPath}`);
  figures['start-up'] = await downloads.settle();

  await page.sidebar.openTab('agent-team-sidebar');
  await expect(
    page.locator(`${SIDEBAR} .jp-AgentTeam-TaskInput`)
  ).toBeVisible();
  figures['sidebar opened'] = await downloads.settle();

  await setScenario(request, {
    replies: {
      coder: [coderReply('Printing it.', ["print('hello')"])],
      critic: [criticReply([10, 10, 10, 10, 10, 10], ['None.'])]
    }
  });
  await page.notebook.createNew('load-size.ipynb');
  await page.sidebar.openTab('agent-team-sidebar');
  await ask(page, "print 'hello'");
  await expect(summaries(page)).toHaveCount(1, { timeout: 120000 });
  figures['first run'] = await downloads.settle();
});

test('disabled', async ({ page, tmpPath }) => {
  await disableInPageConfig(page);
  const downloads = new ExtensionDownloads(page);
  await page.goto(`tree/${tmpPath}`);
  const activated = await page.evaluate(
    id => window.jupyterapp.isPluginActivated(id),
    `${EXTENSION}:plugin`
  );
  expect(activated).toBe(false);
  await expect(page.sidebar.getTabLocator('agent-team-sidebar')).toHaveCount(0);
  figures.disabled = await downloads.settle();
});

test.afterAll(() => {
  const baselineFile = process.env.BENCH_BASELINE;
  const baseline: Partial<Record<Phase, IDownloads>> = baselineFile
    ? JSON.parse(fs.readFileSync(baselineFile, 'utf-8'))
    : {};
  const kb = (bytes: number | undefined) =>
    bytes === undefined ? '-' : (bytes / 1024).toFixed(1);
  const header = ['downloaded by then', 'files', 'raw KB', 'gzip KB'];
  const rows = [baselineFile ? [...header, 'before: gzip KB'] : header];
  for (const phase of PHASES) {
    const now = figures[phase];
    const row = [
      phase,
      String(now?.files.length ?? '-'),
      kb(now?.raw),
      kb(now?.gzip)
    ];
    rows.push(baselineFile ? [...row, kb(baseline[phase]?.gzip)] : row);
  }
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(row => row[i].length))
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ');
  const lines = [
    '',
    `JavaScript of ${EXTENSION} downloaded (cumulative within the enabled page):`,
    ...rows.map(line),
    ''
  ];
  for (const phase of PHASES) {
    const files = figures[phase]?.files ?? [];
    const names = files.map(
      file => `${file.name} ${kb(file.gzip)}${file.openai ? ' (openai)' : ''}`
    );
    lines.push(`${phase}: ${names.join(', ')}`);
  }
  console.log(lines.join('\n') + '\n');
  if (process.env.BENCH_SAVE) {
    fs.writeFileSync(process.env.BENCH_SAVE, JSON.stringify(figures, null, 2));
  }
});
