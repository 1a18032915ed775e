#!/usr/bin/env bash
# The evaluation harness on the scripted model: three tasks of eval/tasks/agent-team.json,
# answered by test/scripted-openai-server.js from eval/scripted/scenario.json through a
# real Jupyter server and real kernels. Prints the table of figures; fails when a check
# fails. Needs the environment of scripts/setup.sh.
# The scenario answers every task of the set, in its order, with a reference solution
# (the third after an error to fix); --all runs them all (a check of the task set).
# Usage: bash eval/scripted.sh [--all] [more options of `jupyter agent-team eval`]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The first tasks of the set, so the scenario's replies come in their order.
TASKS="cars-fields,cars-weight-horsepower,sales-monthly-revenue"
if [ "${1:-}" = "--all" ]; then
  TASKS=""
  shift
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agent-team-scripted-eval.XXXXXX")"
model_pid=""
cleanup() {
  if [ -n "$model_pid" ]; then
    kill "$model_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Port 0: the system picks a free port, and the server prints its URL.
node test/scripted-openai-server.js --port 0 --scenario eval/scripted/scenario.json \
  >"$WORK/model.log" 2>&1 &
model_pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/^scripted OpenAI server listening on //p' "$WORK/model.log")"
  [ -z "$url" ] || break
  kill -0 "$model_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "scripted eval: the scripted model server did not start:" >&2
  cat "$WORK/model.log" >&2
  exit 1
fi

mkdir "$WORK/config"
# The scripted server is the only endpoint: no key, model or Jupyter config of this machine.
env -u OPENAI_API_KEY -u AGENT_TEAM_MODEL OPENAI_BASE_URL="$url" \
  JUPYTER_CONFIG_DIR="$WORK/config" \
  "$ROOT/.venv/bin/jupyter" agent-team eval eval/tasks/agent-team.json \
  --tasks "$TASKS" --strict "$@"
