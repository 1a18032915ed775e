#!/usr/bin/env bash
# Set up (scripts/setup.sh, which returns at once when nothing changed), then start
# JupyterLab with the Agent Team extension on the example folder, opening
# example/cars_analysis.ipynb.
#
# The model server is configured through the environment of the Jupyter server:
#   OPENAI_BASE_URL   OpenAI-compatible endpoint (default: LM Studio, http://localhost:1234/v1)
#   OPENAI_API_KEY    key for that endpoint, if it needs one (stays on the server)
#   AGENT_TEAM_MODEL  model id to use (default: the model chosen in the settings,
#                     or the first one the server lists)
# Extra arguments go to `jupyter lab`, e.g. bash scripts/lab.sh --port 8889 --no-browser
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

export OPENAI_BASE_URL="${OPENAI_BASE_URL:-http://localhost:1234/v1}"
if [ -n "${OPENAI_API_KEY:-}" ]; then export OPENAI_API_KEY; fi
if [ -n "${AGENT_TEAM_MODEL:-}" ]; then export AGENT_TEAM_MODEL; fi

echo "lab: model server: $OPENAI_BASE_URL"
echo "lab: model: ${AGENT_TEAM_MODEL:-(from settings, or the first model the server lists)}"
# Only whether a key is set is shown, never the key itself.
if [ -n "${OPENAI_API_KEY:-}" ]; then
  echo "lab: API key: set (OPENAI_API_KEY)"
else
  echo "lab: API key: not set (fine for LM Studio, Ollama and most local servers)"
fi

# default_url makes both the opened page and the printed URLs show the notebook.
LAB_ARGS=(
  --ServerApp.root_dir="$ROOT/example"
  --LabApp.default_url=/lab/tree/cars_analysis.ipynb
)
# Jupyter refuses to run as root unless explicitly allowed (containers, CI).
if [ "$(id -u)" -eq 0 ]; then
  LAB_ARGS+=(--ServerApp.allow_root=True)
fi

cd "$ROOT/example"
exec "$ROOT/.venv/bin/jupyter" lab "${LAB_ARGS[@]}" "$@"
