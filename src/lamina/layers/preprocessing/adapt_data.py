"""The batches an ``adapt()`` call reads, as NumPy arrays, from any data Keras accepts there.

``adapt`` runs once, on the host, before training: NumPy arrays, engine tensors, a
``PyDataset``, a ``tf.data.Dataset`` or any iterable of batches (a list of arrays, a
generator) all become a stream of NumPy batches. Inputs of ``(x, y)`` or ``(x, y,
sample_weight)`` tuples contribute ``x`` only, as in Keras.
"""

from __future__ import annotations

import itertools

import numpy as np

from lamina import backend


def _features(batch):
    if isinstance(batch, tuple):
        return batch[0]
    return batch


def as_numpy(value):
    """One batch as a NumPy array (strings stay NumPy str/object arrays)."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, backend.KerasVariable) or backend.is_tensor(value):
        return np.asarray(backend.convert_to_numpy(value))
    if hasattr(value, "numpy") and callable(value.numpy):  # an eager tf.Tensor
        return np.asarray(value.numpy())
    return np.asarray(value)


def _is_array(data) -> bool:
    return isinstance(data, (np.ndarray, backend.KerasVariable)) or backend.is_tensor(data)


def _is_py_dataset(data) -> bool:
    return hasattr(data, "num_batches") and hasattr(data, "__getitem__")


def iterate_batches(data, batch_size=None, steps=None, layer_name="adapt"):
    """Yield the NumPy batches of ``data``; at most ``steps`` of them when given."""
    if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool) or steps < 1):
        raise ValueError(f"`steps` must be a positive integer or None; received steps={steps!r}.")
    if batch_size is not None and (
        not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1
    ):
        raise ValueError(
            f"`batch_size` must be a positive integer or None; received batch_size={batch_size!r}."
        )
    if _is_array(data):
        array = as_numpy(data)
        if batch_size is None or array.ndim == 0:
            batches = iter([array])
        else:
            batches = (array[i : i + batch_size] for i in range(0, len(array), batch_size))
    elif _is_py_dataset(data):
        count = data.num_batches
        indices = itertools.count() if count is None else range(count)
        batches = (_features(data[i]) for i in indices)
    elif isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
        raise TypeError(
            f"{layer_name}() expects a NumPy array, a tensor, a PyDataset, a tf.data.Dataset or "
            f"an iterable of batches; received {type(data).__name__}."
        )
    elif isinstance(data, (list, tuple)) and data and not _is_batch_like(data[0]):
        batches = iter([np.asarray(data)])  # a plain nested list is one batch of values
    else:
        batches = (_features(batch) for batch in data)
    if steps is not None:
        batches = itertools.islice(batches, steps)
    empty = True
    for batch in batches:
        empty = False
        yield as_numpy(batch)
    if empty:
        raise ValueError(
            f"{layer_name}() received no batches: pass a non-empty array or iterable of batches."
        )


def _is_batch_like(item) -> bool:
    return _is_array(item) or isinstance(item, tuple) or hasattr(item, "numpy")
