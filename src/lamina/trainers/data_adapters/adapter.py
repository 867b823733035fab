"""The adapter interface, and the choice of adapter for what the user passed to fit."""

from __future__ import annotations

import types

import numpy as np

from lamina import backend


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


def _is_torch_dataloader(x) -> bool:
    return any(
        cls.__module__.startswith("torch.utils.data") and cls.__name__ == "DataLoader"
        for cls in type(x).__mro__
    )


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
    if _is_torch_dataloader(x):
        _no_targets(x, y, sample_weight, "a torch DataLoader")
        return IterableDataAdapter(x, class_weight=class_weight)
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
        f"a PyDataset, a generator or a torch DataLoader; received x of type {type(x).__name__}"
        f" and y of type {type(y).__name__}."
    )


def _no_targets(x, y, sample_weight, kind):
    if y is not None or sample_weight is not None:
        raise ValueError(
            f"When x is {kind}, it must yield the targets itself: `y` and `sample_weight` "
            "must not be given separately."
        )
