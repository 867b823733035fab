"""DataParallel on the torch engine: step time in 1 and 2 processes, communication split out.

A 256-512-512-10 MLP (float32, SGD, cross-entropy) trained by Lamina ``fit`` under
``DataParallel`` with a global batch of 128 (64 per process with two), against the loop a
user writes by hand with ``torch.nn.parallel.DistributedDataParallel`` on the same model,
batch and processes. Processes are started here on 127.0.0.1 with torchrun's variables
(gloo on the CPU; NCCL, one process per GPU, where several GPUs are present). Each figure
is the median over rounds of one timed epoch; set-up and the first steps are an untimed
warm-up. Columns:

- ``fit ms/step`` and ``DDP loop ms/step``: wall time per step in process 0, and their ratio;
- ``comm wait ms``: the part of fit's step spent waiting for the gradient all-reduce after
  backward (the communication not hidden behind backward);
- ``all_reduce ms``: one all-reduce of every gradient at once, alone (what the
  communication costs when nothing overlaps it).

On the JAX engine (distributed_jax.py, in a process with 8 virtual CPU devices): the same
MLP and global batch trained by ``fit`` on one device and under ``DataParallel`` over the
8 devices, against a hand-written ``jax.jit`` loop with ``NamedSharding`` over them.

    python benchmarks/distributed.py [--processes 1 2] [--steps 100] [--rounds 5] [--quick]
                                     [--engines torch jax]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

GLOBAL_BATCH = 128
FEATURES, HIDDEN, CLASSES = 256, 512, 10


def _data(steps, rank, world_size):
    rng = np.random.default_rng(rank)
    per_process = GLOBAL_BATCH // world_size
    x = rng.standard_normal((steps * per_process, FEATURES)).astype("float32")
    return x, rng.integers(0, CLASSES, steps * per_process)


def _lamina_fit(steps, rounds, rank, world_size):
    import lamina as keras
    from lamina.backend.torch import data_parallel

    if world_size > 1:
        keras.distribution.initialize()
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    model = keras.Sequential(
        [keras.Input((FEATURES,)), keras.layers.Dense(HIDDEN, activation="relu"),
         keras.layers.Dense(HIDDEN, activation="relu"), keras.layers.Dense(CLASSES)]
    )  # fmt: skip
    model.compile(
        optimizer=keras.optimizers.SGD(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    # The global data: fit gives each process its own part of every batch of 128.
    x, y = _data(steps * world_size, 0, 1)
    model.fit(x[: 4 * GLOBAL_BATCH], y[: 4 * GLOBAL_BATCH], batch_size=GLOBAL_BATCH, verbose=0)
    step_times, wait_times = [], []
    for _ in range(rounds):
        entry = data_parallel._reducers.get(model)
        waited = entry[1].wait_seconds if entry else 0.0
        start = time.perf_counter()
        model.fit(x[: steps * GLOBAL_BATCH], y[: steps * GLOBAL_BATCH], batch_size=GLOBAL_BATCH,
                  shuffle=False, verbose=0)  # fmt: skip
        step_times.append((time.perf_counter() - start) / steps)
        entry = data_parallel._reducers.get(model)
        wait_times.append(((entry[1].wait_seconds if entry else 0.0) - waited) / steps)
    return statistics.median(step_times), statistics.median(wait_times)


def _torch_module(torch):
    return torch.nn.Sequential(
        torch.nn.Linear(FEATURES, HIDDEN), torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, CLASSES),
    )  # fmt: skip


def _ddp_loop(steps, rounds, rank, world_size, device):
    import torch
    import torch.distributed as dist

    module = _torch_module(torch).to(device)
    if world_size > 1:
        module = torch.nn.parallel.DistributedDataParallel(module)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.01)
    loss_function = torch.nn.CrossEntropyLoss()
    x, y = _data(steps, rank, world_size)
    x, y = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
    per_process = GLOBAL_BATCH // world_size

    def epoch(count):
        for step in range(count):
            rows = slice(step * per_process, (step + 1) * per_process)
            optimizer.zero_grad(set_to_none=True)
            loss_function(module(x[rows]), y[rows]).backward()
            optimizer.step()
        with torch.no_grad():  # the weights on the host, as fit's timing ends
            float(loss_function(module(x[:per_process]), y[:per_process]))

    epoch(4)
    times = []
    for _ in range(rounds):
        if world_size > 1:
            dist.barrier()
        start = time.perf_counter()
        epoch(steps)
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def _all_reduce_alone(rounds, world_size, device):
    import torch
    import torch.distributed as dist

    if world_size == 1:
        return 0.0
    count = sum(p.numel() for p in _torch_module(torch).parameters())
    flat = torch.ones(count, device=device)
    for _ in range(3):
        dist.all_reduce(flat)
    times = []
    for _ in range(rounds * 10):
        start = time.perf_counter()
        dist.all_reduce(flat)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def worker(steps, rounds, out_path):
    import torch

    rank, world_size = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if not torch.cuda.is_available():
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // world_size))
    fit_step, comm_wait = _lamina_fit(steps, rounds, rank, world_size)
    device = f"cuda:{torch.cuda.current_device()}" if torch.cuda.is_available() else "cpu"
    all_reduce = _all_reduce_alone(rounds, world_size, device)
    ddp_step = _ddp_loop(steps, rounds, rank, world_size, device)
    if rank == 0:
        with open(out_path, "w") as file:
            json.dump({"fit": fit_step, "wait": comm_wait, "all_reduce": all_reduce,
                       "ddp": ddp_step}, file)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(world_size, steps, rounds) -> dict:
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        out_path = os.path.join(folder, "result.json")
        processes = []
        for rank in range(world_size):
            env = {**os.environ, "LAMINA_BACKEND": "torch", "RANK": str(rank),
                   "LOCAL_RANK": str(rank), "WORLD_SIZE": str(world_size),
                   "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}  # fmt: skip
            command = [sys.executable, __file__, "--worker", out_path]
            command += ["--steps", str(steps), "--rounds", str(rounds)]
            processes.append(subprocess.Popen(command, env=env))
        codes = [process.wait(timeout=1800) for process in processes]
        if any(codes):
            raise SystemExit(f"a worker of the {world_size}-process run failed: {codes}")
        with open(out_path) as file:
            return json.load(file)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that it runs")
    parser.add_argument("--engines", nargs="+", choices=["torch", "jax"], default=["torch", "jax"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.steps, args.rounds = 8, 1
    if args.worker:
        worker(args.steps, args.rounds, args.worker)
        return
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _environment import describe

    print(describe())
    print(f"global batch {GLOBAL_BATCH}, MLP {FEATURES}-{HIDDEN}-{HIDDEN}-{CLASSES}, "
          f"{args.steps} steps x {args.rounds} rounds")  # fmt: skip
    if "torch" in args.engines:
        torch_rows(args)
    if "jax" in args.engines:
        jax_rows(args)


def jax_rows(args) -> None:
    """The JAX table: one subprocess with 8 virtual CPU devices (distributed_jax.py)."""
    env = {**os.environ, "LAMINA_BACKEND": "jax", "JAX_PLATFORMS": "cpu",
           "XLA_FLAGS": "--xla_force_host_platform_device_count=8"}  # fmt: skip
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "distributed_jax.py")
    completed = subprocess.run(
        [sys.executable, script, str(args.steps), str(args.rounds)],
        env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    lines = [line for line in completed.stdout.splitlines() if line.startswith("JAX_RESULT ")]
    if completed.returncode or not lines:
        raise SystemExit(f"the JAX run failed:\n{completed.stderr[-3000:]}")
    result = json.loads(lines[-1][len("JAX_RESULT ") :])
    print()
    print("JAX engine, one process | fit 1 device ms/step | fit DataParallel ms/step | "
          "jax.jit NamedSharding ms/step | fit DP / jax.jit")  # fmt: skip
    print(" | ".join((f"{result['devices']} CPU devices", f"{result['fit_1'] * 1e3:.2f}",
                      f"{result['fit_dp'] * 1e3:.2f}", f"{result['plain_dp'] * 1e3:.2f}",
                      f"{result['fit_dp'] / result['plain_dp']:.2f}x")), flush=True)  # fmt: skip


def torch_rows(args) -> None:
    header = ("processes", "fit ms/step", "comm wait ms", "all_reduce ms", "DDP loop ms/step",
              "fit / DDP")  # fmt: skip
    print(" | ".join(header))
    for world_size in args.processes:
        result = run(world_size, args.steps, args.rounds)
        row = (str(world_size), f"{result['fit'] * 1e3:.2f}", f"{result['wait'] * 1e3:.2f}",
               f"{result['all_reduce'] * 1e3:.2f}", f"{result['ddp'] * 1e3:.2f}",
               f"{result['fit'] / result['ddp']:.2f}x")  # fmt: skip
        print(" | ".join(row), flush=True)


if __name__ == "__main__":
    main()
