/**
 * The sidebar at JupyterLab's default left-panel width (250 px), after a
 * whole scripted run: nothing spills out of it, labels are whole, code keeps
 * its lines and scrolls sideways, score bars have real length; axe-core finds
 * nothing serious; the shortcut reaches the task box; both themes look right.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import * as config from '../playwright.config.js';
import {
  SIDEBAR,
  ask,
  openNotebook,
  setScenario,
  summaries,
  widenSidebar
} from './helpers';
import {
  BUGGY_PLOT_CELL,
  FIRST_CRITIQUE_ACTIONS,
  FIXED_PLOT_CELL,
  LOAD_CELL,
  REVISED_PLOT_CELL,
  TASK,
  coderReply,
  criticReply
} from './scenarios';

/** What the layout checks found out of place; empty when all is well. */
interface ILayoutReport {
  problems: string[];
  checked: number;
}

/**
 * Every control, scorecard row and bar, and code block of the sidebar,
 * measured against the sidebar and against each box that holds it.
 * Controls are scrolled into view first, so a person could see them whole.
 */
function layoutProblems(page: Page): Promise<ILayoutReport> {
  return page.evaluate(selector => {
    const sidebar = document.querySelector(selector) as HTMLElement;
    const problems: string[] = [];
    const describe = (element: Element) => {
      const classes = Array.from(element.classList)
        .filter(name => name.startsWith('jp-AgentTeam-'))
        .join('.');
      const text = (element as HTMLElement).innerText ?? '';
      return `<${element.tagName.toLowerCase()}${classes ? '.' + classes : ''}> "${text.trim().slice(0, 30)}"`;
    };
    const edges = (rect: DOMRect) =>
      `[${Math.round(rect.left)}..${Math.round(rect.right)}]`;
    // Ancestors up to the left panel that holds the sidebar.
    const holders = (element: Element) => {
      const list: Element[] = [];
      for (
        let parent = element.parentElement;
        parent && parent !== document.body;
        parent = parent.parentElement
      ) {
        list.push(parent);
        if (parent.id === 'jp-left-stack') {
          break;
        }
      }
      return list;
    };
    const insideHorizontally = (inner: DOMRect, outer: DOMRect) =>
      inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;

    // Nothing in the sidebar scrolls sideways: code blocks scroll inside themselves.
    for (const box of [
      sidebar,
      ...Array.from(
        sidebar.querySelectorAll<HTMLElement>(
          '.jp-AgentTeam-View, .jp-AgentTeam-Transcript, .jp-AgentTeam-Header, .jp-AgentTeam-TaskBox'
        )
      )
    ]) {
      if (box.scrollWidth > box.clientWidth) {
        problems.push(
          `${describe(box)} scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`
        );
      }
    }

    const controls = Array.from(
      sidebar.querySelectorAll<HTMLElement>(
        'button, input, select, textarea, .jp-AgentTeam-Score, .jp-AgentTeam-ScoreBar, .jp-AgentTeam-ScoreSummary > span'
      )
    );
    for (const control of controls) {
      control.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const rect = control.getBoundingClientRect();
      const frame = sidebar.getBoundingClientRect();
      if (
        !insideHorizontally(rect, frame) ||
        rect.top < frame.top - 0.5 ||
        rect.bottom > frame.bottom + 0.5
      ) {
        problems.push(`${describe(control)} is not inside the sidebar`);
      }
      for (const holder of holders(control)) {
        const outer = holder.getBoundingClientRect();
        if (!insideHorizontally(rect, outer)) {
          problems.push(
            `${describe(control)} ${edges(rect)} sticks out of ${describe(holder)} ${edges(outer)}`
          );
        }
      }
    }

    // Code blocks stay inside their message; their own lines scroll.
    const blocks = Array.from(
      sidebar.querySelectorAll<HTMLElement>(
        '.jp-AgentTeam-Markdown pre, .jp-AgentTeam-CellOutput, .jp-AgentTeam-Diff'
      )
    );
    for (const block of blocks) {
      const rect = block.getBoundingClientRect();
      for (const holder of holders(block)) {
        const outer = holder.getBoundingClientRect();
        if (!insideHorizontally(rect, outer)) {
          problems.push(
            `${describe(block)} ${edges(rect)} sticks out of ${describe(holder)} ${edges(outer)}`
          );
        }
      }
      if (block.scrollWidth > block.clientWidth) {
        const overflowX = getComputedStyle(block).overflowX;
        if (overflowX !== 'auto' && overflowX !== 'scroll') {
          problems.push(
            `${describe(block)} is wider than its box and cannot scroll (overflow-x: ${overflowX})`
          );
        }
      }
    }
    return { problems, checked: controls.length + blocks.length };
  }, SIDEBAR);
}

