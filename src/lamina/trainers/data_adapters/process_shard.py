"""Each process's part of the data when ``fit`` / ``evaluate`` run in several processes.

Every process walks the same global order (shuffled with a seed they share) and takes its
own slice of it, so the processes together see each sample once per epoch:

- arrays: each global batch of ``batch_size`` rows is cut into one contiguous part per
  process (``batch_size`` must divide by the number of processes). For training, the last
  batch keeps the largest multiple of the process count, so every process steps the same
  number of times with batches of one size; evaluation keeps every row.
- a PyDataset: each process loads every N-th batch of the epoch's order (its own
  ``__getitem__`` calls only), ``len(dataset) // N`` of them.
- a ``tf.data.Dataset``: cut by ``Distribution.distribute_dataset`` (EpochIterator) already.
- other sources (a torch DataLoader, an iterable with a length): each process takes every
  N-th batch of the stream, as many as the shortest process gets. A DataLoader that already
  has a ``DistributedSampler`` is left alone. A stream without a length cannot be split
  safely (the processes would disagree on when the epoch ends) and is refused.

``predict``, on an engine that gathers the outputs (trainers/distributed.py), splits every
source alike (ProcessPredictParts): each process reads each batch and keeps its own
contiguous rows, filled up to equal parts where a batch does not divide.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from lamina.backend.common import tree
from lamina.trainers.data_adapters.adapter import DataAdapter
from lamina.trainers.data_adapters.array_adapter import ArrayDataAdapter
from lamina.trainers.data_adapters.py_dataset import PyDatasetAdapter
from lamina.trainers.data_adapters.tf_dataset_adapter import TFDatasetAdapter


def shard_adapter(adapter, num_processes: int, process_id: int, seed: int, training: bool):
    """``adapter``'s data as process ``process_id`` of ``num_processes`` reads it."""
    if isinstance(adapter, ArrayDataAdapter):
        return ProcessShardedArrays(adapter, num_processes, process_id, seed, training)
    if isinstance(adapter, PyDatasetAdapter) and adapter.num_batches is not None:
        return ProcessShardedPyDataset(adapter, num_processes, process_id, seed)
    if isinstance(adapter, TFDatasetAdapter):
        return adapter  # EpochIterator cut it already (Distribution.distribute_dataset)
    source = getattr(adapter, "iterable", None)
    if _has_distributed_sampler(source):
        return adapter  # the user's sampler already gives this process its part
    if adapter.num_batches is None:
        raise ValueError(
            f"fit/evaluate in {num_processes} processes needs to know how many batches the "
            f"data has, to give each process the same number; received "
            f"{type(source or adapter).__name__} of unknown length. Pass arrays, a PyDataset "
            "with __len__, a DataLoader (with a DistributedSampler for large data), or "
            "`steps_per_epoch`."
        )
    return ProcessStridedBatches(adapter, num_processes, process_id)


def _has_distributed_sampler(source) -> bool:
    sampler = getattr(source, "sampler", None)
    return any(cls.__name__ == "DistributedSampler" for cls in type(sampler).__mro__)


class ProcessShardedArrays(DataAdapter):
    def __init__(self, adapter: ArrayDataAdapter, num_processes, process_id, seed, training):
        if adapter.batch_size % num_processes:
            raise ValueError(
                f"batch_size is the global batch, split evenly over the {num_processes} "
                f"processes, so it must be a multiple of {num_processes}; received "
                f"batch_size={adapter.batch_size}."
            )
        self.adapter = adapter
        self.num_processes = num_processes
        self.process_id = process_id
        self.training = training
        self.batch_size = adapter.batch_size // num_processes
        self._seed = seed
        self._epoch = 0
        self._warned = False
        self.num_batches = sum(1 for _ in self._windows(np.arange(adapter.num_samples)))

    def _windows(self, order):
        """This process's rows of each global batch, in the epoch's ``order``."""
        size, count = self.adapter.batch_size, self.num_processes
        for start in range(0, len(order), size):
            window = order[start : start + size]
            if self.training and len(window) % count:
                kept = len(window) - len(window) % count
                if not self._warned:
                    self._warned = True
                    warnings.warn(
                        f"The last batch of {len(window)} samples does not divide over "
                        f"{count} processes: {len(window) - kept} of its samples are left "
                        "out each epoch so that every process takes the same number.",
                        stacklevel=2,
                    )
                window = window[:kept]
            part = np.array_split(window, count)[self.process_id]
            if len(part):
                yield part

    def get_iterator(self):
        adapter = self.adapter
        rng = np.random.default_rng([self._seed, self._epoch])
        self._epoch += 1
        order = np.arange(adapter.num_samples)
        if adapter.shuffle is True:
            order = rng.permutation(adapter.num_samples)
        for rows in self._windows(order):
            if adapter.shuffle == "batch":
                rows = rng.permutation(rows)
            yield adapter._batch(adapter._take(adapter._leaves, rows))


