#!/usr/bin/env bash
# Set up, then run the whole test suite on each engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m ruff check src tests benchmarks examples tools
.venv/bin/python -m mypy
# The same suite on every engine; NumPy skips the tests marked `training` (it cannot train).
for engine in torch jax numpy; do
  echo "== tests on the $engine engine"
  LAMINA_BACKEND=$engine .venv/bin/python -m pytest -q -p no:cacheprovider tests
done
