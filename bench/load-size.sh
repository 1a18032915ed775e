#!/usr/bin/env bash
# The extension's JavaScript a real JupyterLab in headless Chromium downloads:
# at start-up, after the sidebar first opens, after the first run, and with the
# extension disabled; raw and gzipped. Prints figures; takes about half a minute.
# Measures the extension installed in .venv: run scripts/setup.sh after a change.
# Share the UI tests' ports with others: flock /tmp/agent-team-ui.lock bash bench/load-size.sh
# BENCH_SAVE=file.json keeps the figures; BENCH_BASELINE=file.json prints kept
# figures beside the current ones (e.g. before and after a change).
set -euo pipefail
# Relative paths are the caller's.
for var in BENCH_SAVE BENCH_BASELINE; do
  if [ -n "${!var:-}" ]; then
    export "$var=$(realpath -m "${!var}")"
  fi
done
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_SPEC=load-size.spec.ts exec bash bench/streaming.sh "$@"
