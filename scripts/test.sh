#!/usr/bin/env bash
# Set up, then run the whole test suite on each engine.
#   bash scripts/test.sh          # everything but the tests marked `slow` (what CI runs)
#   bash scripts/test.sh --slow   # also the slow ones (every large application model...)
set -euo pipefail
cd "$(dirname "$0")/.."
selection=(-m "not slow")
for arg in "$@"; do
  case "$arg" in
    --slow) selection=() ;;
    *) echo "test.sh: unknown argument $arg (expected --slow)" >&2; exit 2 ;;
  esac
done
bash scripts/setup.sh
.venv/bin/python -m ruff check src tests benchmarks examples tools
.venv/bin/python -m mypy
# The same suite on every engine; NumPy skips the tests marked `training` (it cannot train).
# Torch, TensorFlow and NumPy run on two pytest-xdist workers (the suite is ~6000 tests).
# JAX spends most of its time compiling small programs, one core at a time: its run is split
# over two pytest-xdist workers (whole files each, so a file's compiled programs stay in one
# process) that share one XLA cache folder.
xla_cache=$(mktemp -d -t lamina-xla-XXXXXX)
trap 'rm -rf "$xla_cache"' EXIT
for engine in torch jax tensorflow numpy; do
  echo "== tests on the $engine engine"
  parallel=()
  if [ "$engine" = jax ]; then
    parallel=(-n 2 --dist loadfile)
  else
    parallel=(-n 2)
  fi
  LAMINA_BACKEND=$engine LAMINA_XLA_CACHE_DIR=$xla_cache \
    .venv/bin/python -m pytest -q -p no:cacheprovider "${parallel[@]}" "${selection[@]}" tests
done
