#!/usr/bin/env bash
# Streaming benchmark: a real JupyterLab, kernel and scripted model server, and
# headless Chromium, as the UI tests use them. Prints figures; takes minutes.
# Usage (from anywhere): bash bench/streaming.sh [playwright test options]
# Share the UI tests' ports with others: flock /tmp/agent-team-ui.lock bash bench/streaming.sh
# BENCH_MESSAGES=n: transcript length (500); BENCH_TRACE_DIR=dir: detailed traces
# and a script/layout/paint split; BENCH_SERVER_LOGS=1: show the servers' logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PLAYWRIGHT="$ROOT/ui-tests/node_modules/.bin/playwright"
if [ ! -x "$PLAYWRIGHT" ] || [ ! -x "$ROOT/.venv/bin/jupyter" ]; then
  echo "bench: run bash scripts/test.sh once first (it sets up .venv and ui-tests/node_modules)" >&2
  exit 1
fi
# Playwright would reuse a server already on these ports, e.g. one without the test configuration.
for port in 8888 8911 8912; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: port $port is in use; the benchmark starts its own servers there." >&2
    exit 1
  fi
done

# The spec lives outside ui-tests but imports Galata from there.
export NODE_PATH="$ROOT/ui-tests/node_modules"
export PATH="$ROOT/.venv/bin:$PATH"
exec "$PLAYWRIGHT" test --config bench/playwright.config.js "$@"
