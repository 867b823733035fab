#!/usr/bin/env bash
# Set up, then fuzz the model-file loaders (tests/saving/test_fuzz.py) with a long budget:
# LAMINA_FUZZ_EXAMPLES examples per test (5000 unless set), on LAMINA_BACKEND (torch unless
# set). The suite runs the same tests with a short budget.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LAMINA_FUZZ_EXAMPLES="${LAMINA_FUZZ_EXAMPLES:-5000}"
export LAMINA_BACKEND="${LAMINA_BACKEND:-torch}"
echo "== fuzzing the loaders on the $LAMINA_BACKEND engine, $LAMINA_FUZZ_EXAMPLES examples per test"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/saving/test_fuzz.py "$@"
