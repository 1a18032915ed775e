/**
 * What the user does to the notebook and its kernel while the team works:
 * runs their own code, closes the notebook, deletes a team cell, undoes a
 * round, or picks a kernel that is not Python.
 */
import { expect, galata, test } from '@jupyterlab/galata';

import {
  SIDEBAR,
  USER_CELL,
  ask,
  kernelStatus,
  modelCalls,
  notebookCells,
  openNotebook,
  setScenario,
  streamText,
  summaries,
  startSleepingCell,
  untrackedKernels,
  runTask
} from './helpers';
import { coderReply, criticReply } from './scenarios';

declare global {
  // eslint-disable-next-line @typescript-eslint/naming-convention -- augments the DOM's Window
  interface Window {
    /** Uncaught errors seen in the page during a test. */
    __agentTeamErrors?: string[];
  }
}

const NINES: [number, number, number, number, number, number] = [
  9, 9, 9, 9, 9, 9
];

untrackedKernels();

test('a kernel that is not Python is refused before any model call', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, { replies: { coder: [] } });
  await openNotebook(page, tmpPath, { kernel: 'fake-r' });
  await ask(page, 'plot weight against horsepower');
  await expect(summaries(page)).toHaveAttribute('data-reason', 'kernel');
  await expect(summaries(page)).toContainText(
    'runs R, but the team writes Python'
  );
  expect(await modelCalls(request)).toHaveLength(0);
  expect(await notebookCells(page)).toHaveLength(1);
});

test('the team waits for the user’s running cell, and Stop withdraws its cell before it is sent', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, {
    replies: { coder: [coderReply('Printing.', ["print('team ran')"])] }
  });
  await openNotebook(page, tmpPath);
  // The user starts a slow cell of their own, and asks the team meanwhile.
  await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: {
        activeCell: { model: { sharedModel: { setSource(s: string): void } } };
      };
    };
    panel.content.activeCell.model.sharedModel.setSource(
      'import time\ntime.sleep(6)'
    );
    void window.jupyterapp.commands.execute('notebook:run-cell');
  });
  await expect.poll(() => kernelStatus(page)).toBe('busy');
  await ask(page, 'print something');
  const status = page.locator(`${SIDEBAR} .jp-AgentTeam-Status`);
  await expect(status).toHaveText('Waiting for your running cell to finish…', {
    timeout: 30000
  });
  await page.locator(`${SIDEBAR} .jp-AgentTeam-StopButton`).click();
  await expect(summaries(page)).toHaveAttribute('data-reason', 'stopped');
  // The user's cell finishes undisturbed; the team's cell never runs.
  await expect.poll(() => kernelStatus(page), { timeout: 15000 }).toBe('idle');
  await page.waitForTimeout(1000);
  const cells = await notebookCells(page);
  expect(cells.map(cell => cell.source)).toEqual([
    'import time\ntime.sleep(6)',
    "print('team ran')"
  ]);
  expect(cells[0].execution_count).not.toBeNull();
  expect(cells[0].outputs ?? []).toEqual([]);
  expect(cells[1].execution_count).toBeNull();
  expect(streamText(cells[1])).toBe('');
});

test('closing the run’s notebook ends the run, saying so, and interrupts its running cell', async ({
  page,
  request,
  tmpPath
}) => {
  await startSleepingCell(page, request, tmpPath);
  const kernelId = await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      sessionContext: { session: { kernel: { id: string } } };
    };
    return panel.sessionContext.session.kernel.id;
  });
  // As a user does: the tab's close icon, then Save in the prompt.
  await page.notebook.close(false);
  await expect(summaries(page)).toHaveAttribute('data-reason', 'notebook');
  await expect(summaries(page)).toContainText('was closed, so the run ended');
  await expect(summaries(page)).not.toContainText('stopped by you');
  // The kernel lives on, no longer busy with the team's cell.
  await expect
    .poll(
      async () =>
        (await (await request.get(`/api/kernels/${kernelId}`)).json())
          .execution_state,
      { timeout: 10000 }
    )
    .toBe('idle');
});

