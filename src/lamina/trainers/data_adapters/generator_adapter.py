"""Batches from a Python generator or any re-iterable source: a torch DataLoader or
IterableDataset, a tf.data.Dataset, a grain dataset, a list of batches."""

from __future__ import annotations

import itertools

import numpy as np

from lamina import backend
from lamina.backend.common import tree
from lamina.trainers.data_adapters.adapter import (
    DataAdapter,
    to_device,
    unpack_x_y_sample_weight,
)


def _to_host(x):
    """Another framework's tensor (tf, JAX, torch under another engine) as NumPy; the
    engine's own tensors and NumPy arrays unchanged."""
    if x is None or isinstance(x, np.ndarray) or backend.is_tensor(x):
        return x
    kind = type(x).__name__
    if kind in ("SparseTensor", "RaggedTensor"):
        raise TypeError(
            f"Batches must hold dense arrays; received a {kind} from {type(x).__module__}. "
            "Convert it to a dense tensor in the input pipeline (e.g. `.to_tensor()`)."
        )
    if type(x).__module__.startswith("torch"):
        return x.detach().cpu().numpy()
    if hasattr(x, "__array__"):
        array = np.asarray(x)
        # TensorFlow lends read-only views of its tensors; torch will not wrap those.
        return array if array.flags.writeable else array.copy()
    return x


def _to_tensor(x):
    # Engine tensors go through the engine too: on a GPU a loader's CPU batches move to the
    # device, once, before the step. NumPy text stays on the host for the string layers.
    return to_device(_to_host(x))


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


def _length(iterable):
    try:
        return len(iterable)
    except (TypeError, NotImplementedError):  # no __len__ (an IterableDataset's raises)
        return None


class IterableDataAdapter(DataAdapter):
    """Re-iterable sources (DataLoader, lists of batches): each epoch iterates again."""

    def __init__(self, iterable, class_weight=None, num_batches="len"):
        self.iterable = iterable
        self.class_weight = class_weight
        self.num_batches = _length(iterable) if num_batches == "len" else num_batches

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
