/**
 * Drafts that reproduce, on real kernels: a draft that only works because the
 * user's own cell loaded `cars` passes in the notebook and with the Critic,
 * fails in a fresh kernel, goes back to the Coder, and its revision passes.
 * The fresh kernel is gone afterwards and left no file behind.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  SIDEBAR,
  ask,
  modelCalls,
  notebookCells,
  openNotebook,
  setScenario,
  streamText,
  summaries
} from './helpers';
import {
  LOAD_CELL,
  REVISED_PLOT_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

const USER_LOADS = "import pandas as pd\ncars = pd.read_csv('cars.csv')";

/** Uses the user's `cars` without loading it. */
const LEANING_CELL = `import matplotlib.pyplot as plt

print(cars.columns.tolist())
${REVISED_PLOT_CELL}`;

const NAME_ERROR = "NameError: name 'cars' is not defined";

test('a draft that leans on the user’s variable fails in a fresh kernel, the Coder fixes it, and the revision reproduces', async ({
  page,
  request,
  tmpPath
}) => {
  const good = criticReply([9, 9, 9, 9, 9, 9], ['None.']);
  await setScenario(request, {
    replies: {
      coder: [
        coderReply('Using your cars DataFrame.', [LEANING_CELL]),
        coderReply('Now the cells load the data themselves.', [
          LOAD_CELL,
          REVISED_PLOT_CELL
        ])
      ],
      critic: [good, good]
    }
  });
  // At the sidebar's default width, where the notices must fit.
  await openNotebook(page, tmpPath, { widen: false });
  await page.notebook.setCell(0, 'code', USER_LOADS);
  await page.notebook.runCell(0);
  await ask(page, TASK);
  await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
    timeout: 120000
  });

  // The first draft ran in the notebook, was scored, then failed the check.
  const calls = await modelCalls(request);
  expect(calls.map(call => call.agent)).toEqual([
    'coder',
    'critic',
    'coder',
    'critic'
  ]);
  const fix = JSON.stringify(calls[2].body);
  expect(fix).toContain(
    "Cell 1 failed when the cells ran in a fresh kernel (they must not rely on variables from earlier drafts or the user's own cells)"
  );
  expect(fix).toContain(NAME_ERROR);

  const checks = page.locator(
    `${SIDEBAR} .jp-AgentTeam-Message[data-notice="reproduce"]`
  );
  await expect(checks).toHaveCount(2);
  await expect(checks.nth(0)).toHaveClass(/jp-mod-failed/);
  await expect(checks.nth(0).locator('.jp-AgentTeam-AgentName')).toHaveText(
    'User proxy'
  );
  await expect(checks.nth(0)).toContainText(
    'Does not reproduce from a clean kernel: cell 1 failed in a fresh Python 3 (ipykernel) kernel.'
  );
  await expect(checks.nth(0).locator('.jp-AgentTeam-ErrorLine')).toHaveText(
    NAME_ERROR
  );
  await expect(checks.nth(1)).toContainText(
    'Reproduces from a clean kernel: cells 1–2 ran without error in a fresh Python 3 (ipykernel) kernel.'
  );
  await expect(checks.nth(1).locator('.jp-AgentTeam-AgentName')).toHaveText(
    'User proxy'
  );
  for (const check of await checks.all()) {
    expect(
      await check.evaluate(
        message => message.scrollWidth <= message.clientWidth
      )
    ).toBe(true);
  }

  // Both drafts worked in the notebook itself, where `cars` is the user's.
  const cells = await notebookCells(page);
  expect(cells.map(cell => cell.source)).toEqual([
    USER_LOADS,
    '',
    LOAD_CELL,
    REVISED_PLOT_CELL
  ]);

  // Only the notebook's kernel is left: the check's session and kernel are gone.
  await expect
    .poll(
      async () => {
        const sessions: { path: string; kernel: { id: string } }[] = await (
          await request.get('/api/sessions')
        ).json();
        const kernels: { id: string }[] = await (
          await request.get('/api/kernels')
        ).json();
        return {
          sessions: sessions
            .filter(session => session.path.startsWith(tmpPath))
            .map(session => session.path.split('/').pop()),
          orphans: kernels.filter(
            kernel => !sessions.some(s => s.kernel.id === kernel.id)
          ).length
        };
      },
      { timeout: 15000 }
    )
    .toEqual({ sessions: ['analysis.ipynb'], orphans: 0 });

  // No file was made for the check's session (the listing API hides dot files: ask the kernel).
  await page.notebook.addCell(
    'code',
    "import os\nprint(sorted(f for f in os.listdir('.') if f.startswith('.agent-team')))"
  );
  await page.notebook.runCell(4);
  expect(streamText((await notebookCells(page))[4])).toBe('[]\n');
});
