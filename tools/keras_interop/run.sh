#!/usr/bin/env bash
# Files move between Lamina and Keras 3 both ways: each side saves, the other loads and
# predicts. Needs the package registry (installs keras into a throwaway venv); not run in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
keras_venv=${KERAS_VENV:-/tmp/lamina-keras-interop-venv}
if [ ! -x "$keras_venv/bin/python" ]; then
  python3 -m venv "$keras_venv"
  "$keras_venv/bin/pip" install -q -c "$repo/.ci/constraints.txt" torch keras h5py
fi
work=$(mktemp -d)
export KERAS_BACKEND=torch LAMINA_BACKEND=torch
"$keras_venv/bin/python" "$here/side.py" keras "$work" save
"$repo/.venv/bin/python" "$here/side.py" lamina "$work" save
"$repo/.venv/bin/python" "$here/side.py" lamina "$work" load
"$keras_venv/bin/python" "$here/side.py" keras "$work" load
echo "files in $work"
