"""NumPy helpers for labels and vectors, as ``keras.utils.to_categorical`` / ``normalize``."""

from __future__ import annotations

import numpy as np

from lamina import backend, ops


def to_categorical(x, num_classes: int | None = None):
    """One-hot encode integer class ids: ``(..., )`` → ``(..., num_classes)``.

    A trailing axis of size 1 is dropped first, so ``(batch, 1)`` labels give
    ``(batch, num_classes)``. NumPy in, NumPy out (float64, as Keras); an engine tensor
    goes through ``ops.one_hot`` and stays a tensor.

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    if backend.is_tensor(x):
        if num_classes is None:
            num_classes = int(ops.convert_to_numpy(ops.max(x))) + 1
        if len(x.shape) > 1 and x.shape[-1] == 1:
            x = ops.squeeze(x, axis=-1)
        return ops.one_hot(x, num_classes)
    x = np.asarray(x)
    is_fractional = x.size and not np.issubdtype(x.dtype, np.integer)
    if is_fractional and not np.all(np.equal(np.mod(x, 1), 0)):
        raise ValueError(f"to_categorical expects integer class ids; received {x.dtype}.")
    x = x.astype("int64")
    input_shape = x.shape
    if len(input_shape) > 1 and input_shape[-1] == 1:
        input_shape = input_shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(x)) + 1 if x.size else 0
    elif x.size and (np.max(x) >= num_classes or np.min(x) < -num_classes):
        raise ValueError(
            f"to_categorical: class ids must be below num_classes={num_classes}; "
            f"received ids up to {int(np.max(x))}."
        )
    categorical = np.zeros((x.shape[0], num_classes))
    categorical[np.arange(x.shape[0]), x] = 1
    return categorical.reshape((*input_shape, num_classes))


def normalize(x, axis: int | None = -1, order: int = 2):
    """``x`` divided by its ``order``-norm along ``axis``; zero vectors stay zero. NumPy in,
    NumPy out; a tensor stays a tensor."""
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1  # leaves all-zero slices unchanged instead of dividing by zero
        return x / np.expand_dims(norm, axis if axis is not None else -1)
    # A tensor goes through ops.nn.normalize, as in Keras: x / max(norm, epsilon).
    return ops.nn.normalize(x, axis=axis, order=order)
