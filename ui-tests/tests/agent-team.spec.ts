import { expect, galata, test } from '@jupyterlab/galata';

import {
  SIDEBAR,
  USER_CELL,
  setScenario,
  modelCalls,
  openNotebook,
  ask,
  notebookCells,
  streamText,
  scores
} from './helpers';
import {
  BUGGY_PLOT_CELL,
  FIRST_CRITIQUE_ACTIONS,
  FIXED_PLOT_CELL,
  LOAD_CELL,
  PLOT_FILE,
  REVISED_PLOT_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

test.describe('with automatic revisions off and a vision model', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-agent-team:plugin': { autoRevisions: 0, vision: true }
    }
  });

  test('an error goes back to the Coder, the Critic scores, and Rerun with critique revises the cells', async ({
    page,
    request,
    tmpPath
  }, testInfo) => {
    await setScenario(request, {
      replies: {
        coder: [
          coderReply(
            'I will print the fields, then plot weight against horsepower.',
            [LOAD_CELL, BUGGY_PLOT_CELL]
          ),
          coderReply(
            "The column is called 'Weight_in_lbs'; dropping rows with missing values too.",
            [LOAD_CELL, FIXED_PLOT_CELL]
          ),
          coderReply('Labelled axes and a title.', [
            LOAD_CELL,
            REVISED_PLOT_CELL
          ])
        ],
        critic: [
          criticReply([9, 8, 9, 9, 8, 5], FIRST_CRITIQUE_ACTIONS),
          // Streams slowly, so the sidebar can be seen mid-run.
          {
            content: criticReply(
              [9, 9, 9, 9, 9, 9],
              ['None: the plot is ready.']
            ),
            chunkDelayMs: 60
          }
        ]
      }
    });
    await openNotebook(page, tmpPath);
    const started = Date.now();
    await ask(page, TASK);

    // The first run ends after one critique: automatic revisions are off.
    const summaries = page.locator(`${SIDEBAR} .jp-AgentTeam-Summary`);
    await expect(summaries).toHaveCount(1, { timeout: 90000 });
    await expect(summaries.first()).toHaveAttribute(
      'data-reason',
      'revisions-used'
    );
    expect(await scores(page, 0)).toEqual({
      bugs: '9',
      transformation: '8',
      compliance: '9',
      type: '9',
      encoding: '8',
      aesthetics: '5',
      lowest: '5'
    });

    // The error showed in the transcript, and its traceback reached the Coder.
    await expect(
      page.locator(`${SIDEBAR} .jp-AgentTeam-CellReport.jp-mod-error`)
    ).toContainText('raised an error');
    const afterFirstRun = await modelCalls(request);
    expect(afterFirstRun.map(call => call.agent)).toEqual([
      'coder',
      'coder',
      'critic'
    ]);
    expect(JSON.stringify(afterFirstRun[1].body)).toContain(
      "KeyError: 'Weight'"
    );

    // The cells: the user's own first and untouched, then the team's two, run on the live kernel.
    let cells = await notebookCells(page);
    expect(cells.map(cell => cell.source)).toEqual([
      USER_CELL,
      LOAD_CELL,
      FIXED_PLOT_CELL
    ]);
    expect(cells[0].metadata.agent_team).toBeUndefined();
    expect(cells[0].execution_count).toBe(1);
    expect(cells[1].metadata.agent_team).toMatchObject({
      agent: 'coder',
      round: 2
    });
    expect(streamText(cells[1])).toContain("'Weight_in_lbs', 'Acceleration'");
    expect(
      cells[2].outputs?.some(
        output => output.data && 'image/png' in output.data
      )
    ).toBe(true);
    expect(await page.contents.fileExists(`${tmpPath}/${PLOT_FILE}`)).toBe(
      true
    );
    // The notebook shows the printed fields and the plot, as if the user ran the cells.
    await expect(
      page.locator('.jp-NotebookPanel .jp-OutputArea-output').first()
    ).toContainText("'Weight_in_lbs', 'Acceleration'");
    await expect(
      page.locator('.jp-NotebookPanel .jp-OutputArea-output img')
    ).toHaveCount(1);

    // The Critic saw the plot itself, and the key was added by the Jupyter server.
    const critic = afterFirstRun[2];
    expect(JSON.stringify(critic.body?.messages[1].content)).toContain(
      'data:image/png;base64,'
    );
    expect(critic.headers.authorization).toBe('Bearer sk-ui-test-secret');

    // Rerun with critique.
    await page
      .locator(`${SIDEBAR} .jp-AgentTeam-RerunNote`)
      .fill('keep the dots semi-transparent');
    await page.locator(`${SIDEBAR} .jp-AgentTeam-RerunButton`).click();

    // Mid-run: the Critic is scoring the revised cells.
    await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Status`)).toHaveText(
      'Critic scoring…',
      {
        timeout: 60000
      }
    );
    // The transcript follows the message as it streams.
    await expect(
      page.locator(`${SIDEBAR} .jp-AgentTeam-Message.jp-mod-streaming`)
    ).toBeInViewport();
    await page
      .locator(SIDEBAR)
      .screenshot({ path: testInfo.outputPath('sidebar-mid-run.png') });
    await page.screenshot({ path: testInfo.outputPath('lab-mid-run.png') });

    await expect(summaries).toHaveCount(2, { timeout: 60000 });
    await expect(summaries.nth(1)).toHaveAttribute('data-reason', 'threshold');
    expect(await scores(page, 1)).toEqual({
      bugs: '9',
      transformation: '9',
      compliance: '9',
      type: '9',
      encoding: '9',
      aesthetics: '9',
      lowest: '9'
    });
    await expect(
      page
        .locator(`${SIDEBAR} .jp-AgentTeam-Scorecard`)
        .nth(1)
        .locator('[data-dimension="aesthetics"] .jp-AgentTeam-ScoreDelta')
    ).toHaveText('+4');

    const calls = await modelCalls(request);
    expect(calls).toHaveLength(5);
    expect(JSON.stringify(calls[3].body)).toContain(
      'Note from the user: keep the dots semi-transparent'
    );
    expect(JSON.stringify(calls[3].body)).toContain(FIRST_CRITIQUE_ACTIONS[0]);

    cells = await notebookCells(page);
    expect(cells.map(cell => cell.source)).toEqual([
      USER_CELL,
      LOAD_CELL,
      REVISED_PLOT_CELL
    ]);
    expect(cells[2].metadata.agent_team).toMatchObject({ round: 3 });
    expect(
      cells[2].outputs?.some(
        output => output.data && 'image/png' in output.data
      )
    ).toBe(true);
    console.log(
      `UI scenario (error → fix → critique → rerun): ${((Date.now() - started) / 1000).toFixed(1)} s`
    );
  });
});

test('with the default settings the team revises on its own until the threshold is met', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, {
    replies: {
      coder: [
        {
          // Slow enough for the user to switch tabs before the cells arrive.
          content: coderReply('Printing the fields, then the scatter plot.', [
            LOAD_CELL,
            FIXED_PLOT_CELL
          ]),
          delayMs: 2000
        },
        coderReply('Labelled axes and a title.', [LOAD_CELL, REVISED_PLOT_CELL])
      ],
      critic: [
        criticReply([9, 8, 9, 9, 8, 5], FIRST_CRITIQUE_ACTIONS),
        criticReply([9, 9, 9, 9, 9, 8], ['None.'])
      ]
    }
  });
  await openNotebook(page, tmpPath);
  // This time through the command palette's command, as another extension would.
  await page.evaluate(
    task => window.jupyterapp.commands.execute('agent-team:ask', { task }),
    TASK
  );
  // The user opens another notebook while the Coder writes.
  await page.notebook.createNew('other.ipynb');

  const summary = page.locator(`${SIDEBAR} .jp-AgentTeam-Summary`);
  await expect(summary).toHaveCount(1, { timeout: 90000 });
  await expect(summary).toHaveAttribute('data-reason', 'threshold');
  await expect(summary).toContainText('Ended after 2 rounds');
  await expect(summary).toContainText('4 model calls');
  expect((await scores(page, 1)).lowest).toBe('8');
  const cells = await notebookCells(page);
  expect(cells.map(cell => cell.source)).toEqual([
    USER_CELL,
    LOAD_CELL,
    REVISED_PLOT_CELL
  ]);
  // The run stayed with the notebook it started on.
  expect((await notebookCells(page, 'other.ipynb')).map(c => c.source)).toEqual(
    ['']
  );
  expect((await modelCalls(request)).map(call => call.agent)).toEqual([
    'coder',
    'critic',
    'coder',
    'critic'
  ]);
  // The Coder's revision prompt carried the critique's actions.
  expect(JSON.stringify((await modelCalls(request))[2].body)).toContain(
    FIRST_CRITIQUE_ACTIONS[1]
  );
});

test('Stop ends the run while the Coder is still writing', async ({
  page,
  request,
  tmpPath
}) => {
  await setScenario(request, {
    replies: {
      coder: [
        { content: 'Loading the data first, then plotting.', fault: 'stall' }
      ]
    }
  });
  await openNotebook(page, tmpPath);
  await ask(page, TASK);
  const status = page.locator(`${SIDEBAR} .jp-AgentTeam-Status`);
  await expect(status).toHaveText('Coder writing…');
  const coder = page.locator(
    `${SIDEBAR} .jp-AgentTeam-Message[data-agent="coder"]`
  );
  await expect(coder).toContainText('Loading the data fir');
  await page.locator(`${SIDEBAR} .jp-AgentTeam-StopButton`).click();
  const summary = page.locator(`${SIDEBAR} .jp-AgentTeam-Summary`);
  await expect(summary).toHaveAttribute('data-reason', 'stopped');
  await expect(summary).toContainText('stopped by you');
  // What streamed stays, marked as stopped.
  await expect(coder).toHaveClass(/jp-mod-stopped/);
  await expect(coder.locator('.jp-AgentTeam-MessageStopped')).toHaveText(
    'stopped'
  );
  await expect(coder).toContainText('Loading the data fir');
  await expect(status).toHaveText('Ready');
  await expect(
    page.locator(`${SIDEBAR} .jp-AgentTeam-SendButton`)
  ).toBeVisible();
  expect((await notebookCells(page)).map(cell => cell.source)).toEqual([
    USER_CELL
  ]);
});

test('asking without an open notebook says what to do and changes nothing', async ({
  page,
  request
}) => {
  await setScenario(request, { replies: {} });
  await page.sidebar.openTab('agent-team-sidebar');
  await ask(page, TASK);
  await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-Notice`)).toContainText(
    'Open a notebook first'
  );
  // The task stays in the box, ready to send once a notebook is open.
  await expect(page.locator(`${SIDEBAR} .jp-AgentTeam-TaskInput`)).toHaveValue(
    TASK
  );
  expect(await modelCalls(request)).toHaveLength(0);
});
