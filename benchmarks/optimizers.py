"""Optimizer update speed on torch: one ``optimizer.apply`` against ``torch.optim``'s
multi-tensor (``foreach=True``) step for the same rule, median microseconds per step.

    python benchmarks/optimizers.py            # all rows
    python benchmarks/optimizers.py --quick    # CNN rows, a few repeats: a smoke run

The parameters are those of the example CNN (12 tensors, 0.1M values) and of a wider MLP (4
tensors, 4.2M values), with fixed random gradients. Lamina's rows run its torch multi-tensor
kernels (``backend/torch/optimizer_kernels.py``); the "rule" column runs the same optimizer
with the kernels switched off (the per-variable rule written in ``lamina.ops``), to show what
the kernels buy. Ratio = Lamina / torch.optim (<= 1.2 is the aim).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (a smoke run)")
    parser.add_argument("--repeats", type=int, default=None, help="timed steps per row")
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:
    os.environ["LAMINA_BACKEND"] = "torch"  # before lamina loads

import numpy as np  # noqa: E402
from _environment import describe  # noqa: E402

SHAPES = {
    "CNN": [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (1600, 10), (10,)] * 2,
    "MLP": [(1024, 2048), (2048,), (2048, 1024), (1024,)],
}
# name: (lamina constructor, torch.optim constructor), same hyperparameters.
RULES = {
    "SGD momentum": (
        lambda lamina: lamina.optimizers.SGD(0.01, momentum=0.9),
        lambda torch, params: torch.optim.SGD(params, lr=0.01, momentum=0.9, foreach=True),
    ),
    "RMSprop": (
        lambda lamina: lamina.optimizers.RMSprop(0.001, rho=0.9, epsilon=1e-7),
        lambda torch, params: torch.optim.RMSprop(
            params, lr=0.001, alpha=0.9, eps=1e-7, foreach=True
        ),
    ),
    "Adagrad": (
        lambda lamina: lamina.optimizers.Adagrad(0.01, initial_accumulator_value=0.1),
        lambda torch, params: torch.optim.Adagrad(
            params, lr=0.01, initial_accumulator_value=0.1, foreach=True
        ),
    ),
    "Adam": (
        lambda lamina: lamina.optimizers.Adam(0.001),
        lambda torch, params: torch.optim.Adam(params, lr=0.001, eps=1e-7, foreach=True),
    ),
    "Adamax": (
        lambda lamina: lamina.optimizers.Adamax(0.001),
        lambda torch, params: torch.optim.Adamax(params, lr=0.001, eps=1e-7, foreach=True),
    ),
    "Nadam": (
        lambda lamina: lamina.optimizers.Nadam(0.001),
        lambda torch, params: torch.optim.NAdam(params, lr=0.001, eps=1e-7, foreach=True),
    ),
    "Adadelta": (
        lambda lamina: lamina.optimizers.Adadelta(1.0),
        lambda torch, params: torch.optim.Adadelta(params, lr=1.0, eps=1e-7, foreach=True),
    ),
}


def median_us(step, repeats: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def lamina_step(make, shapes, kernels: bool):
    import lamina
    from lamina import backend
    from lamina.optimizers import optimizer as optimizer_module

    rng = np.random.default_rng(0)
    variables = [backend.Variable(rng.standard_normal(s).astype("float32")) for s in shapes]
    grads = [backend.convert_to_tensor(rng.standard_normal(s).astype("float32")) for s in shapes]
    optimizer = make(lamina)
    saved = optimizer_module._KERNELS

    def step():
        if not kernels:
            optimizer_module._KERNELS = None
        try:
            optimizer.apply(grads, variables)
        finally:
            optimizer_module._KERNELS = saved

    return step


def torch_step(make, shapes):
    import torch

    generator = np.random.default_rng(0)
    params = [
        torch.nn.Parameter(torch.from_numpy(generator.standard_normal(s).astype("float32")))
        for s in shapes
    ]
    for param in params:
        param.grad = torch.from_numpy(generator.standard_normal(param.shape).astype("float32"))
    optimizer = make(torch, params)

    def step():
        with torch.no_grad():
            optimizer.step()

    return step


def main() -> None:
    repeats = ARGS.repeats or (5 if ARGS.quick else 200)
    import lamina  # noqa: F401  (imports the engine, so describe() can name its device)

    print(describe())
    header = f"{'row':<24} {'lamina us':>10} {'rule us':>10} {'torch.optim us':>15} {'ratio':>6}"
    print(f"\n{header}")
    models = {"CNN": SHAPES["CNN"]} if ARGS.quick else SHAPES  # quick: the small set only
    for model, shapes in models.items():
        for name, (make_lamina, make_torch) in RULES.items():
            ours = median_us(lamina_step(make_lamina, shapes, kernels=True), repeats)
            rule = median_us(lamina_step(make_lamina, shapes, kernels=False), repeats)
            theirs = median_us(torch_step(make_torch, shapes), repeats)
            row = f"{model} {name}"
            print(f"{row:<24} {ours:>10.0f} {rule:>10.0f} {theirs:>15.0f} {ours / theirs:>6.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
