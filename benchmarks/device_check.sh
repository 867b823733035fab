#!/usr/bin/env bash
# One prepared run for a GPU machine: the training-step benchmark, then the test suite
# with tensors on the GPU. Writes its logs to $OUT (or ./device-out).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-device-out}
mkdir -p "$out"
export PYTHONPATH=src PYTHONUNBUFFERED=1 LAMINA_BACKEND=torch
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/gpu.txt"
python3 -c "import torch, lamina; print('torch', torch.__version__, 'device', lamina.backend.engine.core.get_device())" | tee -a "$out/gpu.txt"
timeout 240 python3 benchmarks/train_step.py --steps 100 --warmup 20 --rounds 3 2>&1 | tee "$out/bench.txt"
timeout 200 python3 -m pytest -q -p no:cacheprovider --tb=line -rf tests 2>&1 | tail -60 | tee "$out/tests.txt"
