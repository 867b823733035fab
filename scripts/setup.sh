#!/usr/bin/env bash
# Create .venv and install Lamina with its engines (torch, JAX, TensorFlow on the CPU), test
# tools and the docs tools (the suite builds the site; idempotent). A second run with the same
# pyproject.toml, constraints and this script only checks that the engines import: the stamp
# .venv/.lamina-setup holds their fingerprint (Lamina itself is installed editable; delete
# the stamp to reinstall everything).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.lamina-setup
fingerprint=$(cat pyproject.toml .ci/constraints.txt scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ] \
  && .venv/bin/python -c "import lamina, torch, jax, tensorflow" >/dev/null 2>&1; then
  exit 0
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -c .ci/constraints.txt -e ".[torch,jax,dev,docs]" 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
# The TensorFlow engine on the CPU: tensorflow-cpu provides the `tensorflow` module (the
# `tensorflow` extra would pull the larger GPU build).
.venv/bin/python -m pip install -q -c .ci/constraints.txt tensorflow-cpu
.venv/bin/python -c "import lamina, torch, jax, tensorflow" >/dev/null
echo "$fingerprint" >"$stamp"
