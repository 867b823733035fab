"""The adapter interface, and the choice of adapter for what the user passed to fit."""

from __future__ import annotations

import types

import numpy as np

from lamina import backend
from lamina.backend.common import tree


def unpack_x_y_sample_weight(data):
    """A batch is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`; "
        f"received a tuple of length {len(data)}."
    )


class DataAdapter:
    """Yields batches for one epoch at a time."""

    num_batches: int | None = None
    batch_size: int | None = None

    def get_iterator(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def close(self):
        """Release what outlives an epoch (a PyDataset's worker processes); the adapter is
        not used afterwards."""


def _is_array_like(x) -> bool:
    if x is None:
        return True
    if isinstance(x, (np.ndarray, backend.KerasVariable)) or backend.is_tensor(x):
        return True
    if isinstance(x, (list, tuple)):
        return all(_is_array_like(item) for item in x)
    if isinstance(x, dict):
        return all(_is_array_like(item) for item in x.values())
    return hasattr(x, "__array__") and hasattr(x, "shape")


def _has_class(x, names, module_part) -> bool:
    """Whether ``x``'s class or a base is one of ``names`` from a module containing
    ``module_part``: other frameworks' types are recognised without importing them."""
    return any(
        cls.__name__ in names and module_part in cls.__module__ for cls in type(x).__mro__
    )


def _is_torch_dataloader(x) -> bool:
    return _has_class(x, ("DataLoader",), "torch.utils.data")


def _is_torch_iterable_dataset(x) -> bool:
    return _has_class(x, ("IterableDataset",), "torch.utils.data")


def is_tf_dataset(x) -> bool:
    return _has_class(
        x,
        ("DatasetV2", "DistributedDataset", "DistributedDatasetsFromFunction"),
        "tensorflow.python.",
    )


def is_grain_dataset(x) -> bool:
    return _has_class(x, ("MapDataset", "IterDataset", "DataLoader"), "grain")


def is_pandas(x) -> bool:
    return _has_class(x, ("DataFrame", "Series"), "pandas")


def from_pandas(x):
    """A pandas DataFrame or Series as a NumPy array (its values, rows first), as Keras
    slices them; anything else unchanged. pandas itself is never imported here."""
    if not is_pandas(x):
        return x
    array = x.to_numpy()
    # pandas 3's copy-on-write hands out read-only views, which torch will not wrap.
    return array if array.flags.writeable else array.copy()


def to_device(x):
    """A batch leaf as the step takes it: host text stays NumPy (the string layers read
    it); anything else goes to the model's device through the engine, without blocking the
    host (pinned memory and a non-blocking copy on CUDA; no copy on a CPU)."""
    if x is None or backend.is_string_array(x):
        return x
    return backend.engine.trainer.batch_to_device(x)


def get_data_adapter(
    x,
    y=None,
    sample_weight=None,
    batch_size=None,
    steps_per_epoch=None,
    shuffle=False,
    class_weight=None,
):
    from lamina.trainers.data_adapters.array_adapter import ArrayDataAdapter
    from lamina.trainers.data_adapters.generator_adapter import (
        GeneratorDataAdapter,
        IterableDataAdapter,
    )
    from lamina.trainers.data_adapters.py_dataset import PyDataset, PyDatasetAdapter

    if isinstance(x, PyDataset):
        _no_targets(x, y, sample_weight, "a PyDataset")
        return PyDatasetAdapter(x, shuffle=shuffle, class_weight=class_weight)
    if isinstance(x, types.GeneratorType):
        _no_targets(x, y, sample_weight, "a generator")
        return GeneratorDataAdapter(x, class_weight=class_weight)
    if is_tf_dataset(x):
        from lamina.trainers.data_adapters.tf_dataset_adapter import TFDatasetAdapter

        _no_targets(x, y, sample_weight, "a tf.data.Dataset")
        return TFDatasetAdapter(x, class_weight=class_weight)
    if is_grain_dataset(x):
        _no_targets(x, y, sample_weight, "a grain dataset")
        # As Keras: a grain dataset's length is not taken as its number of batches.
        return IterableDataAdapter(x, class_weight=class_weight, num_batches=None)
    if _is_torch_dataloader(x) or _is_torch_iterable_dataset(x):
        _no_targets(x, y, sample_weight, f"a torch {type(x).__name__}")
        return IterableDataAdapter(x, class_weight=class_weight)
    x, y, sample_weight = (
        tree.map_structure(from_pandas, part) for part in (x, y, sample_weight)
    )
    if _is_array_like(x) and _is_array_like(y) and _is_array_like(sample_weight):
        return ArrayDataAdapter(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
    if hasattr(x, "__iter__") and not isinstance(x, (str, bytes)):
        _no_targets(x, y, sample_weight, f"an iterable of type {type(x).__name__}")
        return IterableDataAdapter(x, class_weight=class_weight)
    raise ValueError(
        "Unrecognized data type: x should be NumPy arrays or tensors (or lists/dicts of them), "
        "a pandas DataFrame or Series, a PyDataset, a generator, a torch DataLoader or "
        "IterableDataset, a tf.data.Dataset or a grain dataset; received x of type "
        f"{type(x).__name__} and y of type {type(y).__name__}."
    )


def _no_targets(x, y, sample_weight, kind):
    if y is not None or sample_weight is not None:
        raise ValueError(
            f"When x is {kind}, it must yield the targets itself: `y` and `sample_weight` "
            "must not be given separately."
        )