/**
 * How many screen lines each code line of a rendered code block takes:
 * one each when the block keeps its lines, more when it wraps.
 */
function codeBlockLines(page: Page) {
  return page.evaluate(selector => {
    const blocks = Array.from(
      document.querySelectorAll<HTMLElement>(
        `${selector} .jp-AgentTeam-Markdown pre`
      )
    );
    return blocks.map(pre => {
      const range = document.createRange();
      range.selectNodeContents(pre);
      const tops = new Set(
        Array.from(range.getClientRects())
          .filter(rect => rect.width > 0)
          .map(rect => Math.round(rect.top))
      );
      // Scrolled to its end, the longest line shows its last characters.
      pre.scrollLeft = pre.scrollWidth;
      const scrolled = pre.scrollLeft;
      pre.scrollLeft = 0;
      return {
        // Empty lines have no text to measure.
        sourceLines: (pre.textContent ?? '')
          .split('\n')
          .filter(line => line.trim()).length,
        screenLines: tops.size,
        wider: pre.scrollWidth > pre.clientWidth,
        scrolled
      };
    });
  }, SIDEBAR);
}

interface IAxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core on the sidebar; the serious and critical violations. */
async function axeViolations(page: Page): Promise<IAxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: require.resolve('axe-core') });
  }
  const violations = await page.evaluate(
    async selector =>
      (
        await (
          window as unknown as {
            axe: {
              run: (
                context: string
              ) => Promise<{ violations: IAxeViolation[] }>;
            };
          }
        ).axe.run(selector)
      ).violations,
    SIDEBAR
  );
  return violations.filter(
    violation =>
      violation.impact === 'serious' || violation.impact === 'critical'
  );
}

function printViolations(violations: IAxeViolation[]) {
  for (const violation of violations) {
    console.log(
      `axe ${violation.impact} ${violation.id}: ${violation.help}\n` +
        violation.nodes
          .map(
            node =>
              `  ${node.target.join(' ')}\n    ${(node.failureSummary ?? '').replace(/\n/g, '\n    ')}`
          )
          .join('\n')
    );
  }
}

// Classic scrollbars, as Linux and Windows users have them: headless Chromium
// hides scrollbars, and at 250 px the transcript's 15 px scrollbar matters.
test.use({
  launchOptions: {
    ...config.use.launchOptions,
    ignoreDefaultArgs: ['--hide-scrollbars']
  }
});

/** axe-core finds nothing serious or critical in the sidebar; prints what it finds. */
async function expectAxeClean(page: Page) {
  const violations = await axeViolations(page);
  printViolations(violations);
  expect(violations.map(violation => violation.id)).toEqual([]);
}

/**
 * Screenshots of the sidebar in the light and the dark theme: as it is, and
 * the whole transcript in a window tall enough to hold it. Looked at by eye;
 * the assertions measure.
 */
