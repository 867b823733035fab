"""Multi-hot encoding of integer ids, as ``keras.ops.multi_hot``."""

from __future__ import annotations

from lamina.backend import floatx, standardize_dtype
from lamina.ops import numpy as _np
from lamina.ops.core import convert_to_tensor
from lamina.ops.dispatch import op
from lamina.ops.nn import one_hot


def _multi_hot(inputs, num_classes, axis=-1, dtype=None):
    inputs = convert_to_tensor(inputs)
    # Keras folds the ids of axis 1 (axis 0 for a vector) into one row of num_classes flags:
    # (n,) -> (num_classes,), (batch, n) -> (batch, num_classes). Negative ids set no flag.
    reduced_axis = 1 if len(inputs.shape) > 1 else 0
    encoded = one_hot(inputs, num_classes, axis=axis, dtype=dtype)
    return _np.max(encoded, axis=reduced_axis)


_public_multi_hot = op(_multi_hot, name="multi_hot")


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Encode integer ids as multi-hot vectors: 1 where a class occurs along axis 1.

    ``num_tokens`` is accepted as the old name of ``num_classes``, as in Keras. ``dtype``
    defaults to floatx.
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"multi_hot got unexpected keyword arguments {sorted(kwargs)}.")
    if num_classes is None:
        raise ValueError("multi_hot: the argument num_classes must be specified.")
    if sparse:
        raise ValueError("multi_hot: sparse=True is not supported; Lamina has no sparse tensors.")
    dtype = standardize_dtype(dtype or floatx())
    return _public_multi_hot(inputs, num_classes, axis=axis, dtype=dtype)
