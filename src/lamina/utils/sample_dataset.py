"""SampleDataset: what the ``*_dataset_from_*`` utilities return when TensorFlow is not asked for.

A PyDataset over ``num_samples`` samples, each made on demand by ``load_sample(index)``
(a decoded image and its label, a window of a timeseries...), grouped into batches, shuffled
per epoch from a seed, and loaded ahead on threads while the previous batch is used. ``fit``,
``evaluate`` and ``predict`` take it as any PyDataset, on every engine, without TensorFlow.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from lamina.backend.common import tree
from lamina.trainers.data_adapters.py_dataset import PyDataset

_PREFETCH_BATCHES = 4  # batches in flight while iterating: enough to hide decoding time
_LOADING_THREADS = min(_PREFETCH_BATCHES, os.cpu_count() or 1)


def stack_samples(samples: list) -> Any:
    """Stack same-shaped samples (arrays, or tuples/dicts of them) along a new batch axis."""
    return tree.map_structure(lambda *leaves: np.stack(leaves), *samples)


def pad_and_stack_samples(samples: list) -> Any:
    """Stack samples whose first axis differs by padding each with zeros at its end to the
    longest in the batch (Keras's ``padded_batch``); scalar leaves (labels) stack as usual."""

    def pad_stack(*leaves):
        if np.ndim(leaves[0]) == 0:
            return np.stack(leaves)
        length = max(len(leaf) for leaf in leaves)
        padded = [
            np.pad(leaf, [(0, length - len(leaf))] + [(0, 0)] * (np.ndim(leaf) - 1))
            for leaf in leaves
        ]
        return np.stack(padded)

    return tree.map_structure(pad_stack, *samples)


class SampleDataset(PyDataset):
    """Batches of samples loaded by index, as returned by ``image_dataset_from_directory`` & co.

    Iterating it (``for batch in dataset``) gives one epoch of batches; each full pass
    reshuffles when ``shuffle=True`` (from ``seed``, so runs repeat), as a ``tf.data``
    dataset does. ``len(dataset)`` is the number of batches (of samples when ``batch_size``
    is None). ``class_names`` and ``file_paths`` are set by the directory utilities.

    Args:
        load_sample: ``index -> sample`` for ``index`` in ``range(num_samples)``; a sample is
            an array or a tuple/dict of arrays. Called from loading threads.
        num_samples: how many samples.
        batch_size: samples per batch (the last batch may be smaller); None yields samples
            one by one.
        shuffle: draw a new order of the samples for each epoch.
        seed: the seed of those orders.
        collate: how a list of samples becomes a batch; stacks them by default.
    """

    def __init__(
        self,
        load_sample: Callable[[int], Any],
        num_samples: int,
        batch_size: int | None = 32,
        shuffle: bool = False,
        seed: int | None = None,
        collate: Callable[[list], Any] = stack_samples,
        class_names: list[str] | None = None,
        file_paths: list[str] | None = None,
    ):
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
        ):
            raise ValueError(
                f"batch_size must be a positive integer or None; received {batch_size!r}."
            )
        # More than one worker: fit's PyDataset adapter loads batches ahead on threads too.
        super().__init__(workers=_LOADING_THREADS)
        self._load_sample = load_sample
        self._num_samples = int(num_samples)
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.seed = int(np.random.randint(1_000_000)) if seed is None else int(seed)
        self._collate = collate
        self.class_names = class_names
        self.file_paths = file_paths
        self._epoch = 0
        self._order = self._draw_order()

    # ---- the epoch's order ------------------------------------------------------------

    def _draw_order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(self._num_samples)
        # One stream per (seed, epoch): epoch e is the same whatever happened before it.
        return np.random.default_rng((self.seed, self._epoch)).permutation(self._num_samples)

    def on_epoch_end(self) -> None:
        self._epoch += 1
        self._order = self._draw_order()

    # ---- PyDataset ----------------------------------------------------------------------

    def __len__(self) -> int:
        if self.batch_size is None:
            return self._num_samples
        return math.ceil(self._num_samples / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        count = len(self)
        if not -count <= index < count:
            raise IndexError(f"batch index {index} is out of range for {count} batches.")
        index %= count
        order = self._order  # one read: on_epoch_end may swap it from another thread
        if self.batch_size is None:
            return self._load_sample(int(order[index]))
        positions = order[index * self.batch_size : (index + 1) * self.batch_size]
        return self._collate([self._load_sample(int(position)) for position in positions])

    def __iter__(self) -> Iterator[Any]:
        """One epoch of batches, each loaded on a thread a few batches ahead of its use."""
        count = len(self)
        executor = concurrent.futures.ThreadPoolExecutor(_LOADING_THREADS, "lamina-dataset")
        try:
            first = range(min(count, _PREFETCH_BATCHES))
            pending: list = [executor.submit(self.__getitem__, i) for i in first]
            for index in range(count):
                batch = pending[index].result()
                pending[index] = None  # drop the reference once the batch is handed out
                ahead = index + _PREFETCH_BATCHES
                if ahead < count:
                    pending.append(executor.submit(self.__getitem__, ahead))
                yield batch
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        self.on_epoch_end()

    # ---- derived datasets ------------------------------------------------------------

    def batch(self, batch_size: int) -> SampleDataset:
        """The same samples in batches of ``batch_size`` (as ``tf.data.Dataset.batch``)."""
        return self._derived(batch_size=batch_size)

    def subset(self, indices: Sequence[int]) -> SampleDataset:
        """A dataset over the samples at ``indices`` (positions in ``range(len samples)``)."""
        positions = np.asarray(indices, dtype="int64")
        file_paths = None if self.file_paths is None else [self.file_paths[i] for i in positions]
        load = self._load_sample
        return self._derived(load_sample=lambda i: load(int(positions[i])),
                             num_samples=len(positions), file_paths=file_paths)  # fmt: skip

    @property
    def num_samples(self) -> int:
        return self._num_samples

    def load_sample(self, index: int) -> Any:
        """The sample at ``index`` (an unshuffled position), unbatched."""
        return self._load_sample(index)

    def _derived(self, **changes) -> SampleDataset:
        arguments: dict[str, Any] = {
            "load_sample": self._load_sample,
            "num_samples": self._num_samples,
            "batch_size": self.batch_size,
            "shuffle": self.shuffle,
            "seed": self.seed,
            "collate": self._collate,
            "class_names": self.class_names,
            "file_paths": self.file_paths,
        }
        arguments.update(changes)
        return SampleDataset(**arguments)

    def __repr__(self) -> str:
        return (
            f"<SampleDataset: {self._num_samples} samples, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}>"
        )
