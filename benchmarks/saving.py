"""Saving and loading speed: Lamina's weights files against ``torch.save`` and safetensors.

A ~100M-parameter float32 MLP (six 4096x4096 Dense layers, ~400 MB) on the torch engine,
with random weights and no training. Each row saves the same tensors and loads them back
into the same model, as a user would:

- Lamina ``save_weights`` / ``load_weights`` (``.weights.h5``);
- Lamina ``model.save`` / ``saving.load_model`` (``.keras``; the load builds a new model);
- Lamina safetensors (``weights_safetensors``; write, then read and assign);
- ``torch.save(model.state_dict())`` / ``torch.load(weights_only=True)`` +
  ``load_state_dict`` (a Lamina model is a ``torch.nn.Module``): the reference;
- ``safetensors.torch.save_file`` / ``load_file`` + ``load_state_dict``, when installed.

Prints the median milliseconds over rounds and the ratio to ``torch.save``/``torch.load``
(the target is 1.5x or less). Files live in a temporary folder (the system's, or ``--dir``),
page-cached as a reloaded checkpoint usually is. ``--profile`` adds cProfile's top entries
for Lamina's ``.weights.h5`` save and load.

    python benchmarks/saving.py [--rounds 5] [--width 4096] [--depth 6] [--profile]
    python benchmarks/saving.py --quick   # a tiny model, one round: checks that it runs
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import tempfile
import time
import warnings

os.environ["LAMINA_BACKEND"] = "torch"  # before lamina loads

import numpy as np
import torch
from _environment import describe

import lamina
from lamina import layers, saving
from lamina.saving.object_walk import saved_objects
from lamina.saving.weights_safetensors import read_safetensors, write_safetensors

try:
    import safetensors.torch as safetensors_torch
except ImportError:  # optional: its row is left out
    safetensors_torch = None


def build_model(width: int, depth: int):
    """An MLP of ``depth`` Dense(width) layers: depth * (width**2 + width) parameters."""
    model = lamina.Sequential(
        [lamina.Input((width,))] + [layers.Dense(width, name=f"dense_{i}") for i in range(depth)]
    )
    model(np.ones((1, width), "float32"))  # builds the weights (random: glorot uniform)
    return model


# ---- the rows: (name, save(path), load(path), file suffix) --------------------------------


def lamina_h5(model):
    return (
        lambda path: model.save_weights(path),
        lambda path: model.load_weights(path),
        ".weights.h5",
    )


def lamina_keras(model):
    return (
        lambda path: model.save(path),
        lambda path: saving.load_model(path),
        ".keras",
    )


def lamina_safetensors(model):
    def load(path):
        for variable, value in read_safetensors(path, saved_objects(model), path):
            variable.assign(value)

    return (lambda path: write_safetensors(saved_objects(model), path), load, ".safetensors")


def torch_pickle(model):
    return (
        lambda path: torch.save(model.state_dict(), path),
        lambda path: model.load_state_dict(torch.load(path, weights_only=True)),
        ".pt",
    )


def torch_safetensors(model):
    assert safetensors_torch is not None
    return (
        lambda path: safetensors_torch.save_file(model.state_dict(), path),
        lambda path: model.load_state_dict(safetensors_torch.load_file(path)),
        ".safetensors",
    )


ROWS = {
    "Lamina save_weights (.weights.h5)": lamina_h5,
    "Lamina model.save (.keras)": lamina_keras,
    "Lamina safetensors": lamina_safetensors,
    "torch.save / torch.load (reference)": torch_pickle,
    "safetensors.torch": torch_safetensors,
}
REFERENCE = "torch.save / torch.load (reference)"


def time_row(make_row, model, directory: str, rounds: int) -> tuple[float, float, int]:
    """Median save and load seconds, and the file's size in bytes."""
    save, load, suffix = make_row(model)
    path = os.path.join(directory, "bench" + suffix)
    saves, loads = [], []
    for _ in range(rounds):
        # A model load_model made in the previous round is garbage held by reference cycles;
        # freeing its 400 MB inside a timed call (when the collector happens to run) cost
        # seconds. Collect outside the timed region, for every row alike.
        gc.collect()
        start = time.perf_counter()
        save(path)
        saves.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        load(path)
        loads.append(time.perf_counter() - start)
    size = os.path.getsize(path)
    os.remove(path)
    return statistics.median(saves), statistics.median(loads), size


def check_round_trip(model, directory: str) -> None:
    """Each Lamina format gives back exactly the weights it saved (a benchmark of a no-op lies)."""
    expected = [w.copy() for w in model.get_weights()]
    for make_row in (lamina_h5, lamina_safetensors):
        save, load, suffix = make_row(model)
        path = os.path.join(directory, "check" + suffix)
        save(path)
        model.set_weights([w + 1.0 for w in expected])
        load(path)
        os.remove(path)
        if not all(np.array_equal(a, b) for a, b in zip(expected, model.get_weights())):
            raise RuntimeError(f"{suffix} did not restore the weights")


def profile(model, directory: str, top: int) -> None:
    """cProfile's top entries, by own time, for Lamina's save and load of each format."""
    for make_row in (lamina_h5, lamina_keras):
        save, load, suffix = make_row(model)
        path = os.path.join(directory, "profile" + suffix)
        for name, action in (("save", save), ("load", load)):
            profiler = cProfile.Profile()
            profiler.runcall(action, path)
            stream = io.StringIO()
            stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats("tottime")
            stats.print_stats(top)
            lines = stream.getvalue().splitlines()
            start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
            print(f"\ncProfile of Lamina {name} ({suffix}), by own time:")
            print("\n".join(line for line in lines[start:] if line.strip()))
        os.remove(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per row (median)")
    parser.add_argument("--width", type=int, default=4096, help="units of each Dense layer")
    parser.add_argument("--depth", type=int, default=6, help="number of Dense layers")
    parser.add_argument("--dir", default=None, help="folder for the files (default: temp)")
    parser.add_argument("--profile", action="store_true", help="cProfile Lamina's h5 path")
    parser.add_argument("--quick", action="store_true", help="tiny model, one round")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.width, args.depth = 1, 256, 2
    model = build_model(args.width, args.depth)
    num_params = sum(int(np.prod(w.shape)) for w in model.weights)
    print(describe())
    print(
        f"MLP: {args.depth} x Dense({args.width}), {num_params / 1e6:.1f}M float32 parameters "
        f"({num_params * 4 / 2**20:.0f} MiB); median of {args.rounds} round(s)."
    )
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="lamina-bench-") as directory:
        check_round_trip(model, directory)
        results = {}
        for name, make_row in ROWS.items():
            if make_row is torch_safetensors and safetensors_torch is None:
                print(f"({name}: not installed; `pip install safetensors` adds its row)")
                continue
            results[name] = time_row(make_row, model, directory, args.rounds)
        print_table(results)
        if args.profile:
            profile(model, directory, top=12)


def print_table(results: dict) -> None:
    reference_save, reference_load, _ = results[REFERENCE]
    print(f"\n{'':38} {'save ms':>9} {'x torch':>8} {'load ms':>9} {'x torch':>8} {'MiB':>7}")
    for name, (save, load, size) in results.items():
        print(
            f"{name:38} {save * 1e3:9.1f} {save / reference_save:8.2f} "
            f"{load * 1e3:9.1f} {load / reference_load:8.2f} {size / 2**20:7.1f}"
        )


if __name__ == "__main__":
    warnings.simplefilter("default")
    main()