async function screenshots(
  page: IJupyterLabPageFixture,
  name: string,
  outputPath: (file: string) => string
) {
  const sidebar = page.locator(SIDEBAR);
  const viewport = page.viewportSize()!;
  for (const theme of ['light', 'dark']) {
    if (theme === 'dark') {
      await page.theme.setDarkTheme();
    }
    await sidebar.screenshot({ path: outputPath(`${name}-${theme}.png`) });
    const height = await sidebar
      .locator('.jp-AgentTeam-Transcript > div')
      .evaluate(div => div.scrollHeight);
    await page.setViewportSize({
      width: viewport.width,
      height: Math.min(height + 400, 6000)
    });
    await sidebar.screenshot({
      path: outputPath(`${name}-${theme}-whole.png`)
    });
    await page.setViewportSize(viewport);
    // Nothing moves out of place in the other theme either.
    expect((await layoutProblems(page)).problems).toEqual([]);
  }
  await page.theme.setLightTheme();
}

/** The left panel is at JupyterLab's default width, and the sidebar fills it exactly. */
async function expectDefaultWidth(page: Page) {
  const panel = await page.locator('#jp-left-stack').boundingBox();
  const frame = await page.locator(SIDEBAR).boundingBox();
  expect(panel && frame).toBeTruthy();
  expect(panel!.width).toBeLessThanOrEqual(260);
  expect(Math.abs(frame!.width - panel!.width)).toBeLessThanOrEqual(1);
}

