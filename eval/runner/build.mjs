/**
 * Bundles the evaluation runner (main.ts and the team core it drives) into one
 * file for Node, shipped inside the Python package so an installed wheel can
 * run it without node_modules.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { rspack } from '@rspack/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const config = {
  mode: 'production',
  target: 'node20',
  context: root,
  entry: path.join(here, 'main.ts'),
  output: {
    path: path.join(root, 'jupyterlab_agent_team', 'evaluation'),
    filename: 'runner.js',
    clean: false
  },
  resolve: { extensions: ['.ts', '.js', '.json'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        loader: 'builtin:swc-loader',
        options: {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }
        },
        type: 'javascript/auto'
      }
    ]
  },
  // ws speeds itself up with these native modules when they are installed.
  externals: {
    bufferutil: 'commonjs bufferutil',
    'utf-8-validate': 'commonjs utf-8-validate'
  },
  optimization: { minimize: true },
  devtool: false,
  performance: { hints: false }
};

rspack(config, (error, stats) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  for (const warning of info.warnings ?? []) {
    console.warn(warning.message);
  }
  if (stats.hasErrors()) {
    for (const problem of info.errors ?? []) {
      console.error(problem.message);
    }
    process.exit(1);
  }
  const file = path.join(config.output.path, config.output.filename);
  console.log(`eval runner: ${path.relative(root, file)}`);
});
