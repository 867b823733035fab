"""Adaptive pooling written once over an engine's NumPy-like functions (JAX, NumPy,
TensorFlow)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend.common.conv_shapes import adaptive_output_size, adaptive_pool_windows
from lamina.backend.config import standardize_data_format


def adaptive_pool(x, output_size, data_format, mode: str, *, xp: Any, to_float) -> Any:
    """``mode`` ("average" or "max") pooling of the tensor ``x`` into ``output_size``
    windows per spatial axis that split it into near-equal parts (torch's and Keras's
    rule), with ``xp`` the engine's NumPy-like namespace (``take``, ``max``, ``sum`` with
    ``dtype``, ``asarray`` with ``dtype``).

    One axis at a time (both reductions separate over a box): gather each output
    position's window, (..., out, width, ...), then reduce its real entries.
    """
    data_format = standardize_data_format(data_format)
    rank = x.ndim - 2
    output_size = adaptive_output_size(output_size, rank, f"adaptive_{mode}_pool")
    if mode == "average":
        x = to_float(x)
    first = 1 if data_format == "channels_last" else 2
    for axis, size in zip(range(first, first + rank), output_size):
        indices, mask = adaptive_pool_windows(x.shape[axis], size)
        windows = xp.take(x, np.asarray(indices), axis=axis)
        if mode == "max":
            x = xp.max(windows, axis=axis + 1)
            continue
        real = np.asarray(mask)
        weights = real / real.sum(axis=1, keepdims=True)  # (out, width): 1 / count or 0
        weights = weights.reshape(weights.shape + (1,) * (x.ndim - axis - 1))
        x = xp.sum(windows * xp.asarray(weights, dtype=x.dtype), axis=axis + 1, dtype=x.dtype)
    return x
