"""Array creation on TensorFlow (zeros, ranges, eye); ``numpy`` re-exports it.

Python ints give int32 and Python floats floatx, as ``convert_to_tensor`` and Keras do.
"""

from __future__ import annotations

import builtins

import numpy as np
import tensorflow as tf

from lamina.backend.common.dtypes import result_type
from lamina.backend.common.variables import KerasVariable
from lamina.backend.tensorflow.core import convert_to_tensor, dtype_name, to_tf_dtype

_t = convert_to_tensor


def _value(x):
    return x.value if isinstance(x, KerasVariable) else x


def _operand_dtype(x):
    """What ``result_type`` reads: the type of a Python number, else the tensor's dtype."""
    if isinstance(x, (bool, int, float)):
        return type(x)
    return dtype_name(_t(_value(x)))


def _ndim(x) -> int:
    return x.shape.rank


def _shape_list(shape):
    if isinstance(shape, int):
        return [shape]
    if tf.is_tensor(shape):
        return shape
    return [int(d) if isinstance(d, (int, np.integer)) else d for d in shape]


def zeros(shape, dtype=None):
    return tf.zeros(_shape_list(shape), dtype=to_tf_dtype(dtype))


def ones(shape, dtype=None):
    return tf.ones(_shape_list(shape), dtype=to_tf_dtype(dtype))


def full(shape, fill_value, dtype=None):
    if dtype is None and isinstance(fill_value, (bool, int)):
        # Python ints give int32, as convert_to_tensor and Keras do (not int64).
        dtype = "bool" if isinstance(fill_value, bool) else "int32"
    if dtype is None and not isinstance(fill_value, float):
        fill_value = _t(_value(fill_value))
        dtype = dtype_name(fill_value)
    value = tf.cast(_t(_value(fill_value)), to_tf_dtype(dtype))
    return tf.broadcast_to(value, _shape_list(shape))


def zeros_like(x, dtype=None):
    x = _t(x)
    return tf.zeros(tf.shape(x), x.dtype if dtype is None else to_tf_dtype(dtype))


def ones_like(x, dtype=None):
    x = _t(x)
    return tf.ones(tf.shape(x), x.dtype if dtype is None else to_tf_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    dtype = x.dtype if dtype is None else to_tf_dtype(dtype)
    return tf.broadcast_to(tf.cast(_t(_value(fill_value)), dtype), tf.shape(x))


def arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step  # Keras's default step is None, meaning 1
    # Bounds may be tensors: a length that only the traced graph knows.
    bounds = [_t(_value(v)) if tf.is_tensor(_value(v)) else v for v in (start, stop, step)]
    is_int = builtins.all(
        v.dtype.is_integer if tf.is_tensor(v) else isinstance(v, (int, np.integer)) for v in bounds
    )
    if dtype is None:
        dtype = "int32" if is_int else None
    dtype = to_tf_dtype(dtype)
    # Integers count exactly in int64; anything else in float64, so that the number of
    # steps matches NumPy's.
    compute = tf.int64 if is_int else tf.float64
    out = tf.range(*[tf.cast(v, compute) for v in bounds], dtype=compute)
    return tf.cast(out, dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if dtype is None:
        dtype = result_type(_operand_dtype(start), _operand_dtype(stop), float)
    dtype = to_tf_dtype(dtype)
    start = tf.cast(_t(_value(start)), tf.float64)
    stop = tf.cast(_t(_value(stop)), tf.float64)
    divisions = builtins.max(num - 1, 1) if endpoint else builtins.max(num, 1)
    step = (stop - start) / divisions
    index = tf.range(num, dtype=tf.float64)
    index = tf.reshape(index, [-1] + [1] * _ndim(step))
    out = start + index * step  # (num, *broadcast shape)
    if endpoint and num > 1:
        out = tf.concat([out[:-1], stop[None] * tf.ones_like(out[-1:])], axis=0)
    if axis != 0:  # the new axis moves from the front to `axis`
        perm = list(range(1, _ndim(out)))
        perm.insert(axis % _ndim(out), 0)
        out = tf.transpose(out, perm)
    out = tf.cast(tf.floor(out) if dtype.is_integer else out, dtype)
    return (out, tf.cast(step, dtype)) if retstep else out


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    offset = tf.range(M)[None, :] - tf.range(N)[:, None]
    return tf.cast(tf.equal(offset, k), to_tf_dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)