class ProcessShardedPyDataset(DataAdapter):
    def __init__(self, adapter: PyDatasetAdapter, num_processes, process_id, seed):
        self.adapter = adapter
        self.num_batches = adapter.num_batches // num_processes
        if self.num_batches == 0:
            raise ValueError(
                f"The PyDataset has {adapter.num_batches} batches, fewer than the "
                f"{num_processes} processes that share it: each needs at least one."
            )
        self._stride = num_processes
        self._process_id = process_id
        self._seed = seed
        self._epoch = 0
        # The adapter loads (and its workers prefetch) only this process's batches.
        adapter._indices = self._indices  # type: ignore[method-assign]

    def _indices(self):
        total = self.num_batches * self._stride
        order = np.arange(self.adapter.num_batches)
        if self.adapter.shuffle:
            order = np.random.default_rng([self._seed, self._epoch]).permutation(order)
        self._epoch += 1
        return order[self._process_id : total : self._stride].tolist()

    def get_iterator(self):
        return self.adapter.get_iterator()

    def on_epoch_end(self):
        self.adapter.on_epoch_end()


class ProcessStridedBatches(DataAdapter):
    def __init__(self, adapter, num_processes, process_id):
        self.adapter = adapter
        self.num_batches = adapter.num_batches // num_processes
        self._stride = num_processes
        self._process_id = process_id

    def get_iterator(self):
        stop = self.num_batches * self._stride
        return itertools.islice(self.adapter.get_iterator(), self._process_id, stop, self._stride)

    def on_epoch_end(self):
        self.adapter.on_epoch_end()


class ProcessPredictParts(DataAdapter):
    """``predict`` in several processes: every process reads each batch and keeps its own
    contiguous part, so that the parts, joined in process order, are the batch again.

    Each part holds the same number of rows, a multiple of ``multiple`` (the devices one
    process splits its part over): a batch that does not divide so (the last, smaller one)
    is filled up with copies of its last row, which land at the end of the joined batch.
    ``take_sizes()`` gives, per batch, its rows and its rows once filled up, so that the
    filler outputs can be dropped.
    """

    def __init__(self, adapter, num_processes: int, process_id: int, multiple: int = 1):
        self.adapter = adapter
        self.num_batches = adapter.num_batches
        self.batch_size = adapter.batch_size
        self._count = num_processes
        self._process_id = process_id
        self._multiple = multiple
        self._sizes: list[tuple[int, int]] = []

    def take_sizes(self) -> list[tuple[int, int]]:
        """``(rows, rows filled up)`` of each batch yielded since the last call."""
        sizes, self._sizes = self._sizes, []
        return sizes

    def get_iterator(self):
        for batch in self.adapter.get_iterator():
            leaves = [leaf for leaf in tree.flatten(batch) if leaf is not None]
            num_rows = len(leaves[0]) if leaves else 0
            part = -(-num_rows // self._count)  # ceil
            part = -(-part // self._multiple) * self._multiple
            self._sizes.append((num_rows, part * self._count))
            start = min(self._process_id * part, num_rows)
            stop = min(start + part, num_rows)
            yield tree.map_structure(
                lambda leaf, start=start, stop=stop, size=part: _rows(leaf, start, stop, size),
                batch,
            )

    def on_epoch_end(self):
        self.adapter.on_epoch_end()


def _rows(leaf, start: int, stop: int, size: int):
    """Rows ``start:stop`` of ``leaf``, filled up to ``size`` with copies of its last row."""
    if leaf is None or not hasattr(leaf, "shape") or not len(leaf.shape):
        return leaf
    if stop - start == size:
        return leaf[start:stop]
    rows = np.asarray(leaf)
    filler = np.repeat(rows[-1:], size - (stop - start), axis=0)
    return np.concatenate([rows[start:stop], filler], axis=0)
