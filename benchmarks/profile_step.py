"""Where a training step's time goes: torch.profiler tables for Lamina ``fit`` and the plain
PyTorch loop of benchmarks/train_step.py, side by side (kernel counts, device and host time).

    python benchmarks/profile_step.py [--steps 30]
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("LAMINA_BACKEND", "torch")
sys.path.insert(0, os.path.dirname(__file__))

import torch
from torch.profiler import ProfilerActivity, profile
from train_step import bench_fit, bench_torch, make_data


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    x, y = make_data(args.steps + 1)
    activities = [ProfilerActivity.CPU]
    sort = "self_cpu_time_total"
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
        sort = "self_cuda_time_total"
    for name, run in (("lamina fit", bench_fit), ("pytorch loop", bench_torch)):
        run(x, y, 0)  # warm-up (cuDNN autotuning, allocator)
        with profile(activities=activities) as prof:
            run(x, y, 0)
        events = prof.key_averages()
        launches = sum(
            e.count for e in events if e.key.startswith(("cudaLaunchKernel", "cuLaunch"))
        )
        print(f"\n===== {name}: {args.steps} steps, {launches} kernel launches =====")
        print(events.table(sort_by=sort, row_limit=25, max_name_column_width=60))
        print(events.table(sort_by="count", row_limit=25, max_name_column_width=60))


if __name__ == "__main__":
    main()
