/**
 * Playwright configuration for the Galata UI tests.
 *
 * Playwright starts two servers before the tests and stops them afterwards:
 * the scripted OpenAI-compatible server (stands in for a model) and JupyterLab
 * from the project's .venv (put first on PATH by scripts/test.sh), configured
 * to forward model requests to the scripted server.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Playwright cannot download its own browsers here; use the distribution's Chromium
// (scripts/install-chromium.sh). CHROMIUM_PATH lets other machines point elsewhere.
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const SCRIPTED_OPENAI_PORT = 8911;
// A second model server, the endpoint an agent falls back to.
const BACKUP_OPENAI_PORT = 8912;

module.exports = {
  ...baseConfig,
  testDir: './tests',
  // Kernel start-up and the first pandas/matplotlib import are slow on small machines.
  timeout: 120 * 1000,
  expect: { timeout: 30 * 1000 },
  workers: 1,
  retries: 0,
  // A plain list in logs; the HTML report is written but never served (that would block).
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    // Video recording needs Playwright's own ffmpeg, which is not installed.
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: [
    {
      command: `node ../test/scripted-openai-server.js --port ${SCRIPTED_OPENAI_PORT}`,
      url: `http://127.0.0.1:${SCRIPTED_OPENAI_PORT}/v1/models`,
      timeout: 30 * 1000,
      reuseExistingServer: !process.env.CI,
      stdout: 'pipe',
      stderr: 'pipe'
    },
    {
      command: `node ../test/scripted-openai-server.js --port ${BACKUP_OPENAI_PORT}`,
      url: `http://127.0.0.1:${BACKUP_OPENAI_PORT}/v1/models`,
      timeout: 30 * 1000,
      reuseExistingServer: !process.env.CI,
      stdout: 'pipe',
      stderr: 'pipe'
    },
    {
      command: 'jupyter lab --config jupyter_server_test_config.py',
      url: 'http://localhost:8888/lab',
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI,
      env: {
        ...process.env,
        OPENAI_BASE_URL: `http://127.0.0.1:${SCRIPTED_OPENAI_PORT}/v1`,
        OPENAI_API_KEY: 'sk-ui-test-secret',
        AGENT_TEAM_MODEL: 'scripted-model'
      }
    }
  ]
};
