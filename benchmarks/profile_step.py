"""Where a training step's time goes: torch.profiler tables for Lamina ``fit`` and the plain
PyTorch loop of benchmarks/train_step.py, side by side (kernel counts, device and host time),
then the aten ops one training step dispatches on each side (``aten_ops_per_step``, the row
train_step.py prints), with the ops Lamina runs more often than the loop.

    python benchmarks/profile_step.py [--steps 30]
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("LAMINA_BACKEND", "torch")
sys.path.insert(0, os.path.dirname(__file__))

import collections

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils._python_dispatch import TorchDispatchMode
from train_step import BATCH, bench_fit, bench_torch, make_data, torch_model, torch_train_step

import lamina as keras


class _OpCounter(TorchDispatchMode):
    """Counts every aten op dispatched while it is active (forward, backward, optimizer)."""

    def __init__(self):
        super().__init__()
        self.counts = collections.Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.counts[str(func.overloadpacket.__name__)] += 1
        return func(*args, **(kwargs or {}))


class _CountSteps(keras.callbacks.Callback):
    """Counts the ops of each ``fit`` batch from the ``warmup``-th on (the first builds)."""

    def __init__(self, warmup):
        super().__init__()
        self.warmup = warmup
        self.counter = _OpCounter()
        self.steps = 0

    def on_train_batch_begin(self, batch, logs=None):
        if batch >= self.warmup:
            self.counter.__enter__()

    def on_train_batch_end(self, batch, logs=None):
        if batch >= self.warmup:
            self.counter.__exit__(None, None, None)
            self.steps += 1


def aten_ops_per_step(x, y, warmup=2, model_factory=None):
    """(Lamina fit, plain loop) aten ops per training step, as Counters of op names divided
    by the number of steps counted, on the example CNN and ``len(x) // BATCH`` steps."""
    from train_step import lamina_model

    model = (model_factory or lamina_model)()
    counting = _CountSteps(warmup)
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[counting], shuffle=True)
    lamina_ops = {k: v / counting.steps for k, v in counting.counter.counts.items()}
    module = torch_model("cpu")
    # foreach=True: torch's default on CUDA (its CPU default loops over the parameters).
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3, eps=1e-7, foreach=True)
    xs = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
    ys = torch.from_numpy(y)
    order = torch.randperm(len(xs))
    loop = _OpCounter()
    steps = len(xs) // BATCH
    for step in range(steps):
        index = order[step * BATCH : (step + 1) * BATCH]
        if step < warmup:
            torch_train_step(module, optimizer, xs, ys, index)
            continue
        with loop:
            torch_train_step(module, optimizer, xs, ys, index)
    loop_ops = {k: v / (steps - warmup) for k, v in loop.counts.items()}
    return lamina_ops, loop_ops


# Ops that launch no kernel: views (metadata only) and host-side bookkeeping.
NO_KERNEL_OPS = frozenset(
    ("permute", "t", "view", "_unsafe_view", "transpose", "expand", "unsqueeze", "squeeze",
     "alias", "detach", "lift_fresh", "_local_scalar_dense", "_record_function_enter_new",
     "_record_function_exit")
)  # fmt: skip


def kernel_ops(counts) -> float:
    """The ops of ``counts`` that launch a kernel (all but views and host bookkeeping)."""
    return sum(value for name, value in counts.items() if name not in NO_KERNEL_OPS)


def print_op_counts(x, y):
    lamina_ops, loop_ops = aten_ops_per_step(x, y)
    print(f"\naten ops per step: lamina fit {sum(lamina_ops.values()):.0f} "
          f"({kernel_ops(lamina_ops):.0f} launching kernels), pytorch loop "
          f"{sum(loop_ops.values()):.0f} ({kernel_ops(loop_ops):.0f})")  # fmt: skip
    print(f"{'op':<36}{'lamina fit':>12}{'pytorch loop':>14}")
    for name in sorted(set(lamina_ops) | set(loop_ops)):
        ours, theirs = lamina_ops.get(name, 0), loop_ops.get(name, 0)
        if ours != theirs:
            print(f"{name:<36}{ours:>12.1f}{theirs:>14.1f}")


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
    print_op_counts(*make_data(max(args.steps, 4) + 1))


if __name__ == "__main__":
    main()
