"""The per-feature NumPy batches a ``FeatureSpace.adapt`` call reads from a dataset of dicts.

``adapt`` takes what Keras's does (a ``tf.data.Dataset`` of dicts, or a dict of arrays or
lists) and also what Lamina's ``fit`` takes: a ``PyDataset``, a generator or any iterable
yielding dicts (or ``(dict, y)`` tuples; only the dict is read). The data is read once, on
the host; TensorFlow is never imported (a ``tf.data`` element's tensors are read with
``.numpy()``). Batches are shaped as Keras's ``adapt`` shapes them: unbatched scalars are
grouped 32 at a time, and a rank-1 batch becomes a column ``(batch, 1)``.
"""

from __future__ import annotations

import itertools

import numpy as np

from lamina.layers.preprocessing.adapt_data import as_numpy

ADAPT_BATCH_SIZE = 32  # Keras batches unbatched elements by 32 before adapting


def _as_column(batch: np.ndarray) -> np.ndarray:
    return batch[:, None] if batch.ndim == 1 else batch


def _from_dict(data: dict, names) -> dict:
    columns = {name: _as_column(np.asarray(as_numpy(data[name]))) for name in names}
    return {
        name: [column[i : i + ADAPT_BATCH_SIZE] for i in range(0, len(column), ADAPT_BATCH_SIZE)]
        for name, column in columns.items()
    }


def _elements(data):
    """The elements of ``data``: a PyDataset's batches by index, else ``iter(data)``."""
    if hasattr(data, "num_batches") and hasattr(data, "__getitem__"):
        count = data.num_batches
        indices = itertools.count() if count is None else range(count)
        return (data[i] for i in indices)
    return iter(data)


def _element_dict(element) -> dict:
    if isinstance(element, tuple) and element:
        element = element[0]  # (x, y) or (x, y, sample_weight): x only, as Keras
    if not isinstance(element, dict):
        raise ValueError(
            "FeatureSpace.adapt() expects a dataset whose elements are dicts of feature "
            f"values (or (dict, y) tuples); received an element of type {type(element).__name__}."
        )
    return element


def _feature_value(element: dict, name: str) -> np.ndarray:
    if name not in element:
        raise ValueError(
            f"FeatureSpace.adapt(): the data has no feature {name!r}; received features "
            f"{sorted(element)}."
        )
    return np.asarray(as_numpy(element[name]))


def feature_batches(data, names) -> dict:
    """``{name: [batch, ...]}`` for each feature in ``names``, read from ``data`` once."""
    if isinstance(data, dict):
        missing = [name for name in names if name not in data]
        if missing:
            raise ValueError(
                f"FeatureSpace.adapt(): the data has no feature(s) {missing}; received "
                f"features {sorted(data)}."
            )
        return _from_dict(data, names)
    if isinstance(data, (str, bytes, np.ndarray)) or not hasattr(data, "__iter__"):
        raise TypeError(
            "FeatureSpace.adapt() expects a dict of arrays or lists, a tf.data.Dataset, a "
            "PyDataset or an iterable yielding dicts of feature values. Received: "
            f"{type(data).__name__}."
        )
    batches: dict = {name: [] for name in names}
    unbatched = None  # decided by the first element, as Keras does
    for element in _elements(data):
        element = _element_dict(element)
        for name in names:
            value = _feature_value(element, name)
            if unbatched is None:
                unbatched = value.ndim == 0
            batches[name].append(value)
    if unbatched is None:
        raise ValueError("FeatureSpace.adapt() received an empty dataset.")
    if unbatched:
        return _from_dict({name: np.stack(values) for name, values in batches.items()}, names)
    return {name: [_as_column(value) for value in values] for name, values in batches.items()}


__all__ = ["feature_batches"]
