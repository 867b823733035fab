#!/usr/bin/env bash
# Set up (Lamina, its engines and the `bench` extra: what the benchmarks compare against),
# then run every benchmark in benchmarks/ and print its table, headed by the date, engine
# versions, device and CPU count.
#
#   bash scripts/bench.sh           # full sizes: the figures the README quotes
#   bash scripts/bench.sh --quick   # tiny sizes, seconds each: checks that all of them run
#
# A new benchmark is a script benchmarks/NAME.py that runs on its own, accepts --quick and
# --help, and prints its own table (benchmarks/_environment.py's describe() gives the
# header); add NAME to the list below. Not listed: diagnostics that print no benchmark table
# (profile_step, find_syncs, check_jit, device_check.sh).
BENCHMARKS=(train_step fit_overhead saving layers data optimizers distributed applications)

set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $arg (expected --quick or --help)" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
if ! .venv/bin/python -c "import optax" >/dev/null 2>&1; then
  .venv/bin/python -m pip install -q -c .ci/constraints.txt -e ".[torch,jax,bench]" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -c "import optax" >/dev/null
fi

echo "== bash scripts/bench.sh ${quick[*]}"
.venv/bin/python benchmarks/_environment.py
for name in "${BENCHMARKS[@]}"; do
  echo
  echo "== benchmarks/$name.py ${quick[*]}"
  .venv/bin/python "benchmarks/$name.py" "${quick[@]}"
done
