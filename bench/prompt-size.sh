#!/usr/bin/env bash
# Prompt characters of the five-call seed scenario (buggy draft → fix → critique →
# revision → critique), per call and in total. The same figures print in every
# jest run (test/promptBudget.spec.ts), which also holds them to the budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec npx jest test/promptBudget.spec.ts --silent=false --verbose=false
