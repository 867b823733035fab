#!/usr/bin/env bash
# Set up, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m ruff check src tests benchmarks examples tools
.venv/bin/python -m mypy
LAMINA_BACKEND=torch .venv/bin/python -m pytest -q -p no:cacheprovider tests