test.describe('at once, no automatic revisions', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-agent-team:plugin': { autoRevisions: 0 }
    }
  });

  test('at the default sidebar width a whole run fits, reads well, passes axe, and the shortcut reaches the task box', async ({
    page,
    request,
    tmpPath
  }, testInfo) => {
    test.setTimeout(240 * 1000);
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
          criticReply(
            [9, 9, 9, 9, 9, 7],
            ['Use a lighter grid so the points stand out']
          )
        ]
      }
    });
    await openNotebook(page, tmpPath, { widen: false });
    const sidebar = page.locator(SIDEBAR);

    await expectDefaultWidth(page);

    // The first cycle: an error, its fix, a critique below the threshold.
    await ask(page, TASK);
    await expect(summaries(page)).toHaveCount(1, { timeout: 90000 });
    await expect(summaries(page).first()).toHaveAttribute(
      'data-reason',
      'revisions-used'
    );
    // Rerun with critique, clicked at this width, as a person would.
    const note = sidebar.locator('.jp-AgentTeam-RerunNote');
    await note.fill('keep the dots semi-transparent');
    await sidebar.locator('.jp-AgentTeam-RerunButton').click();
    await expect(summaries(page)).toHaveCount(2, { timeout: 90000 });
    await expect(summaries(page).nth(1)).toHaveAttribute(
      'data-reason',
      'revisions-used'
    );

    // The end: the second critique (with changes since the first) and the rerun form under it.
    const cards = sidebar.locator('.jp-AgentTeam-Scorecard');
    await expect(cards).toHaveCount(2);
    const lastCard = cards.nth(1);
    await expect(
      lastCard.locator('[data-dimension="aesthetics"] .jp-AgentTeam-ScoreDelta')
    ).toHaveText('+2');
    const rerunButton = sidebar.locator('.jp-AgentTeam-RerunButton');
    await expect(rerunButton).toBeVisible();
    await expect(sidebar.locator('.jp-AgentTeam-RerunNote')).toBeVisible();
    await expect(
      sidebar.locator('.jp-AgentTeam-CellReport.jp-mod-error')
    ).toHaveCount(1);
    await expect(sidebar.locator('.jp-AgentTeam-Markdown pre')).not.toHaveCount(
      0
    );

    // A card per scored round, each with its plot; the older one restorable.
    const roundCards = sidebar.locator('.jp-AgentTeam-RoundCard');
    await expect(roundCards).toHaveCount(2);
    await expect(roundCards.locator('img')).toHaveCount(2);
    await expect(
      sidebar.getByRole('button', { name: 'Restore round 2' })
    ).toBeEnabled();

    await screenshots(page, 'sidebar', testInfo.outputPath.bind(testInfo));
    await rerunButton.scrollIntoViewIfNeeded();

    // Classic scrollbars take this much of the 250 px (0 with overlay scrollbars).
    console.log(
      'transcript scrollbar at the end of the run: ' +
        (await sidebar
          .locator('.jp-AgentTeam-Transcript')
          .evaluate((div: HTMLElement) => div.offsetWidth - div.clientWidth)) +
        ' px'
    );

    // Nothing sticks out of the sidebar or out of the box that holds it.
    const report = await layoutProblems(page);
    console.log(`layout: ${report.checked} elements checked`);
    expect(report.checked).toBeGreaterThan(20);
    expect(report.problems).toEqual([]);

    // "Rerun with critique" shows its whole label.
    await rerunButton.scrollIntoViewIfNeeded();
    await expect(rerunButton).toHaveText('Rerun with critique');
    const rerunFits = await rerunButton.evaluate(button => ({
      width: [button.scrollWidth, button.clientWidth],
      height: [button.scrollHeight, button.clientHeight]
    }));
    expect(rerunFits.width[0]).toBeLessThanOrEqual(rerunFits.width[1]);
    expect(rerunFits.height[0]).toBeLessThanOrEqual(rerunFits.height[1]);

    // Score bars have real length, and every label is whole.
    for (const bar of await sidebar.locator('.jp-AgentTeam-ScoreBar').all()) {
      expect((await bar.boundingBox())!.width).toBeGreaterThanOrEqual(60);
    }
    for (const label of await sidebar
      .locator('.jp-AgentTeam-ScoreLabel')
      .all()) {
      const fits = await label.evaluate(
        span => span.scrollWidth <= span.clientWidth
      );
      expect([await label.innerText(), fits]).toEqual([
        await label.innerText(),
        true
      ]);
    }
    // "Lowest 7", "threshold 8" and "round 3" stand apart, each on one line.
    const phrases = lastCard.locator('.jp-AgentTeam-ScoreSummary > span');
    await expect(phrases).toHaveText(['Lowest 7', 'threshold 8', 'round 3']);
    const boxes = await Promise.all(
      (await phrases.all()).map(async phrase => (await phrase.boundingBox())!)
    );
    const lineHeight = await phrases
      .first()
      .evaluate(span => parseFloat(getComputedStyle(span).lineHeight) || 20);
    for (let i = 0; i < boxes.length; i++) {
      expect(boxes[i].height).toBeLessThan(lineHeight * 1.5);
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const sameLine = Math.abs(a.y - b.y) < 2;
        const apart = sameLine
          ? b.x - (a.x + a.width) >= 8
          : a.y + a.height <= b.y + 0.5;
        expect([i, j, apart]).toEqual([i, j, true]);
      }
    }

    // Code keeps its lines and scrolls sideways within its block.
    const codeBlocks = await codeBlockLines(page);
    expect(codeBlocks.length).toBeGreaterThanOrEqual(6);
    for (const block of codeBlocks) {
      expect(block.screenLines).toBe(block.sourceLines);
    }
    const wide = codeBlocks.filter(block => block.wider);
    expect(wide.length).toBeGreaterThan(0);
    for (const block of wide) {
      expect(block.scrolled).toBeGreaterThan(0);
    }

    // A disabled button looks disabled: Send with an empty task box.
    const input = sidebar.locator('.jp-AgentTeam-TaskInput');
    const send = sidebar.locator('.jp-AgentTeam-SendButton');
    const look = () =>
      send.evaluate(button => {
        const style = getComputedStyle(button);
        return {
          background: style.backgroundColor,
          color: style.color,
          cursor: style.cursor
        };
      });
    await expect(input).toHaveValue('');
    await expect(send).toBeDisabled();
    const disabledLook = await look();
    await input.fill('plot horsepower against acceleration');
    await expect(send).toBeEnabled();
    const enabledLook = await look();
    await input.fill('');
    expect(disabledLook.cursor).toBe('not-allowed');
    expect(disabledLook.background).not.toBe(enabledLook.background);
    expect(disabledLook.color).not.toBe(enabledLook.color);

    // axe-core: nothing serious or critical in the sidebar, light and dark.
    await expectAxeClean(page);
    await page.theme.setDarkTheme();
    await expectAxeClean(page);
    await page.theme.setLightTheme();

    // The team's news reaches screen readers: the transcript is a polite log.
    const log = sidebar.getByRole('log');
    await expect(log).toHaveAttribute('aria-live', 'polite');
    await expect(log).toContainText('Lowest 7');

    // Form controls and buttons carry names a screen reader can say.
    await expect(
      sidebar.getByRole('textbox', { name: 'Task for the agent team' })
    ).toBeVisible();
    await expect(
      sidebar.getByRole('textbox', { name: 'Note for the Coder (optional)' })
    ).toBeVisible();
    await expect(
      sidebar.getByRole('combobox', { name: 'Run code:' })
    ).toBeVisible();
    await expect(
      sidebar.getByRole('button', { name: 'Rerun with critique' })
    ).toBeVisible();
    await expect(
      sidebar.getByRole('group', { name: 'Critic scores' })
    ).toHaveCount(2);

    // The shortcut opens the closed sidebar and puts the cursor in the task box.
    await page.sidebar.close('left');
    await expect(sidebar).toBeHidden();
    await (await page.notebook.getCellLocator(0))!.click();
    await expect(input).not.toBeFocused();
    await page.keyboard.press('ControlOrMeta+Shift+KeyA');
    await expect(sidebar).toBeVisible();
    await expect(input).toBeFocused();
    await page.keyboard.type('typed straight away');
    await expect(input).toHaveValue('typed straight away');

    // The command palette lists the command with its shortcut.
    await page.keyboard.press('ControlOrMeta+Shift+KeyC');
    const palette = page.locator('#command-palette');
    await palette
      .locator('.lm-CommandPalette-input')
      .fill('Focus the Agent Team');
    const item = palette.locator('.lm-CommandPalette-item', {
      hasText: 'Focus the Agent Team task box'
    });
    await expect(item).toBeVisible();
    await expect(item.locator('.lm-CommandPalette-itemShortcut')).toHaveText(
      /Ctrl\+Shift\+A|⇧⌘A/
    );
    await page.keyboard.press('Escape');

    // Wider, the layout grows: the note and the button share a line, and each
    // bar moves up onto its label's line, at least 120 px long.
    await widenSidebar(page);
    expect((await sidebar.boundingBox())!.width).toBeGreaterThan(350);
    expect((await layoutProblems(page)).problems).toEqual([]);
    await rerunButton.scrollIntoViewIfNeeded();
    const noteBox = (await sidebar
      .locator('.jp-AgentTeam-RerunNote')
      .boundingBox())!;
    const buttonBox = (await rerunButton.boundingBox())!;
    expect(Math.abs(noteBox.y - buttonBox.y)).toBeLessThan(2);
    expect(buttonBox.x).toBeGreaterThan(noteBox.x + noteBox.width);
    for (const row of await lastCard.locator('.jp-AgentTeam-Score').all()) {
      const label = (await row
        .locator('.jp-AgentTeam-ScoreLabel')
        .boundingBox())!;
      const bar = (await row.locator('.jp-AgentTeam-ScoreBar').boundingBox())!;
      expect(bar.x).toBeGreaterThan(label.x + label.width);
      expect(bar.y).toBeGreaterThan(label.y);
      expect(bar.y + bar.height).toBeLessThan(label.y + label.height);
      expect(bar.width).toBeGreaterThan(120);
    }
    await sidebar.screenshot({
      path: testInfo.outputPath('sidebar-wide-light.png')
    });
  });
});

