#!/usr/bin/env bash
# Pipeline vs AutoGen-style auto selection on the seed task, in a real
# JupyterLab with a real kernel and the scripted model server: model calls,
# prompt characters and tokens per run. Prints figures; takes about a minute.
# Share the UI tests' ports with others: flock /tmp/agent-team-ui.lock bash bench/teams.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_SPEC=teams.spec.ts exec bash bench/streaming.sh "$@"
