"""Batches from a Python generator or any iterable (a torch DataLoader is one)."""

from __future__ import annotations

import itertools

import numpy as np

from lamina import backend
from lamina.backend.common import tree
from lamina.trainers.data_adapters.adapter import DataAdapter, unpack_x_y_sample_weight


def _to_tensor(x):
    # Engine tensors pass through convert_to_tensor too: on a GPU it moves a loader's CPU
    # batches to the device, once, before the step.
    return None if x is None else backend.convert_to_tensor(x)


def _with_class_weight(batch, class_weight):
    if class_weight is None:
        return batch
    from lamina.trainers.data_adapters.array_adapter import class_weight_to_sample_weight

    x, y, sample_weight = unpack_x_y_sample_weight(batch)
    if y is None:
        raise ValueError("class_weight needs batches with targets `y`.")
    weights = class_weight_to_sample_weight(y, class_weight)
    if sample_weight is not None:
        weights = weights * np.asarray(backend.convert_to_numpy(sample_weight))
    return (x, y, weights)


def standardize_batch(batch, class_weight=None):
    batch = _with_class_weight(batch, class_weight)
    if isinstance(batch, list):
        batch = tuple(batch)
    return tree.map_structure(_to_tensor, batch)


class IterableDataAdapter(DataAdapter):
    """Re-iterable sources (DataLoader, lists of batches): each epoch iterates again."""

    def __init__(self, iterable, class_weight=None):
        self.iterable = iterable
        self.class_weight = class_weight
        try:
            self.num_batches = len(iterable)
        except TypeError:
            self.num_batches = None

    def get_iterator(self):
        for batch in self.iterable:
            yield standardize_batch(batch, self.class_weight)


class GeneratorDataAdapter(DataAdapter):
    """A one-shot generator: epochs continue where the previous one stopped, as in Keras."""

    def __init__(self, generator, class_weight=None):
        first = next(generator)
        self.generator = itertools.chain([first], generator)
        self.class_weight = class_weight
        self.num_batches = None
        self.peek = first

    def get_iterator(self):
        for batch in self.generator:
            yield standardize_batch(batch, self.class_weight)