test.describe('with automatic revisions off', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-agent-team:plugin': { autoRevisions: 0 }
    }
  });

  test('deleting the team cell that runs is reported plainly, and the cell stays deleted on rerun', async ({
    page,
    request,
    tmpPath
  }) => {
    await setScenario(request, {
      replies: {
        coder: [
          coderReply('Two steps.', [
            "import time\ntime.sleep(4)\nprint('first')",
            "print('second')"
          ]),
          coderReply('Revised.', ["print('second, revised')"])
        ],
        critic: [
          criticReply([9, 9, 9, 9, 9, 5], ['Say more']),
          criticReply(NINES, ['None.'])
        ]
      }
    });
    await openNotebook(page, tmpPath);
    await page.evaluate(() => {
      window.__agentTeamErrors = [];
      window.addEventListener('error', event =>
        window.__agentTeamErrors!.push(event.message)
      );
      window.addEventListener('unhandledrejection', event =>
        window.__agentTeamErrors!.push(String(event.reason))
      );
    });
    await ask(page, 'two steps');
    await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Status`)).toHaveText(
      'Running cell 1 of 2…',
      { timeout: 60000 }
    );
    // The user deletes the running team cell.
    await page.evaluate(() => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        content: {
          model: { sharedModel: { deleteCell(index: number): void } };
        };
      };
      panel.content.model.sharedModel.deleteCell(1);
    });
    await expect(summaries(page)).toHaveCount(1, { timeout: 60000 });
    await expect(
      page.locator(`${SIDEBAR} .jp-AgentTeam-CellReport.jp-mod-removed`)
    ).toContainText('Cell 1 was deleted by you');
    await expect(page.locator(SIDEBAR)).not.toContainText('Cannot read');
    await expect(page.locator(SIDEBAR)).not.toContainText('toJSON');
    let cells = await notebookCells(page);
    expect(cells.map(cell => cell.source)).toEqual([
      USER_CELL,
      "print('second')"
    ]);

    // Rerun with critique: the deleted cell does not come back.
    await page.locator(`${SIDEBAR} .jp-AgentTeam-RerunButton`).click();
    await expect(summaries(page)).toHaveCount(2, { timeout: 60000 });
    await expect(summaries(page).nth(1)).toHaveAttribute(
      'data-reason',
      'threshold'
    );
    await expect(
      page.locator(
        `${SIDEBAR} .jp-AgentTeam-Message[data-notice="removed-cell"]`
      )
    ).toContainText('You deleted cell 1 of the draft');
    cells = await notebookCells(page);
    expect(cells.map(cell => cell.source)).toEqual([
      USER_CELL,
      "print('second, revised')"
    ]);
    const rerun = JSON.stringify((await modelCalls(request))[2].body);
    expect(rerun).toContain('The user deleted one of your cells');
    expect(rerun).not.toContain('time.sleep(4)');
    expect(await page.evaluate(() => window.__agentTeamErrors ?? [])).toEqual(
      []
    );
  });
});

test.describe('with document-wide undo and automatic revisions', () => {
  // JupyterLab's default Ctrl+Z undoes the active cell's own edits; with
  // document-wide undo it undoes notebook changes, where a round is one step.
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      '@jupyterlab/notebook-extension:tracker': {
        ...(galata.DEFAULT_SETTINGS['@jupyterlab/notebook-extension:tracker'] ??
          {}),
        documentWideUndoRedo: true
      },
      'jupyterlab-agent-team:plugin': { autoRevisions: 1 }
    }
  });

  test('Ctrl+Z in the notebook takes back the team’s last round as one step', async ({
    page,
    request,
    tmpPath
  }) => {
    await runTask(page, request, tmpPath, {
      replies: {
        coder: [
          coderReply('Two cells.', ["print('a')", "print('b')"]),
          coderReply('One cell now.', ["print('a and b')"])
        ],
        critic: [
          criticReply([9, 9, 9, 9, 9, 5], ['Merge the cells']),
          criticReply(NINES, ['None.'])
        ]
      },
      task: 'print a and b',
      endsWith: 'threshold'
    });
    expect((await notebookCells(page)).map(cell => cell.source)).toEqual([
      USER_CELL,
      "print('a and b')"
    ]);
    // Focus the notebook in command mode, where Ctrl+Z is the notebook's undo.
    await page.evaluate(() => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        id: string;
        content: { mode: string; activeCellIndex: number; node: HTMLElement };
      };
      window.jupyterapp.shell.activateById(panel.id);
      panel.content.activeCellIndex = 0;
      panel.content.mode = 'command';
      panel.content.node.focus();
    });
    await page.keyboard.press('Control+z');
    await expect
      .poll(async () => (await notebookCells(page)).map(cell => cell.source), {
        timeout: 10000
      })
      .toEqual([USER_CELL, "print('a')", "print('b')"]);
    // Ctrl+Y brings the round back.
    await page.keyboard.press('Control+y');
    await expect
      .poll(async () => (await notebookCells(page)).map(cell => cell.source), {
        timeout: 10000
      })
      .toEqual([USER_CELL, "print('a and b')"]);
  });
});
