/**
 * Benchmark, not a test: main-thread cost of a streamed Coder reply in a
 * notebook whose run already holds about 500 transcript messages. Prints
 * figures; asserts only that the scenario really ran.
 *
 *   1. "Rerun with critique" with a ~24,000-character reply at 200 tokens/s
 *      (20-character chunks every 25 ms, about 800 characters a second).
 *   2. The same with a 200,000-character reply as fast as the server sends.
 *
 * BENCH_MESSAGES changes the transcript's length (default 500), to see what
 * the length costs; BENCH_TRACE_DIR keeps detailed traces (see below).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { TeamRun } from '../src/team/teamRun';
import {
  CARS_CSV,
  SIDEBAR,
  kernelStatus,
  setScenario,
  summaries,
  widenSidebar
} from '../ui-tests/tests/helpers';
import {
  LOAD_CELL,
  PLOT_FILE,
  TASK,
  coderReply,
  criticReply
} from '../ui-tests/tests/scenarios';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 500);
const NOTEBOOK = 'bench.ipynb';
const RUN_ID = 'bench-run-0000-0000-0000-000000000001';
const TEAM_CELL_IDS = ['bench-team-cell-1', 'bench-team-cell-2'];
// The scripted server streams replies in chunks of this many characters.
const CHUNK_CHARS = 20;
/** How long after the reply's end the second window runs. */
const AFTER_END_MS = 2000;

const DIMENSIONS = [
  'bugs',
  'transformation',
  'compliance',
  'type',
  'encoding',
  'aesthetics'
] as const;

interface IWindowRow {
  scenario: string;
  window: string;
  ms: number;
  busy: IBusy;
  frames: number;
  median: number;
  p95: number;
  max: number;
  over50: number;
  longTasks: number;
  longest: number;
  tbt: number;
}

interface IBusy {
  /** Share of wall time the renderer's main thread ran tasks. */
  share: number;
  scriptMs: number;
  layoutMs: number;
  paintMs: number;
}

/** Merged [start, end] intervals in page time, as the trace saw the main thread. */
interface IMainThread {
  tasks: [number, number][];
  script: [number, number][];
  layout: [number, number][];
  paint: [number, number][];
}

interface ITraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** What the in-page probe collected, in the page's performance.now() time. */
interface IProbeData {
  frames: number[];
  longTasks: { start: number; duration: number }[];
  clicks: { timeStamp: number; handled: number; nextFrame: number | null }[];
  marks: Record<'restored' | 'first' | 'end', number | null>;
  timeOrigin: number;
  /** The page time of the `bench-clock` mark, which the trace also holds. */
  clock: number;
}

/**
 * Tasks only, by default: detailed tracing costs the page about a tenth more
 * main-thread time and slows the fastest stream. BENCH_TRACE_DIR asks for the
 * detail (script, layout, paint) and keeps the traces there.
 */
const TRACE_DIR = process.env.BENCH_TRACE_DIR;
const TRACE_CATEGORIES = [
  '-*',
  'toplevel',
  'blink.user_timing',
  ...(TRACE_DIR
    ? ['devtools.timeline', 'disabled-by-default-devtools.timeline']
    : [])
];
const SCRIPT_EVENTS = new Set([
  'FunctionCall',
  'EvaluateScript',
  'RunMicrotasks',
  'BlinkScheduler_PerformMicrotaskCheckpoint',
  'ParseHTML',
  'MinorGC',
  'MajorGC'
]);
const LAYOUT_EVENTS = new Set([
  'Layout',
  'UpdateLayoutTree',
  'RecalculateStyles',
  'HitTest'
]);
const PAINT_EVENTS = new Set([
  'PrePaint',
  'Paint',
  'Layerize',
  'Commit',
  'UpdateLayer',
  'UpdateLayerTree',
  'CompositeLayers',
  'Decode Image'
]);
/** The idle window before the rerun, for comparison. */
const IDLE_MS = 3000;

