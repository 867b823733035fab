"""Batches from in-memory arrays (NumPy arrays or engine tensors, possibly nested).

The arrays are moved to the device once, when they fit comfortably (under 2 GiB); each batch
is then a slice on the device, with no host round trip. A shuffled epoch gathers its rows
once, in the epoch's order, and slices that (up to 256 MiB of data; above, each batch is
gathered on its own). The structure is flattened once, so a batch costs one slice per array.
"""

from __future__ import annotations

import math

import numpy as np

from lamina import backend, ops
from lamina.backend.common import tree
from lamina.trainers.data_adapters.adapter import DataAdapter, from_pandas

_DEVICE_BYTES_LIMIT = 2 * 1024**3


def _as_array(x, role):
    """``x`` as a NumPy array or engine tensor; floats other than floatx become floatx once
    here, as Keras's array slicing does (``convert_to_tensor`` keeps a float64 array)."""
    if x is None:
        return None
    if isinstance(x, backend.KerasVariable):
        x = x.value
    if backend.is_tensor(x):
        return _floatx(x, ops.dtype(x), ops.cast)
    array = np.asarray(x)
    if backend.is_string_array(array):
        return array  # text stays on the host for the string layers (backend.convert_data)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Expected numeric data for `{role}`; received an array of dtype {array.dtype}"
            + (f" (e.g. {array.flat[0]!r})." if array.size else ".")
        )
    return _floatx(array, array.dtype, np.ndarray.astype)


def _floatx(x, dtype, cast):
    floatx = backend.floatx()
    if backend.is_float_dtype(dtype) and backend.standardize_dtype(dtype) != floatx:
        return cast(x, floatx)
    return x


def _length(x):
    return int(x.shape[0]) if len(x.shape) else 0


def _check_cardinality(named):
    sizes = {}
    for role, structure in named.items():
        for leaf in tree.flatten(structure):
            if leaf is not None:
                sizes.setdefault(role, []).append(_length(leaf))
    flat = {size for values in sizes.values() for size in values}
    if len(flat) > 1:
        detail = "; ".join(f"{role} sizes: {', '.join(map(str, v))}" for role, v in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous: {detail}. Make sure all arrays contain the same "
            "number of samples."
        )
    if not flat:
        raise ValueError("No data was given: x is empty.")
    return flat.pop()


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from ``{class_index: weight}`` (y sparse or one-hot)."""
    if tree.is_nested(y):
        raise ValueError("class_weight is only supported for models with a single output.")
    labels = np.asarray(backend.convert_to_numpy(y))
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = np.argmax(labels, axis=-1)
    elif labels.ndim > 1:
        labels = labels[..., 0]
        if labels.dtype.kind == "f":
            labels = np.round(labels)
    labels = labels.astype(np.int64).reshape(-1)
    # As Keras: a class that class_weight does not name has weight 1.
    table = np.ones(max([*map(int, class_weight), int(labels.max(initial=0))]) + 1, "float32")
    for key, value in class_weight.items():
        table[int(key)] = value
    return table[labels]


def train_validation_split(arrays, validation_split):
    """Split off the last ``validation_split`` fraction (before any shuffling), as Keras."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(
            f"validation_split must be a float between 0 and 1; received {validation_split}."
        )
    arrays = tree.map_structure(from_pandas, arrays)
    total = _check_cardinality({"x": arrays})
    split_at = int(math.floor(total * (1.0 - validation_split)))
    if split_at == 0 or split_at == total:
        raise ValueError(
            f"validation_split={validation_split} leaves an empty training or validation set "
            f"with {total} samples."
        )

    def part(start, stop):
        return tree.map_structure(lambda a: None if a is None else a[start:stop], arrays)

    return part(0, split_at), part(split_at, total)


# Engines that take host batches (JAX): the compiled step's call copies them in.
_BATCHES_ON_HOST = getattr(backend.engine.core, "BATCHES_ON_HOST", False)

# Up to this size, a shuffled epoch gathers every array once and its batches are slices
# (views); above it, each batch is gathered on its own, so the data is never held twice.
_EPOCH_GATHER_BYTES = 256 * 1024**2


def _packer(structure):
    """Rebuilds a batch from its flat arrays: ``tuple`` when the data is a flat tuple
    (``(x, y, sample_weight)`` of single arrays, the common case), else the general rebuild."""
    if type(structure) is tuple and not any(tree.is_nested(part) for part in structure):
        return tuple
    return lambda leaves: tree.pack_sequence_as(structure, leaves)


