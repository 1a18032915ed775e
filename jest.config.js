const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

// ESM-only packages that ts-jest must transform.
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyterlab/',
  '@marijn',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/*.d.ts'],
  coverageReporters: ['lcov', 'text'],
  testRegex: 'test/.*\\.spec\\.ts$',
  transform: {
    '\\.[jt]sx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    // @jupyterlab/ui-components imports its icons as .svg modules.
    '\\.svg$': '@jupyterlab/testing/lib/jest-raw-loader.js'
  },
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`],
  modulePathIgnorePatterns: [
    '<rootDir>/jupyterlab_agent_team/labextension',
    '<rootDir>/ui-tests',
    '<rootDir>/.venv'
  ]
};