const rows: IWindowRow[] = [];
const notes: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }, testInfo) => {
  const cpus = os.cpus();
  const { headless, launchOptions } = testInfo.project.use;
  const rendering = launchOptions?.args?.includes('--disable-gpu')
    ? ', software rendering (--disable-gpu)'
    : '';
  console.log(
    [
      '',
      'machine',
      `  CPU       ${cpus[0]?.model ?? 'unknown'} (${cpus.length} cores as os.cpus() lists them)`,
      `  memory    ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}`,
      `  browser   Chromium ${browser.version()}, ${headless === false ? 'headed' : 'headless'}${rendering}`,
      `  node      ${process.version}`,
      ''
    ].join('\n')
  );
});

test.afterAll(() => {
  console.log(['', ...notes, '', ...table(rows), ''].join('\n'));
});

test(`24,000 characters at 200 tokens/s into a ${MESSAGES}-message transcript`, async ({
  browser,
  page,
  request,
  tmpPath
}) => {
  await streamScenario(browser, page, request, tmpPath, {
    label: '24k @ 200 tok/s',
    reply: longReply(24_000),
    chunkDelayMs: 25
  });
});

test(`200,000 characters as fast as the server sends into a ${MESSAGES}-message transcript`, async ({
  browser,
  page,
  request,
  tmpPath
}) => {
  await streamScenario(browser, page, request, tmpPath, {
    label: '200k @ max',
    reply: longReply(200_000),
    chunkDelayMs: 0
  });
});

