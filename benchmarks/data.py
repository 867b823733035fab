"""Input pipeline: a PyDataset whose ``__getitem__`` waits (I/O-bound loading) fed to ``fit``
by 1 worker (the training thread), 4 threads and 4 processes.

Part 1, loading-bound: a tiny model and ``--delay`` ms per batch. With ``workers=4`` an
epoch should take about a quarter of the ``workers=1`` time (the target ratio is 0.25 plus
the pool's start per epoch).

Part 2, compute-bound: a model whose step takes longer than a quarter of the delay. The
epoch with ``workers=4`` should take what the same epoch takes from in-memory data (ratio
~1.0): loading is hidden behind the steps.

Each row is the median epoch wall time (``on_epoch_begin`` to ``on_epoch_end``) of one
``fit`` of ``--rounds + 1`` epochs, its first epoch left out (compilation, starting the
workers), on the chosen engine: the steady state of a run of several epochs.

    python benchmarks/data.py [--engine torch|jax] [--batches 40] [--delay 20] [--rounds 3]
    python benchmarks/data.py --quick   # small sizes, one round: checks that it runs
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("torch", "jax"), default="torch")
    parser.add_argument("--batches", type=int, default=40, help="batches per epoch")
    parser.add_argument("--delay", type=float, default=20.0, help="ms per __getitem__")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.batches, arguments.delay, arguments.rounds = 8, 5.0, 1
    return arguments


ARGUMENTS = _arguments() if __name__ == "__main__" else None
if ARGUMENTS is not None:
    os.environ["LAMINA_BACKEND"] = ARGUMENTS.engine  # before lamina loads

import numpy as np  # noqa: E402
from _environment import describe  # noqa: E402

import lamina  # noqa: E402


class SlowBatches(lamina.utils.PyDataset):
    """``num_batches`` batches of ``batch_size`` rows; each ``__getitem__`` sleeps ``delay``
    seconds first, as reading a file would."""

    def __init__(self, num_batches, batch_size, features, delay, **kwargs):
        super().__init__(**kwargs)
        self.num_batches_, self.batch_size, self.delay = num_batches, batch_size, delay
        rng = np.random.default_rng(0)
        self.x = rng.standard_normal((num_batches * batch_size, features)).astype("float32")
        self.y = rng.standard_normal((num_batches * batch_size, 1)).astype("float32")

    def __len__(self):
        return self.num_batches_

    def __getitem__(self, index):
        if self.delay:
            time.sleep(self.delay)
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]


def model(width, depth, features):
    layers = [lamina.layers.Dense(width, activation="relu") for _ in range(depth)]
    net = lamina.Sequential([lamina.Input((features,)), *layers, lamina.layers.Dense(1)])
    net.compile(optimizer="sgd", loss="mse")
    return net


class EpochTimer(lamina.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds, self.start = [], 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def epoch_seconds(net, dataset, rounds):
    timer = EpochTimer()
    net.fit(dataset, epochs=rounds + 1, verbose=0, shuffle=False, callbacks=[timer])
    return statistics.median(timer.seconds[1:])  # the first: compilation, caches, workers


def main(arguments):
    print(describe())
    delay, batches = arguments.delay / 1000, arguments.batches
    features = 16
    print(
        f"\nPart 1, loading-bound: {batches} batches of 32, __getitem__ sleeps "
        f"{arguments.delay:g} ms, a 16-16-1 MLP ({arguments.engine}); median of "
        f"{arguments.rounds} epochs"
    )
    tiny = model(16, 1, features)
    rows = [
        ("workers=1 (training thread)", {}),
        ("workers=4, threads", {"workers": 4}),
        ("workers=4, processes", {"workers": 4, "use_multiprocessing": True}),
    ]
    print("| PyDataset | epoch s | x workers=1 | target |\n|---|---|---|---|")
    baseline = None
    for name, kwargs in rows:
        seconds = epoch_seconds(
            tiny, SlowBatches(batches, 32, features, delay, **kwargs), arguments.rounds
        )
        baseline = baseline or seconds
        target = "1.00" if not kwargs else "~0.25"
        print(f"| {name} | {seconds:.3f} | {seconds / baseline:.2f} | {target} |")

    width = 128 if arguments.quick else 1024  # a step ~4x the 4-worker loading time
    big = model(width, 3, features)
    batch_size = 64 if arguments.quick else 256
    print(
        f"\nPart 2, compute-bound: {batches} batches of {batch_size}, a 16-{width}x3-1 MLP; "
        "loading as in part 1"
    )
    compute = epoch_seconds(big, SlowBatches(batches, batch_size, features, 0.0), arguments.rounds)
    print("| input | epoch s | x in-memory | target |\n|---|---|---|---|")
    print(f"| in-memory batches (compute only) | {compute:.3f} | 1.00 | 1.00 |")
    for name, kwargs in rows[1:]:
        seconds = epoch_seconds(
            big, SlowBatches(batches, batch_size, features, delay, **kwargs), arguments.rounds
        )
        print(f"| slow loading, {name} | {seconds:.3f} | {seconds / compute:.2f} | ~1.0 |")
    print(
        f"(loading alone, 1 worker: {batches * delay:.3f} s; 4 workers: "
        f"{batches * delay / 4:.3f} s)"
    )


if __name__ == "__main__":
    sys.exit(main(ARGUMENTS))