class ArrayDataAdapter(DataAdapter):
    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        steps=None,
        shuffle=False,
        class_weight=None,
    ):
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"shuffle must be True, False or 'batch'; received {shuffle!r}.")
        x = tree.map_structure(lambda a: _as_array(a, "x"), x)
        y = tree.map_structure(lambda a: _as_array(a, "y"), y)
        sample_weight = tree.map_structure(lambda a: _as_array(a, "sample_weight"), sample_weight)
        self.num_samples = _check_cardinality({"x": x, "y": y, "sample_weight": sample_weight})
        if class_weight is not None:
            if y is None:
                raise ValueError("class_weight needs targets `y`.")
            weights = class_weight_to_sample_weight(y, class_weight)
            sample_weight = (
                weights
                if sample_weight is None
                else (np.asarray(backend.convert_to_numpy(sample_weight)) * weights)
            )
        if batch_size is None:
            # As Keras: with steps but no batch size, the steps cover the data once.
            batch_size = math.ceil(self.num_samples / steps) if steps else 32
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise ValueError(f"batch_size must be a positive integer; received {batch_size!r}.")
        if batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer; received {batch_size}.")
        self.batch_size = int(batch_size)
        self.num_batches = int(math.ceil(self.num_samples / self.batch_size))
        self.shuffle = shuffle
        data = tuple(part for part in (x, y, sample_weight))
        while data and data[-1] is None:
            data = data[:-1]
        self._data, self._convert_batches = self._to_device(data)
        # Flattened once: a batch is a slice of each leaf, packed back without a tree walk.
        self._leaves = tree.flatten(self._data)
        self._pack = _packer(self._data)
        # NumPy leaves are gathered on the host; tensors with a device-side index.
        self._on_host = all(isinstance(a, np.ndarray) for a in self._leaves if a is not None)
        total = sum(getattr(a, "nbytes", 0) for a in self._leaves if a is not None)
        self._gather_per_epoch = total <= _EPOCH_GATHER_BYTES

    @staticmethod
    def _to_device(data):
        """The data as batches are cut from it, and whether each batch must still be
        converted to tensors."""
        leaves = [a for a in tree.flatten(data) if a is not None]
        total = sum(getattr(a, "nbytes", 0) for a in leaves if isinstance(a, np.ndarray))
        if _BATCHES_ON_HOST:
            # Batches stay NumPy and go to the device with the compiled step's call (JAX:
            # an eager gather or conversion costs more dispatch than the copy).
            return data, False
        if total > _DEVICE_BYTES_LIMIT:
            return data, True  # converted batch by batch instead
        data = tree.map_structure(backend.convert_data, data)
        return data, False

    def _batches(self, order):
        leaves = self._leaves
        if order is not None and self._gather_per_epoch:
            leaves, order = self._take(leaves, order), None  # batches are now slices
        # The epoch's permutation goes to the device once; each batch gathers with a slice
        # of it (no host-to-device copy per step).
        order_tensor = None if order is None or self._on_host else backend.convert_to_tensor(order)
        size = self.batch_size
        for start in range(0, self.num_samples, size):
            window = slice(start, start + size)
            if order is None:
                yield self._batch([None if a is None else a[window] for a in leaves])
            else:
                rows = None if order_tensor is None else order_tensor[window]
                yield self._batch(self._take(leaves, order[window], rows))

    def _take(self, leaves, indices, index_tensor=None):
        """The rows ``indices`` of every leaf: NumPy on the host, tensors on the device."""
        if index_tensor is None and not self._on_host:
            index_tensor = backend.convert_to_tensor(indices)

        def take(a):
            if a is None:
                return None
            if isinstance(a, np.ndarray):
                return a[indices]
            return ops.get_item(a, index_tensor)  # one gather on the device

        return [take(a) for a in leaves]

    def _batch(self, parts):
        """A batch as the step receives it, in the data's structure."""
        if self._convert_batches:
            parts = [backend.convert_data(part) for part in parts]
        return self._pack(parts)

    def get_iterator(self):
        if self.shuffle is True:
            order = np.random.permutation(self.num_samples)
            return self._batches(order)
        if self.shuffle == "batch":
            return self._batch_shuffled()
        return self._batches(None)

    def _batch_shuffled(self):
        # Keras 3's "batch": the batches keep their order, the samples within each are shuffled.
        size = self.batch_size
        for start in range(0, self.num_samples, size):
            stop = min(start + size, self.num_samples)
            indices = np.random.permutation(stop - start) + start
            yield self._batch(self._take(self._leaves, indices))