async function streamScenario(
  browser: Browser,
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  tmpPath: string,
  scenario: { label: string; reply: string; chunkDelayMs: number }
): Promise<void> {
  const { label, reply, chunkDelayMs } = scenario;
  await setScenario(request, {
    replies: {
      coder: [{ content: reply, chunkDelayMs }],
      critic: [criticReply([9, 9, 9, 9, 9, 9], ['None.'])]
    }
  });
  const record = buildRecord(MESSAGES);
  await page.contents.uploadFile(CARS_CSV, `${tmpPath}/cars.csv`);
  expect(
    await page.contents.uploadContent(
      JSON.stringify(buildNotebook(record)),
      'text',
      `${tmpPath}/${NOTEBOOK}`
    )
  ).toBe(true);

  // The sidebar is open before the notebook, so restoring renders into it.
  await page.sidebar.openTab('agent-team-sidebar');
  await widenSidebar(page);
  const title = await page
    .locator(`${SIDEBAR} .jp-AgentTeam-Title`)
    .boundingBox();
  if (!title) {
    throw new Error('the sidebar has no title to click');
  }

  // Galata's page is a proxy; tracing needs Playwright's own page.
  await browser.startTracing((page as unknown as { page: Page }).page, {
    categories: TRACE_CATEGORIES
  });
  // The Coder's call through the Jupyter server: when its bytes came and went.
  const network: { start: number; end: number }[] = [];
  page.on('requestfinished', finished => {
    if (
      finished.url().includes('/agent-team/v1/chat/completions') &&
      finished.headers()['x-agent-team-agent'] === 'coder'
    ) {
      const timing = finished.timing();
      network.push({
        start: timing.startTime + timing.responseStart,
        end: timing.startTime + timing.responseEnd
      });
    }
  });

  await page.evaluate(installProbe);
  const openedAt = await page.evaluate(async path => {
    const at = performance.now();
    await window.jupyterapp.commands.execute('docmanager:open', { path });
    return at;
  }, `${tmpPath}/${NOTEBOOK}`);
  await waitForMark(page, 'restored');
  const restoredEnd = await settle(page);
  const shown =
    (await page.locator(`${SIDEBAR} .jp-AgentTeam-Message`).count()) +
    (await summaries(page).count());
  const summariesBefore = await summaries(page).count();
  await expect
    .poll(() => kernelStatus(page, NOTEBOOK), { timeout: 120_000 })
    .toBe('idle');
  // What the page costs doing nothing, to compare the windows with.
  const idleFrom = await page.evaluate(() => performance.now());
  await page.waitForTimeout(IDLE_MS);
  const idleTo = await page.evaluate(() => performance.now());

  await page.locator(`${SIDEBAR} .jp-AgentTeam-RerunButton`).click();
  const first = await waitForMark(page, 'first');
  const end = await waitForMark(page, 'end');

  // Responsiveness right after the reply's end: a round trip, then a click.
  let since = Date.now();
  await page.evaluate(() => 0);
  const evaluateMs = Date.now() - since;
  since = Date.now();
  await page.mouse.click(title.x + 10, title.y + title.height / 2);
  const clickAckMs = Date.now() - since;

  await page.evaluate(
    until =>
      new Promise(resolve => setTimeout(resolve, until - performance.now())),
    end + AFTER_END_MS
  );
  // The rest of the cycle (cells, Critic) must really happen, or the figures mean little.
  await expect(summaries(page)).toHaveCount(summariesBefore + 1, {
    timeout: 180_000
  });
  const reason = await summaries(page).last().getAttribute('data-reason');
  const data = await page.evaluate(() => {
    const probe = (
      window as unknown as { benchProbe: IProbeData & { stop(): void } }
    ).benchProbe;
    probe.stop();
    return {
      frames: probe.frames,
      longTasks: probe.longTasks,
      clicks: probe.clicks,
      marks: probe.marks,
      timeOrigin: probe.timeOrigin,
      clock: probe.clock
    };
  });
  const trace = await browser.stopTracing();
  if (TRACE_DIR) {
    // Opens in the Performance panel of Chrome's DevTools.
    const file = path.join(
      TRACE_DIR,
      `streaming-${label.replace(/\W+/g, '-')}.json`
    );
    fs.mkdirSync(TRACE_DIR, { recursive: true });
    fs.writeFileSync(file, trace);
    notes.push(`trace written to ${file}`);
  }
  const thread = mainThread(JSON.parse(trace.toString()), data.clock);

  const windows: [string, number, number][] = [
    ['open + restore', openedAt, restoredEnd],
    ['idle, before rerun', idleFrom, idleTo],
    ['streaming', first, end],
    [`${AFTER_END_MS / 1000} s after end`, end, end + AFTER_END_MS]
  ];
  for (const [name, from, to] of windows) {
    rows.push(windowRow(label, name, data, from, to, thread));
  }

  const click = data.clicks[data.clicks.length - 1];
  const coderCall = network[0];
  const pageEnd = data.timeOrigin + end;
  const chunks = Math.ceil(reply.length / CHUNK_CHARS);
  // Main-thread time the stream cost beyond what the idle page spends anyway.
  const perChunk =
    ((busyIn(thread, first, end).share -
      busyIn(thread, idleFrom, idleTo).share) *
      (end - first)) /
    chunks;
  notes.push(
    `${label}: reply ${reply.length.toLocaleString('en')} characters in ${chunks.toLocaleString('en')} chunks, chunkDelayMs ${chunkDelayMs}`,
    `  restore            ${shown} messages shown; Rerun offered ${ms((data.marks.restored ?? openedAt) - openedAt)} after open, quiet after ${ms(restoredEnd - openedAt)}`,
    `  click → 1st token  ${ms(first - clickTime(data, first))}`,
    `  1st → last token   ${ms(end - first)} in the page` +
      (coderCall
        ? `; network ${ms(coderCall.end - coderCall.start)} first byte to last; page end − last byte ${ms(pageEnd - coderCall.end)}`
        : ''),
    `  cost per chunk     ${perChunk.toFixed(1)} ms of main-thread time beyond the idle page's`,
    `  after the end      evaluate round trip ${ms(evaluateMs)}; click acknowledged ${ms(clickAckMs)}` +
      (click
        ? `, handled ${ms(click.handled - click.timeStamp)} after input, next frame ${click.nextFrame === null ? '–' : ms(click.nextFrame - click.timeStamp)} after input`
        : ', no click seen by the page'),
    `  cycle ended        ${reason}`
  );
  expect(shown).toBe(MESSAGES);
}

/* ------------------------------------------------------------ the probe */

/**
 * Runs in the page: long tasks, every animation frame, clicks, and when the
 * Rerun button shows, the Coder's first token shows and its reply ends. The
 * checks run once a frame, so a blocked frame delays them as it delays the user.
 */
