"""PyDataset: a Keras-style indexable dataset (``__len__`` batches, ``__getitem__(i)``)."""

from __future__ import annotations

import numpy as np

from lamina.trainers.data_adapters.adapter import DataAdapter
from lamina.trainers.data_adapters.generator_adapter import standardize_batch


class PyDataset:
    """Subclass and define ``__len__`` (number of batches) and ``__getitem__(index)``.

    ``workers``, ``use_multiprocessing`` and ``max_queue_size`` are accepted as in Keras;
    batches are produced in the training thread.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return self._workers

    @property
    def use_multiprocessing(self):
        return self._use_multiprocessing

    @property
    def max_queue_size(self):
        return self._max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    @property
    def num_batches(self):
        try:
            return len(self)
        except NotImplementedError:
            return None

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass


class PyDatasetAdapter(DataAdapter):
    def __init__(self, dataset, shuffle=False, class_weight=None):
        if not hasattr(dataset, "__getitem__"):
            raise TypeError("A PyDataset must implement __getitem__.")
        self.dataset = dataset
        self.shuffle = shuffle
        self.class_weight = class_weight
        self.num_batches = dataset.num_batches

    def get_iterator(self):
        self.dataset.on_epoch_begin()
        if self.num_batches is None:
            index = 0
            while True:
                try:
                    batch = self.dataset[index]
                except IndexError:
                    return
                yield standardize_batch(batch, self.class_weight)
                index += 1
        order = np.arange(self.num_batches)
        if self.shuffle:
            np.random.shuffle(order)
        for index in order:
            yield standardize_batch(self.dataset[int(index)], self.class_weight)

    def on_epoch_end(self):
        self.dataset.on_epoch_end()
