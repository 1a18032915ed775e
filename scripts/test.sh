#!/usr/bin/env bash
# Run every test: set up the environment, then the linters (prettier, ESLint, tsc,
# ruff), the TypeScript unit tests (jest), the Python tests (pytest) and the browser
# tests (Galata/Playwright) against a real JupyterLab with the extension installed.
# Stops at the first failing stage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
# Ports the UI tests' servers listen on (ui-tests/playwright.config.js).
UI_TEST_PORTS=(8888 8911 8912)

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/agent-team-tests.XXXXXX")"
trap 'rm -rf "$LOG_DIR"' EXIT

SUMMARY=()

header() {
  printf '\n==== %s ====\n' "$*"
}

print_summary() {
  printf '\n'
  if [ "${#SUMMARY[@]}" -gt 0 ]; then
    local line
    line="$(printf '%s; ' "${SUMMARY[@]}")"
    printf 'summary: %s\n' "${line%; }"
  fi
}

# Strip colour codes so the counts can be parsed from any runner's output.
plain() { sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1"; }

# run_stage NAME COUNT_FUNCTION COMMAND...: runs COMMAND with its output shown and
# logged, records "NAME passed (counts)" or stops the whole run on failure.
run_stage() {
  local name="$1" counter="$2"
  shift 2
  local log="$LOG_DIR/$name.log" status=0
  "$@" 2>&1 | tee "$log" || status=$?
  if [ "$status" -ne 0 ]; then
    SUMMARY+=("$name FAILED (exit $status)")
    print_summary
    echo "test: stage '$name' failed with exit code $status" >&2
    exit "$status"
  fi
  SUMMARY+=("$name passed$("$counter" "$log")")
}

jest_counts() {
  local line
  line="$(plain "$1" | grep -E '^Tests:' | tail -n 1 | sed 's/^Tests: *//' || true)"
  [ -n "$line" ] && printf ' (%s)' "$line"
  return 0
}

pytest_counts() {
  local line
  line="$(plain "$1" | grep -E '[0-9]+ passed' | tail -n 1 |
    sed -E 's/^=+ *//; s/ *=+$//; s/ in [0-9.]+s.*$//' || true)"
  [ -n "$line" ] && printf ' (%s)' "$line"
  return 0
}

playwright_counts() {
  local counts
  counts="$(plain "$1" | grep -E '^ *[0-9]+ (passed|failed|flaky|skipped|did not run)' |
    sed -E 's/^ *//; s/ \([^)]*\)$//' | paste -sd, - | sed 's/,/, /g' || true)"
  [ -n "$counts" ] && printf ' (%s)' "$counts"
  return 0
}

header "setup"
bash scripts/setup.sh
bash scripts/install-chromium.sh

header "1/4 Lint (prettier, ESLint, tsc; ruff)"
# Chained with &&: inside run_stage's pipeline `set -e` does not stop a function.
lint_stage() {
  npm run --silent lint && "$VENV/bin/ruff" check .
}
no_counts() { return 0; }
run_stage lint no_counts lint_stage

header "2/4 TypeScript unit tests (jest)"
run_stage jest jest_counts npx jest

header "3/4 Python tests (pytest)"
pytest_stage() {
  local status=0
  "$VENV/bin/python" -m pytest -q || status=$?
  if [ "$status" -eq 5 ]; then
    # A test command that runs nothing hides a broken test setup.
    echo "test: pytest collected no tests (exit code 5); expected tests in jupyterlab_agent_team/tests" >&2
    return 1
  fi
  return "$status"
}
run_stage pytest pytest_counts pytest_stage

header "4/4 UI tests (Galata / Playwright)"
cd "$ROOT/ui-tests"
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test: npm ci (ui-tests)"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Playwright would reuse any server already on these ports (outside CI), e.g. a
# JupyterLab started by scripts/lab.sh, which lacks the test configuration.
for port in "${UI_TEST_PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    SUMMARY+=("ui-tests FAILED (port $port busy)")
    print_summary
    echo "test: port $port is in use; the UI tests start their own servers there." >&2
    echo "      Stop whatever listens on it (e.g. a JupyterLab from scripts/lab.sh," >&2
    echo "      or a test server left running) and retry." >&2
    exit 1
  fi
done
run_stage ui-tests playwright_counts env PATH="$VENV/bin:$PATH" npx playwright test
cd "$ROOT"

print_summary
# One plain closing line over every stage, for readers that count results.
passed=$(
  {
    plain "$LOG_DIR/jest.log" | grep -E '^Tests:' | tail -n 1 | grep -oE '[0-9]+ passed'
    plain "$LOG_DIR/pytest.log" | grep -E '[0-9]+ passed' | tail -n 1 | grep -oE '[0-9]+ passed'
    plain "$LOG_DIR/ui-tests.log" | grep -E '^ *[0-9]+ passed' | tail -n 1 | grep -oE '[0-9]+ passed'
  } | awk '{ total += $1 } END { print total + 0 }'
)
echo "test: all stages passed"
echo "${passed} passed, 0 failed"
