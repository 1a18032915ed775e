/**
 * Playwright configuration for the browser benchmarks: the UI tests' servers
 * and browser, one spec (BENCH_SPEC, the streaming one by default), figures
 * on stdout and no report files.
 */
const os = require('os');
const path = require('path');

const base = require('../ui-tests/playwright.config.js');

// The servers' commands are written relative to ui-tests.
const UI_TESTS = path.resolve(__dirname, '../ui-tests');

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: process.env.BENCH_SPEC || 'streaming.spec.ts',
  // Restoring 500 messages and streaming 30 s per scenario on a small machine.
  timeout: 15 * 60 * 1000,
  reporter: [['list']],
  outputDir: path.join(os.tmpdir(), 'agent-team-bench-results'),
  use: { ...base.use, trace: 'off' },
  // Server logs would bury the figures; BENCH_SERVER_LOGS=1 shows them.
  webServer: base.webServer.map(server => ({
    ...server,
    cwd: UI_TESTS,
    stdout: process.env.BENCH_SERVER_LOGS ? 'pipe' : 'ignore',
    stderr: process.env.BENCH_SERVER_LOGS ? 'pipe' : 'ignore'
  }))
};
