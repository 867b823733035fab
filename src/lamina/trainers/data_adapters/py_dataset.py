"""PyDataset: a Keras-style indexable dataset (``__len__`` batches, ``__getitem__(i)``),
loaded in parallel by ``fit``/``evaluate``/``predict`` when it asks for workers."""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from lamina.trainers.data_adapters.adapter import DataAdapter
from lamina.trainers.data_adapters.generator_adapter import standardize_batch
from lamina.trainers.data_adapters.worker_pool import OrderedPrefetcher

_DEFAULTS = {"_workers": 1, "_use_multiprocessing": False, "_max_queue_size": 10}


def _check_arguments(workers, use_multiprocessing, max_queue_size):
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 0:
        raise ValueError(f"`workers` must be an integer >= 0; received workers={workers!r}.")
    if not isinstance(use_multiprocessing, (bool, np.bool_)):
        raise TypeError(
            f"`use_multiprocessing` must be True or False; received {use_multiprocessing!r}."
        )
    if (
        isinstance(max_queue_size, bool)
        or not isinstance(max_queue_size, (int, np.integer))
        or max_queue_size < 1
    ):
        raise ValueError(
            f"`max_queue_size` must be an integer >= 1; received max_queue_size={max_queue_size!r}."
        )


class PyDataset:
    """Base class for a dataset written in Python and loaded in parallel.

    Subclass it, call ``super().__init__(**kwargs)``, and define ``__len__`` (the number of
    batches) and ``__getitem__(index)`` (one whole batch: ``x``, ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)``). ``on_epoch_begin``/``on_epoch_end`` run between epochs.

    Args:
        workers: how many batches ``fit`` loads at once. With 1 (and no multiprocessing),
            batches are loaded in the training thread.
        use_multiprocessing: load in worker processes instead of threads (for CPU-bound
            ``__getitem__``). Workers start with the engine's safe start method (fork on
            Linux under torch and NumPy, as torch's DataLoader; forkserver under JAX, which
            then pickles the dataset: its class must be importable).
        max_queue_size: how many batches may be loaded ahead of the training step.

    Manual iteration (``for batch in dataset``) is sequential; the parallelism is ``fit``'s.

    Example:

    ```python
    class Batches(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size = x, y, batch_size

        def __len__(self):
            return math.ceil(len(self.x) / self.batch_size)

        def __getitem__(self, index):
            rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
            return self.x[rows], self.y[rows]

    model.fit(Batches(x, y, 32, workers=4), epochs=3)
    ```
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        _check_arguments(workers, use_multiprocessing, max_queue_size)
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        missing = [name for name in _DEFAULTS if not hasattr(self, name)]
        for name in missing:
            setattr(self, name, _DEFAULTS[name])
        if missing:
            warnings.warn(
                f"Your `PyDataset` class {type(self).__name__} should call "
                "`super().__init__(**kwargs)` in its constructor. `**kwargs` can include "
                "`workers`, `use_multiprocessing`, `max_queue_size`. Do not pass these "
                "arguments to `fit()`, as they will be ignored.",
                stacklevel=3,
            )

    @property
    def workers(self):
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        raise NotImplementedError

    def __iter__(self):
        try:
            count = self.num_batches
        except NotImplementedError:
            count = None
        for index in itertools.count() if count is None else range(count):
            yield self[index]

    @property
    def num_batches(self):
        """The number of batches, or None for a dataset without end."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            "You need to implement the `num_batches` property (or `__len__`):\n\n"
            "@property\ndef num_batches(self):\n    return ..."
        )

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass


def _as_batch_tuple(batch):
    """Keras's accepted batch forms: a dict (the inputs), an array, or a 1-3 tuple."""
    if isinstance(batch, dict):
        return batch
    if isinstance(batch, np.ndarray):
        return (batch,)
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple) or len(batch) not in (1, 2, 3):
        raise ValueError(
            "PyDataset.__getitem__() must return a tuple or a dict. If a tuple, it must be "
            "ordered either (input,) or (inputs, targets) or (inputs, targets, "
            f"sample_weights). Received: {str(batch)[:100]} of type {type(batch).__name__}."
        )
    return batch


class PyDatasetAdapter(DataAdapter):
    """One epoch is ``dataset[i]`` for every index, in order or shuffled, loaded by the
    dataset's workers when it has more than one (or asks for processes)."""

    def __init__(self, dataset, shuffle=False, class_weight=None):
        if not hasattr(dataset, "__getitem__"):
            raise TypeError(
                f"A PyDataset must implement __getitem__; {type(dataset).__name__} does not."
            )
        self.dataset = dataset
        self.shuffle = shuffle
        self.class_weight = class_weight
        try:
            self.num_batches = dataset.num_batches
        except NotImplementedError:
            self.num_batches = None  # read until __getitem__ raises IndexError
        workers, use_multiprocessing = dataset.workers, dataset.use_multiprocessing
        _check_arguments(workers, use_multiprocessing, dataset.max_queue_size)
        self._prefetcher = None
        if workers > 1 or (workers > 0 and use_multiprocessing):  # as Keras
            self._prefetcher = OrderedPrefetcher(
                dataset, workers, use_multiprocessing, dataset.max_queue_size
            )

    def _indices(self):
        if self.num_batches is None:
            return itertools.count()
        if self.shuffle:
            return np.random.permutation(self.num_batches).tolist()
        return range(self.num_batches)

    def _in_this_thread(self, indices):
        for index in indices:
            try:
                batch = self.dataset[index]
            except IndexError:
                if self.num_batches is None:
                    return
                raise
            yield batch

    def get_iterator(self):
        self.dataset.on_epoch_begin()
        indices = self._indices()
        if self._prefetcher is None:
            raw = self._in_this_thread(indices)
        else:
            raw = self._prefetcher.batches(indices, unknown_length=self.num_batches is None)
        try:
            for batch in raw:
                yield standardize_batch(_as_batch_tuple(batch), self.class_weight)
        finally:
            raw.close()  # stops the workers now, also when the epoch is left early

    def on_epoch_end(self):
        self.dataset.on_epoch_end()

    def close(self):
        """Stop the worker processes, which otherwise stay from one epoch to the next."""
        if self._prefetcher is not None:
            self._prefetcher.close()
