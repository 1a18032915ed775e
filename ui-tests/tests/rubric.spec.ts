/**
 * A rubric of the user's own: four dimensions from the settings reach the
 * Critic's system message, are read from a messy reply, fill the scorecard
 * and decide when the run ends. A rubric that cannot be used stops the run
 * before any model call, with the reason.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  SIDEBAR,
  ask,
  modelCalls,
  openNotebook,
  setScenario,
  summaries,
  pluginSettings
} from './helpers';
import {
  FIXED_PLOT_CELL,
  LOAD_CELL,
  REVISED_PLOT_CELL,
  TASK,
  coderReply
} from './scenarios';

const RUBRIC = [
  {
    name: 'correctness',
    judges: 'does the code run and plot the right columns?',
    rule: 'If the code raised an error, correctness MUST be below 4.'
  },
  {
    name: 'axis_labels',
    label: 'Axis labels',
    judges: 'do both axes say what they show, with units?'
  },
  {
    name: 'readability',
    judges: 'can a colleague read the chart at a glance?'
  },
  {
    name: 'story',
    label: 'Answers the question',
    judges: 'does the chart answer what the task asks?'
  }
];

/** A Critic that writes prose, an old six-dimension habit, then the JSON. */
function critic(axisLabels: number): string {
  return [
    'Evaluation of the chart:',
    '',
    '1. **Correctness**: 9/10 – runs, prints the fields, saves the file.',
    `2. **Axis labels**: ${axisLabels}/10 – ${axisLabels < 8 ? 'raw column names, no units' : 'both axes with units'}.`,
    '3. **Readability**: 8/10 – 400 points, some overlap.',
    '4. **Answers the question**: 9/10 – heavier cars have more horsepower.',
    'Aesthetics: 3/10',
    '',
    'Actions:',
    '- Label the x axis "Weight (lbs)" and the y axis "Horsepower".',
    '',
    `{"correctness": 9, "axis_labels": ${axisLabels}, "readability": 8, "story": 9}`,
    '',
    'Type TERMINATE when you are happy with the result.'
  ].join('\n');
}

test.describe('with a rubric of four dimensions', () => {
  test.use(pluginSettings({ rubric: RUBRIC, reproduceCheck: false }));

  test('the Critic is told them, scores them, the scorecard shows them and the threshold follows them', async ({
    page,
    request,
    tmpPath
  }, testInfo) => {
    await setScenario(request, {
      replies: {
        coder: [
          coderReply('Fields first, then the plot.', [
            LOAD_CELL,
            FIXED_PLOT_CELL
          ]),
          coderReply('With labelled axes.', [LOAD_CELL, REVISED_PLOT_CELL])
        ],
        critic: [critic(4), critic(9)]
      }
    });
    await openNotebook(page, tmpPath, { widen: false });
    await ask(page, TASK);
    await expect(summaries(page)).toHaveAttribute('data-reason', 'threshold', {
      timeout: 90000
    });

    const calls = await modelCalls(request);
    expect(calls.map(call => call.agent)).toEqual([
      'coder',
      'critic',
      'coder',
      'critic'
    ]);
    const system = (
      calls[1].body as { messages: { role: string; content: string }[] }
    ).messages[0].content;
    expect(system).toContain(
      '- correctness: does the code run and plot the right columns? If the code raised an error, correctness MUST be below 4.\n- axis_labels: do both axes say what they show, with units?\n- readability: can a colleague read the chart at a glance?\n- Answers the question (story): does the chart answer what the task asks?'
    );
    expect(system).toContain(
      '{"correctness": 9, "axis_labels": 8, "readability": 7, "story": 9}'
    );
    expect(system).not.toContain('aesthetics');
    // The Coder revised from the rubric's scores and the actions.
    expect(JSON.stringify(calls[2].body)).toContain(
      'correctness 9, axis_labels 4, readability 8, story 9'
    );

    const sidebar = page.locator(SIDEBAR);
    const cards = sidebar.locator('.jp-AgentTeam-Scorecard');
    await expect(cards).toHaveCount(2);
    for (const [index, axis] of [
      [0, '4'],
      [1, '9']
    ] as const) {
      const rows = cards.nth(index).locator('.jp-AgentTeam-Score');
      await expect(rows.locator('.jp-AgentTeam-ScoreLabel')).toHaveText([
        'Correctness',
        'Axis labels',
        'Readability',
        'Answers the question'
      ]);
      await expect(rows.locator('.jp-AgentTeam-ScoreValue')).toHaveText([
        '9',
        axis,
        '8',
        '9'
      ]);
    }
    await expect(cards.nth(0).locator('.jp-AgentTeam-ScoreLowest')).toHaveText(
      '4'
    );
    await expect(cards.nth(1).locator('.jp-AgentTeam-ScoreLowest')).toHaveText(
      '8'
    );
    await expect(summaries(page).last()).toContainText('score threshold 8 met');
    await expect(summaries(page).last()).toContainText('lowest score 8');

    // At the default sidebar width a long label wraps: it is whole, and the
    // bars and scores stay inside the card.
    const scorecard = cards.nth(1);
    await scorecard.scrollIntoViewIfNeeded();
    const spills = await scorecard.evaluate(card => {
      const box = card.getBoundingClientRect();
      return Array.from(
        card.querySelectorAll<HTMLElement>(
          '.jp-AgentTeam-ScoreLabel, .jp-AgentTeam-ScoreBar, .jp-AgentTeam-ScoreValue'
        )
      )
        .filter(element => {
          const rect = element.getBoundingClientRect();
          return (
            rect.left < box.left - 0.5 ||
            rect.right > box.right + 0.5 ||
            element.scrollWidth > element.clientWidth + 1 ||
            rect.width < 4
          );
        })
        .map(element => `${element.className} "${element.textContent}"`);
    });
    expect(spills).toEqual([]);
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      await sidebar.screenshot({
        path: testInfo.outputPath(`rubric-${theme}.png`)
      });
    }
    await page.theme.setLightTheme();
  });
});

test.describe('with a rubric that names a dimension twice', () => {
  test.use(
    pluginSettings({
      rubric: [
        { name: 'story', judges: 'does it answer the task?' },
        { name: 'Story', judges: 'is it a good story?' }
      ]
    })
  );

  test('no run starts, the reason is shown and the task stays in the box', async ({
    page,
    request,
    tmpPath
  }) => {
    await setScenario(request, { replies: { coder: [], critic: [] } });
    await openNotebook(page, tmpPath, { widen: false });
    await ask(page, TASK);

    const sidebar = page.locator(SIDEBAR);
    await expect(sidebar.locator('.jp-AgentTeam-Notice')).toHaveText(
      'The Critic rubric setting cannot be used: it names "story" twice. Change it in Settings ▸ Settings Editor ▸ Agent Team ▸ Critic rubric.'
    );
    await expect(sidebar.locator('.jp-AgentTeam-TaskInput')).toHaveValue(TASK);
    expect(await modelCalls(request)).toEqual([]);
    await expect(sidebar.locator('.jp-AgentTeam-Message')).toHaveCount(0);
  });
});