test.describe('in ask mode', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-agent-team:plugin': { approvalMode: 'ask', autoRevisions: 0 }
    }
  });

  test('at the default sidebar width a revised draft waiting for Run or Skip fits, keeps its diff lines and passes axe', async ({
    page,
    request,
    tmpPath
  }, testInfo) => {
    test.setTimeout(240 * 1000);
    await setScenario(request, {
      replies: {
        coder: [
          coderReply('Fields first, then the plot.', [
            LOAD_CELL,
            BUGGY_PLOT_CELL
          ]),
          coderReply("The column is called 'Weight_in_lbs'.", [
            LOAD_CELL,
            FIXED_PLOT_CELL
          ])
        ]
      }
    });
    await openNotebook(page, tmpPath, { widen: false });
    const sidebar = page.locator(SIDEBAR);
    await expectDefaultWidth(page);
    await ask(page, TASK);

    // The first draft waits; Run it. Its plot cell fails.
    const run = sidebar.locator('.jp-AgentTeam-RunDraftButton');
    await expect(run).toBeVisible({ timeout: 60000 });
    await run.click();

    // The fix waits too, cell 2 shown as a diff.
    const status = sidebar.locator('.jp-AgentTeam-Status');
    const diffs = sidebar.locator('.jp-AgentTeam-Diff');
    await expect(diffs).toHaveCount(4, { timeout: 60000 });
    await expect(diffs.nth(3)).toContainText(
      "+ data = cars.dropna(subset=['Weight_in_lbs', 'Horsepower'])"
    );
    await expect(status).toHaveText('Waiting for you: Run or Skip the draft');
    await expect(run).toBeVisible();
    await expect(
      sidebar.locator('.jp-AgentTeam-SkipDraftButton')
    ).toBeVisible();

    await screenshots(page, 'sidebar-ask', testInfo.outputPath.bind(testInfo));
    const report = await layoutProblems(page);
    expect(report.problems).toEqual([]);

    // Each diff line is one line on screen; a long one scrolls sideways.
    const lines = await sidebar
      .locator('.jp-AgentTeam-DiffLine')
      .evaluateAll(divs =>
        divs.map(div => ({
          text: div.textContent ?? '',
          height: div.getBoundingClientRect().height,
          lineHeight: parseFloat(getComputedStyle(div).lineHeight) || 17
        }))
      );
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) {
      expect([line.text, line.height < line.lineHeight * 1.5]).toEqual([
        line.text,
        true
      ]);
    }
    const scrolls = await diffs.nth(3).evaluate(pre => {
      pre.scrollLeft = pre.scrollWidth;
      const scrolled = pre.scrollLeft;
      pre.scrollLeft = 0;
      return { wider: pre.scrollWidth > pre.clientWidth, scrolled };
    });
    expect(scrolls.wider).toBe(true);
    expect(scrolls.scrolled).toBeGreaterThan(0);
    await expectAxeClean(page);

    // Skip asks why, then offers a new draft or the end of the run.
    await sidebar.locator('.jp-AgentTeam-SkipDraftButton').click();
    const reason = sidebar.getByRole('textbox', {
      name: 'Why you skip this draft (optional)'
    });
    await expect(reason).toBeVisible();
    await expect(
      sidebar.getByRole('button', { name: 'New draft' })
    ).toBeVisible();
    await expect(
      sidebar.getByRole('button', { name: 'End run' })
    ).toBeVisible();
    expect((await layoutProblems(page)).problems).toEqual([]);
    await expectAxeClean(page);
    await sidebar.screenshot({
      path: testInfo.outputPath('sidebar-ask-skip-light.png')
    });
    await reason.fill('not now');
    await sidebar.getByRole('button', { name: 'End run' }).click();
    await expect(summaries(page)).toHaveAttribute('data-reason', 'skipped');
    expect((await layoutProblems(page)).problems).toEqual([]);
  });
});
