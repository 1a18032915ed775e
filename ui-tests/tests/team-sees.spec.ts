/**
 * What the team reads from the notebook's real kernel: the folder and the
 * DataFrames for the Coder's first draft, the facts of the drawn chart for
 * the Critic, and an untagged shell fence that is not run.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  SIDEBAR,
  ask,
  modelCalls,
  notebookCells,
  openNotebook,
  setScenario,
  summaries
} from './helpers';
import {
  LOAD_CELL,
  REVISED_PLOT_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

test('the Coder’s first request holds the user’s DataFrame and cars.csv’s header; the Critic’s holds the chart’s title, labels and point count', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, {
    replies: {
      coder: [
        // A messy first reply: an untagged shell fence before the code.
        'First install the plotting library:\n\n```\npip install matplotlib\n```\n\n' +
          coderReply('Then the plot.', [LOAD_CELL, REVISED_PLOT_CELL])
      ],
      critic: [criticReply([9, 9, 9, 9, 9, 9], ['None.'])]
    }
  });
  await openNotebook(page, tmpPath);
  // The user's own DataFrame, defined before the task.
  await page.notebook.setCell(
    0,
    'code',
    "import pandas as pd\nmy_cars = pd.read_csv('cars.csv')"
  );
  await page.notebook.runCell(0);
  await ask(page, TASK);
  await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
    timeout: 60000
  });

  const calls = await modelCalls(request);
  expect(calls.map(call => call.agent)).toEqual(['coder', 'critic']);
  const coder = JSON.stringify(calls[0].body);
  expect(coder).toContain("The notebook's folder and kernel now hold:");
  expect(coder).toContain('DataFrame my_cars: 406 rows × 9 columns: Name (str');
  expect(coder).toContain('Weight_in_lbs (int64)');
  expect(coder).toContain(
    'Name,Miles_per_Gallon,Cylinders,Displacement,Horsepower,Weight_in_lbs,Acceleration,Year,Origin'
  );

  const critic = JSON.stringify(calls[1].body);
  expect(critic).toContain('What the figures show, read from matplotlib:');
  expect(critic).toContain('Figure 1: 700×500 px');
  expect(critic).toContain(
    'title \\"Heavier cars have more horsepower\\"; x \\"Weight (lbs)\\"'
  );
  expect(critic).toContain('y \\"Horsepower\\"');
  // 406 cars, 6 without horsepower: the plot drew the rest.
  expect(critic).toContain('400 points');
  expect(critic).toContain("Rows in the kernel's DataFrames:");

  // The shell fence did not become a cell; the user's namespace has no trace of the look.
  const cells = await notebookCells(page);
  // (Running the user's last cell added the empty one below, as Shift+Enter does.)
  expect(cells.map(cell => cell.source)).toEqual([
    "import pandas as pd\nmy_cars = pd.read_csv('cars.csv')",
    '',
    LOAD_CELL,
    REVISED_PLOT_CELL
  ]);
  await page.notebook.addCell(
    'code',
    "print(sorted(k for k in dir() if 'agent' in k.lower() or k in ('result', 'g')))"
  );
  await page.notebook.runCell(4);
  expect((await notebookCells(page))[4].outputs?.[0]?.text).toBe('[]\n');
  await expect(
    page.locator(`${SIDEBAR} .jp-AgentTeam-Message[data-kind="code"]`)
  ).toContainText('pip install matplotlib');
});