function installProbe(): void {
  const waiters: Record<string, (at: number) => void> = {};
  const promises: Record<string, Promise<number>> = {};
  const marks: Record<string, number | null> = {
    restored: null,
    first: null,
    end: null
  };
  for (const name of Object.keys(marks)) {
    promises[name] = new Promise(resolve => (waiters[name] = resolve));
  }
  const mark = (name: string, at: number) => {
    if (marks[name] === null) {
      marks[name] = at;
      waiters[name](at);
    }
  };
  const frames: number[] = [];
  const longTasks: { start: number; duration: number }[] = [];
  const clicks: {
    timeStamp: number;
    handled: number;
    nextFrame: number | null;
  }[] = [];
  const observer = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  });
  observer.observe({ type: 'longtask' });
  let running = true;
  // Live collections: a selector query over 500 rendered messages each frame
  // would itself cost the page about half a millisecond a frame.
  const rerunButtons = document.getElementsByClassName(
    'jp-AgentTeam-RerunButton'
  );
  const streamingTexts = document.getElementsByClassName(
    'jp-AgentTeam-StreamingText'
  );
  const tick = (at: number) => {
    frames.push(at);
    if (rerunButtons.length > 0) {
      mark('restored', at);
    }
    const streaming = Array.from(streamingTexts).find(
      node =>
        node.closest('.jp-AgentTeam-Message')?.getAttribute('data-agent') ===
        'coder'
    );
    if (streaming && marks.first === null && streaming.textContent) {
      mark('first', at);
    } else if (!streaming && marks.first !== null) {
      mark('end', at);
    }
    if (running) {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
  document.addEventListener(
    'click',
    event => {
      const click = {
        timeStamp: event.timeStamp,
        handled: performance.now(),
        nextFrame: null as number | null
      };
      clicks.push(click);
      requestAnimationFrame(() => (click.nextFrame = performance.now()));
    },
    true
  );
  // Ties the trace's clock to the page's.
  const clock = performance.mark('bench-clock').startTime;
  (window as unknown as { benchProbe: unknown }).benchProbe = {
    clock,
    frames,
    longTasks,
    clicks,
    marks,
    promises,
    timeOrigin: performance.timeOrigin,
    stop: () => {
      running = false;
      observer.disconnect();
    }
  };
}

/** Resolves with the page time of the mark once the probe has seen it. */
function waitForMark(
  page: IJupyterLabPageFixture,
  name: 'restored' | 'first' | 'end'
): Promise<number> {
  return page.evaluate(
    name =>
      (
        window as unknown as {
          benchProbe: { promises: Record<string, Promise<number>> };
        }
      ).benchProbe.promises[name],
    name
  );
}

/**
 * Markdown renders after React does, so restoring goes on after the Rerun
 * button shows: wait for two seconds without a long task. Resolves with the
 * page time the last restoring work ended.
 */
function settle(page: IJupyterLabPageFixture): Promise<number> {
  return page.evaluate(async () => {
    const probe = (window as unknown as { benchProbe: IProbeData }).benchProbe;
    const started = performance.now();
    const lastEnd = () =>
      Math.max(
        probe.marks.restored ?? 0,
        ...probe.longTasks.map(task => task.start + task.duration)
      );
    while (
      performance.now() - Math.max(lastEnd(), started) < 2000 &&
      performance.now() - started < 120_000
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return lastEnd();
  });
}

function clickTime(data: IProbeData, before: number): number {
  const clicks = data.clicks.filter(click => click.timeStamp < before);
  return clicks.length ? clicks[clicks.length - 1].timeStamp : before;
}

/* ---------------------------------------------------------- the figures */

/**
 * The renderer's main thread as the trace saw it, in page time: the thread
 * and the clock offset come from the `bench-clock` mark the probe made.
 */
function mainThread(
  trace: { traceEvents: ITraceEvent[] },
  clock: number
): IMainThread {
  const events = trace.traceEvents;
  const mark = events.find(event => event.name === 'bench-clock');
  if (!mark) {
    throw new Error('the trace has no bench-clock mark');
  }
  const main =
    events.find(
      event =>
        event.ph === 'M' &&
        event.name === 'thread_name' &&
        event.pid === mark.pid &&
        event.args?.name === 'CrRendererMain'
    )?.tid ?? mark.tid;
  const offset = mark.ts / 1000 - clock;
  // Chromium writes these slices as complete ('X') events.
  const spans = (wanted: (event: ITraceEvent) => boolean) => {
    const found: [number, number][] = [];
    for (const event of events) {
      if (
        event.pid === mark.pid &&
        event.tid === main &&
        event.ph === 'X' &&
        event.dur !== undefined &&
        wanted(event)
      ) {
        const at = event.ts / 1000 - offset;
        found.push([at, at + event.dur / 1000]);
      }
    }
    return merge(found);
  };
  return {
    // Not only tasks: a microtask checkpoint after one is a top-level slice too.
    tasks: spans(event => event.cat.split(',').includes('toplevel')),
    script: spans(event => SCRIPT_EVENTS.has(event.name)),
    layout: spans(event => LAYOUT_EVENTS.has(event.name)),
    paint: spans(event => PAINT_EVENTS.has(event.name))
  };
}

function merge(spans: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/** How much of [from, to] the merged spans cover, in ms. */
function covered(spans: [number, number][], from: number, to: number): number {
  return spans.reduce(
    (sum, [start, end]) =>
      sum + Math.max(0, Math.min(end, to) - Math.max(start, from)),
    0
  );
}

/** Main-thread time in a window: layout first, paint next, script for what remains of it. */
function busyIn(thread: IMainThread, from: number, to: number): IBusy {
  const layoutMs = covered(thread.layout, from, to);
  const layoutAndPaint = merge([...thread.layout, ...thread.paint]);
  const paintMs = covered(layoutAndPaint, from, to) - layoutMs;
  const all = merge([...layoutAndPaint, ...thread.script]);
  return {
    share: covered(thread.tasks, from, to) / (to - from),
    scriptMs: covered(all, from, to) - layoutMs - paintMs,
    layoutMs,
    paintMs
  };
}

function windowRow(
  scenario: string,
  window: string,
  data: IProbeData,
  from: number,
  to: number,
  thread: IMainThread
): IWindowRow {
  const frames = data.frames.filter(at => at >= from && at <= to);
  const intervals = frames
    .slice(1)
    .map((at, i) => at - frames[i])
    .sort((a, b) => a - b);
  const tasks = data.longTasks.filter(
    task => task.start >= from && task.start < to
  );
  const quantile = (q: number) =>
    intervals.length
      ? intervals[
          Math.min(intervals.length - 1, Math.ceil(q * intervals.length) - 1)
        ]
      : 0;
  return {
    scenario,
    window,
    ms: to - from,
    busy: busyIn(thread, from, to),
    frames: frames.length,
    median: quantile(0.5),
    p95: quantile(0.95),
    max: intervals.length ? intervals[intervals.length - 1] : 0,
    over50: intervals.filter(interval => interval > 50).length,
    longTasks: tasks.length,
    longest: Math.max(0, ...tasks.map(task => task.duration)),
    tbt: tasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0)
  };
}

function table(rows: IWindowRow[]): string[] {
  const header = [
    'scenario',
    'window',
    'ms',
    'busy',
    ...(TRACE_DIR ? ['script ms', 'layout ms', 'paint ms'] : []),
    'frames',
    'median',
    'p95',
    'max',
    '>50ms',
    'long tasks',
    'longest',
    'TBT ms'
  ];
  const cells = rows.map(row => [
    row.scenario,
    row.window,
    row.ms.toFixed(0),
    `${(row.busy.share * 100).toFixed(0)}%`,
    ...(TRACE_DIR
      ? [
          row.busy.scriptMs.toFixed(0),
          row.busy.layoutMs.toFixed(0),
          row.busy.paintMs.toFixed(0)
        ]
      : []),
    String(row.frames),
    row.median.toFixed(1),
    row.p95.toFixed(1),
    row.max.toFixed(0),
    String(row.over50),
    String(row.longTasks),
    row.longest.toFixed(0),
    row.tbt.toFixed(0)
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map(cell => cell[i].length))
  );
  const line = (cell: string[]) =>
    cell
      .map((value, i) =>
        i < 2 ? value.padEnd(widths[i]) : value.padStart(widths[i])
      )
      .join('  ');
  return [
    'busy: share of the window the renderer main thread ran tasks (trace); frame intervals in ms',
    '(median, p95, max, >50ms) from requestAnimationFrame; long tasks ≥ 50 ms; TBT: sum of (duration − 50 ms)',
    ...(TRACE_DIR
      ? [
          'script (with microtasks, GC, HTML parsing), layout (with style, hit tests) and paint (pre-paint to',
          'commit) split the busy time; detailed tracing adds about a tenth to it'
        ]
      : []),
    '',
    line(header),
    line(widths.map(width => '-'.repeat(width))),
    ...cells.map(line)
  ];
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

/* ------------------------------------------------- the notebook and run */

/** A notebook next to cars.csv: one cell of the user's, the team's two, and the run's record. */
function buildNotebook(record: TeamRun.IRecord): unknown {
  const code = (id: string, source: string, metadata: object) => ({
    cell_type: 'code',
    id,
    metadata,
    source,
    outputs: [],
    execution_count: null
  });
  return {
    cells: [
      code('bench-user-cell', "answer = 42  # the user's own cell", {}),
      ...record.cells.map(cell =>
        code(cell.id, cell.source, {
          agent_team: { run: record.id, round: record.round, agent: 'coder' }
        })
      )
    ],
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3 (ipykernel)',
        language: 'python'
      },
      language_info: { name: 'python' },
      agent_team: { runs: [record] }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}

/**
 * An ended run of `total` messages, as the product keeps it: cycles of
 * Coder drafts, cell reports and critiques (now and then a draft that
 * raised), each cycle closed by a summary and the next opened by a rerun.
 */
function buildRecord(total: number): TeamRun.IRecord {
  const messages: TeamRun.IMessage[] = [];
  const usage = { modelCalls: 0, promptTokens: 0, completionTokens: 0 };
  let round = 0;
  let executionCount = 0;
  let latest: TeamRun.ICritiqueResult | null = null;
  let plot = plotCell(0);
  const post = (
    message: Omit<TeamRun.IMessage, 'id' | 'streaming' | 'failed'>
  ) =>
    messages.push({
      id: `bench-message-${String(messages.length + 1).padStart(4, '0')}`,
      streaming: false,
      failed: false,
      ...message
    });
  const report = (
    number: number,
    status: TeamRun.CellStatus,
    output: string,
    plots = 0
  ): TeamRun.ICellReport => ({
    cellId: TEAM_CELL_IDS[number - 1],
    number,
    executionCount: ++executionCount,
    status,
    output,
    outputs: 1,
    plots
  });

  post({ agent: 'user_proxy', kind: 'task', round: 0, text: TASK });
  for (let cycle = 0; ; cycle++) {
    // Each round: draft, cell reports, critique; a draft that raised has no critique.
    const opening = cycle > 0 ? 1 : 0;
    const left = total - messages.length - opening - 1;
    let plan: ('ok' | 'error')[];
    let last = false;
    if (left > 21) {
      plan = cycle % 3 === 1 ? ['error', 'ok', 'ok', 'ok'] : ['ok', 'ok', 'ok'];
    } else {
      // Fill exactly: 3 messages per scored round, 2 per failed one.
      const failed = [0, 2, 1][left % 3];
      plan = [
        ...Array<'error'>(failed).fill('error'),
        ...Array<'ok'>((left - 2 * failed) / 3).fill('ok')
      ];
      last = true;
    }
    if (opening) {
      post({
        agent: 'user_proxy',
        kind: 'rerun',
        round,
        text: cycle % 4 === 0 ? 'Use a log scale for weight if it helps.' : ''
      });
    }
    const started = usage.modelCalls;
    for (const kind of plan) {
      round += 1;
      usage.modelCalls += 1;
      usage.promptTokens += 1400 + 37 * (round % 11);
      usage.completionTokens += 260 + 13 * (round % 7);
      plot = kind === 'error' ? buggyPlotCell(round) : plotCell(round);
      post({
        agent: 'coder',
        kind: 'code',
        round,
        text: coderText(round, plot, kind === 'error')
      });
      post({
        agent: 'user_proxy',
        kind: 'execution',
        round,
        text: '',
        cells: [
          report(1, 'ok', FIELDS_OUTPUT),
          kind === 'error'
            ? report(2, 'error', KEY_ERROR)
            : report(2, 'ok', '<Figure size 700x500 with 1 Axes>', 1)
        ]
      });
      if (kind === 'error') {
        continue;
      }
      usage.modelCalls += 1;
      usage.promptTokens += 1900 + 41 * (round % 13);
      usage.completionTokens += 310 + 17 * (round % 5);
      const critique = critiqueOf(round);
      post({
        agent: 'critic',
        kind: 'critique',
        round,
        text: critique.text,
        // Kept compactly: the Critic's words are the message's text.
        critique: { ...critique, text: '' },
        previousCritique: latest && { ...latest, text: '' },
        scored: { sources: [LOAD_CELL, plot], plot: null }
      } as Omit<TeamRun.IMessage, 'id' | 'streaming' | 'failed'>);
      latest = critique;
    }
    post({
      agent: 'user_proxy',
      kind: 'summary',
      round,
      text: '',
      summary: {
        reason: 'revisions-used',
        detail: '',
        rounds: round,
        critique: latest,
        threshold: 8,
        interruptedCell: null,
        usage: { ...usage },
        seconds: 20 + 9 * (usage.modelCalls - started)
      }
    });
    if (last) {
      break;
    }
  }
  return {
    version: 1,
    id: RUN_ID,
    task: TASK,
    startedAt: '2026-01-12T09:30:00.000Z',
    round,
    usage,
    latestCritique: latest,
    cells: [
      { id: TEAM_CELL_IDS[0], source: LOAD_CELL, output: FIELDS_OUTPUT },
      {
        id: TEAM_CELL_IDS[1],
        source: plot,
        output: '<Figure size 700x500 with 1 Axes>'
      }
    ],
    messages
  };
}

const FIELDS_OUTPUT =
  "['Name', 'Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration', 'Year', 'Origin']";

const KEY_ERROR = [
  '---------------------------------------------------------------------------',
  'KeyError                                  Traceback (most recent call last)',
  'File .venv/lib/python3.11/site-packages/pandas/core/indexes/base.py:3805, in Index.get_loc(self, key)',
  '   3804 try:',
  '-> 3805     return self._engine.get_loc(casted_key)',
  "KeyError: 'Weight'",
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'KeyError                                  Traceback (most recent call last)',
  'Cell In[3], line 2',
  "      1 data = cars.dropna(subset=['Weight', 'Horsepower'])",
  "----> 2 plt.scatter(data['Weight'], data['Horsepower'])",
  "KeyError: 'Weight'"
].join('\n');

const COLORMAPS = ['viridis', 'plasma', 'cividis', 'magma'];

function plotCell(round: number): string {
  return [
    "data = cars.dropna(subset=['Weight_in_lbs', 'Horsepower'])",
    `fig, ax = plt.subplots(figsize=(${6 + (round % 3)}, 5))`,
    "points = ax.scatter(data['Weight_in_lbs'], data['Horsepower'],",
    `                    c=data['Cylinders'], cmap='${COLORMAPS[round % COLORMAPS.length]}', alpha=${(0.5 + (round % 4) / 10).toFixed(1)})`,
    "fig.colorbar(points, ax=ax, label='Cylinders')",
    "ax.set_xlabel('Weight (lbs)')",
    "ax.set_ylabel('Horsepower')",
    "ax.set_title('Heavier cars have more horsepower')",
    round % 2
      ? "ax.grid(True, linestyle=':', alpha=0.5)"
      : 'ax.set_xscale("log")',
    `fig.savefig('${PLOT_FILE}', dpi=100, bbox_inches='tight')`,
    'plt.show()'
  ].join('\n');
}

function buggyPlotCell(round: number): string {
  return [
    "data = cars.dropna(subset=['Weight', 'Horsepower'])",
    "plt.scatter(data['Weight'], data['Horsepower'])",
    `plt.title('Weight and horsepower (draft ${round})')`,
    `plt.savefig('${PLOT_FILE}')`,
    'plt.show()'
  ].join('\n');
}

const CODER_PROSE = [
  'Revised from the critique: the axes now carry their units, the colour encodes the number of cylinders, and the title states the relationship rather than the variables.',
  'I kept the loading cell as it is, since its output shows the field names the plot needs; the plot cell drops the rows without weight or horsepower first.',
  'Both fields are quantitative, so a scatter plot stays the right choice; I added a light grid and a colour bar so that the cylinder groups can be read.',
  'The earlier draft used a column that does not exist; this one uses `Weight_in_lbs` as the printed fields show, and saves the figure before `plt.show()`.'
];

function coderText(round: number, plot: string, buggy: boolean): string {
  const prose = [
    CODER_PROSE[round % CODER_PROSE.length],
    buggy
      ? 'This draft plots weight against horsepower directly.'
      : `Draft ${round}: the figure is saved to \`${PLOT_FILE}\` at 100 dpi.`
  ].join(' ');
  return coderReply(prose, [LOAD_CELL, plot]);
}

const ACTIONS = [
  'Label the x axis with the unit (lbs) and the y axis',
  'Add a title that states the relationship',
  'Use a colour-blind-safe palette for the cylinder groups',
  'Reduce overplotting with a lower alpha or smaller markers',
  'Move the legend outside the points',
  'Annotate the strongest outliers with the car names'
];

const RATIONALES: Record<(typeof DIMENSIONS)[number], string> = {
  bugs: 'the code runs and saves the plot.',
  transformation: 'rows with missing values are dropped.',
  compliance: 'fields are printed first and the plot is saved.',
  type: 'a scatter plot suits two quantitative fields.',
  encoding: 'weight on x, horsepower on y, cylinders as colour.',
  aesthetics: 'readable, though the points overlap in the middle.'
};

function critiqueOf(round: number): TeamRun.ICritiqueResult {
  const values = [9, 8, 9, 9, 8, 5 + (round % 3)] as [
    number,
    number,
    number,
    number,
    number,
    number
  ];
  const actions = [0, 1, 2].map(i => ACTIONS[(round + i) % ACTIONS.length]);
  const scores = Object.fromEntries(
    DIMENSIONS.map((dimension, i) => [dimension, values[i]])
  );
  return {
    scores,
    rationales: { ...RATIONALES },
    actions,
    lowest: Math.min(...values),
    missing: [],
    terminate: false,
    text: criticReply(values, actions)
  };
}

/* ------------------------------------------------------------ the reply */

const REPLY_CELL = `import pandas as pd

cars = pd.read_csv('cars.csv')
print(cars.columns.tolist())
data = cars.dropna(subset=['Weight_in_lbs', 'Horsepower'])
by_origin = data.groupby('Origin')[['Weight_in_lbs', 'Horsepower']]
print(by_origin.agg(['mean', 'median', 'count']).round(1))
print(data[['Weight_in_lbs', 'Horsepower']].corr().round(3))`;

const REPLY_PROSE = [
  '### What the critique asked for\n\nThe Critic scored the aesthetics lowest: the points overlap in the middle of the range, the axes lacked units and the title named the variables instead of the finding. The revision below keeps the data handling, which scored well, and changes only what the figure shows and how.',
  "- **Units on both axes**: weight is in pounds (`Weight_in_lbs`), horsepower is the engine's rated output.\n- **A title that states the finding**: heavier cars have more horsepower, with a few light, powerful exceptions.\n- **Less overplotting**: smaller markers with some transparency, so dense regions read as darker.",
  'Before plotting, the rows without a weight or a horsepower are dropped; there are six cars without a horsepower figure in this data set, all of them small European and Japanese models from the early seventies, so dropping them does not bias the relationship much.',
  '### Why a scatter plot\n\nBoth fields are quantitative and the question is about their relationship, so position on two axes is the most precise encoding available. A hexbin would help with thousands of points; with about four hundred cars, transparency is enough and keeps single outliers visible.',
  'The summary by origin printed below gives the numbers behind the picture: American cars are on average about a thousand pounds heavier and correspondingly more powerful, which is most of the correlation the plot shows. The correlation coefficient is printed too, so the claim in the title can be checked against it.',
  '1. Load the data and print the fields, as the task asks.\n2. Drop the incomplete rows and summarise weight and horsepower by origin.\n3. Print the correlation, then draw the plot in the next revision if the numbers hold up.'
];

/** A Coder reply of at least `chars` characters: prose, one ```python block halfway, more prose. */
function longReply(chars: number): string {
  const parts: string[] = [];
  let length = 0;
  let block = false;
  for (let i = 0; length < chars; i++) {
    const part: string =
      !block && length >= chars / 2
        ? '```python\n' + REPLY_CELL + '\n```'
        : REPLY_PROSE[i % REPLY_PROSE.length];
    block ||= part.startsWith('```');
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join('\n\n');
}
