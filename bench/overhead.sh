#!/usr/bin/env bash
# Orchestration time per round with a model and a kernel that answer at once
# (median and p95, pipeline and auto selection). Prints figures; BENCH_RUNS=n.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec npx jest --testRegex 'bench/overhead\.bench\.ts$' --silent=false --verbose=false
