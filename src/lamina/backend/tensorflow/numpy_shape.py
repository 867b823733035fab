"""Shapes, joins, indexing and copies on TensorFlow; ``numpy`` re-exports them.

``tf.experimental.numpy`` is avoided: it promotes as NumPy does (int32 with float32 gives
float64). Joined operands are cast to their ``result_type`` first, as everywhere on this
engine.
"""

from __future__ import annotations

import builtins

import numpy as np
import tensorflow as tf

from lamina.backend.common.argument_checks import check_pad_mode, check_split_sections
from lamina.backend.common.dtypes import result_type
from lamina.backend.tensorflow.core import convert_to_tensor, dtype_name, to_tf_dtype
from lamina.backend.tensorflow.numpy_creation import _shape_list, _value

_t = convert_to_tensor


def _cast(x, dtype):
    return x if x.dtype == dtype else tf.cast(x, dtype)


def _promoted(xs):
    """A list of tensors cast to their common dtype."""
    xs = [_t(_value(x)) for x in xs]
    dtype = to_tf_dtype(result_type(*[dtype_name(x) for x in xs]))
    return [_cast(x, dtype) for x in xs]


def _ndim(x) -> int:
    return x.shape.rank


# ---- shapes -------------------------------------------------------------------------------


def reshape(x, newshape):
    return tf.reshape(_t(x), _shape_list(newshape))


def transpose(x, axes=None):
    return tf.transpose(_t(x), perm=None if axes is None else list(axes))


def swapaxes(x, axis1, axis2):
    x = _t(x)
    perm = list(range(_ndim(x)))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return tf.transpose(x, perm)


def moveaxis(x, source, destination):
    x = _t(x)
    ndim = _ndim(x)
    source = [s % ndim for s in (source if isinstance(source, (list, tuple)) else [source])]
    destination = [
        d % ndim for d in (destination if isinstance(destination, (list, tuple)) else [destination])
    ]
    if len(source) != len(destination):
        raise ValueError(
            "moveaxis: source and destination must have the same number of axes; received "
            f"{source} and {destination}."
        )
    perm = [axis for axis in range(ndim) if axis not in source]
    for dest, src in sorted(zip(destination, source)):
        perm.insert(dest, src)
    return tf.transpose(x, perm)


def expand_dims(x, axis):
    x = _t(x)
    if not isinstance(axis, (list, tuple)):
        return tf.expand_dims(x, axis)
    out_ndim = _ndim(x) + len(axis)
    for position in sorted(a % out_ndim for a in axis):
        x = tf.expand_dims(x, position)
    return x


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return tf.squeeze(x)
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    # As torch: a listed axis whose size is not 1 is left alone rather than an error.
    # An axis of unknown size (a traced batch) is squeezed; the graph checks it is 1.
    axes = [a % _ndim(x) for a in axes if x.shape[a] in (1, None)]
    return tf.squeeze(x, axes) if axes else x


def ravel(x):
    return tf.reshape(_t(x), (-1,))


def concatenate(xs, axis=0):
    xs = _promoted(xs)  # mixed dtypes promote
    if axis is None:
        return tf.concat([tf.reshape(x, (-1,)) for x in xs], axis=0)
    return tf.concat(xs, axis=axis)


def stack(x, axis=0):
    return tf.stack(_promoted(x), axis=axis)


def split(x, indices_or_sections, axis=0):
    x = _t(x)
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        check_split_sections(size, indices_or_sections, axis)
        return tf.split(x, indices_or_sections, axis=axis)
    # Python slices: negative and past-the-end indices, and unknown sizes, as NumPy's.
    bounds = [None, *[int(i) for i in indices_or_sections], None]
    leading = (slice(None),) * (axis % _ndim(x))
    return [x[(*leading, slice(start, stop))] for start, stop in zip(bounds[:-1], bounds[1:])]


def tile(x, repeats):
    x = _t(x)
    repeats = [repeats] if isinstance(repeats, int) else list(repeats)
    # As NumPy: the shorter of the two is padded with leading ones.
    if len(repeats) < _ndim(x):
        repeats = [1] * (_ndim(x) - len(repeats)) + repeats
    elif len(repeats) > _ndim(x):
        for _ in range(len(repeats) - _ndim(x)):
            x = x[None]
    return tf.tile(x, repeats)


def repeat(x, repeats, axis=None):
    x = _t(x)
    if axis is None:  # over the flattened array
        x, axis = tf.reshape(x, (-1,)), 0
    if not isinstance(repeats, int):
        repeats = _t(_value(repeats))
    return tf.repeat(x, repeats, axis=axis)


def broadcast_to(x, shape):
    return tf.broadcast_to(_t(x), _shape_list(shape))


def flip(x, axis=None):
    x = _t(x)
    if axis is None:
        axis = list(range(_ndim(x)))
    elif isinstance(axis, int):
        axis = [axis]
    return tf.reverse(x, list(axis))


def _indices(indices, size):
    """Integer indices with negative ones counted from the end (as NumPy)."""
    indices = _t(_value(indices))
    if not indices.dtype.is_integer:
        indices = tf.cast(indices, tf.int32)
    size = tf.cast(size, indices.dtype)
    return tf.where(indices < 0, indices + size, indices)


def take(x, indices, axis=None):
    x = _t(x)
    if axis is None:  # the flattened array
        x, axis = tf.reshape(x, (-1,)), 0
    axis = axis % _ndim(x)
    return tf.gather(x, _indices(indices, tf.shape(x)[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    if axis is None:
        x = tf.reshape(x, (-1,))
        return tf.gather(x, _indices(tf.reshape(_t(indices), (-1,)), tf.shape(x)[0]))
    axis = axis % _ndim(x)
    indices = _indices(indices, tf.shape(x)[axis])
    # The other axes broadcast between x and indices, as NumPy's.
    x_shape, index_shape = tf.shape(x), tf.shape(indices)

    def with_axis(shape, size):
        return tf.tensor_scatter_nd_update(shape, [[axis]], [size])

    common = tf.broadcast_dynamic_shape(with_axis(x_shape, 1), with_axis(index_shape, 1))
    x = tf.broadcast_to(x, with_axis(common, x_shape[axis]))
    indices = tf.broadcast_to(indices, with_axis(common, index_shape[axis]))
    x = swapaxes(x, axis, -1)
    indices = swapaxes(indices, axis, -1)
    out = tf.gather(x, indices, batch_dims=_ndim(x) - 1)
    return swapaxes(out, axis, -1)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    check_pad_mode(mode, constant_values)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (_ndim(x), 2)).tolist()
    if mode == "constant":
        value = constant_values or 0
        return tf.pad(x, widths, constant_values=tf.cast(value, x.dtype))
    if mode == "edge":
        for axis, (before, after) in enumerate(widths):
            if before or after:
                size = tf.shape(x)[axis]
                index = tf.clip_by_value(tf.range(-before, size + after), 0, size - 1)
                x = tf.gather(x, index, axis=axis)
        return x
    return tf.pad(x, widths, mode=mode.upper())


def _band_mask(x, k, lower):
    rows, cols = tf.shape(x)[-2], tf.shape(x)[-1]
    offset = tf.range(cols)[None, :] - tf.range(rows)[:, None]  # column - row
    return offset <= k if lower else offset >= k


def tril(x, k=0):
    x = _t(x)
    return tf.where(_band_mask(x, k, lower=True), x, tf.zeros((), x.dtype))


def triu(x, k=0):
    x = _t(x)
    return tf.where(_band_mask(x, k, lower=False), x, tf.zeros((), x.dtype))


def diag(x, k=0):
    x = _t(x)
    if _ndim(x) == 1:
        return tf.linalg.diag(x, k=k)
    if _ndim(x) != 2:
        raise ValueError(f"diag: x must be 1-D or 2-D; received shape {tuple(x.shape)}.")
    rows, cols = x.shape
    if (k >= 0 and cols is not None and k >= cols) or (k < 0 and rows is not None and -k >= rows):
        return tf.zeros((0,), x.dtype)  # past the corner: empty, as NumPy
    return tf.linalg.diag_part(x, k=k)


def size(x):
    x = _t(x)
    if not x.shape.is_fully_defined():
        return tf.size(x, out_type=tf.int32)  # known only when the graph runs
    return builtins.int(np.prod(x.shape.as_list()))


# ---- copies and dtypes ---------------------------------------------------------------------


def copy(x):
    return tf.identity(_t(x))


def astype(x, dtype):
    return _cast(_t(x), to_tf_dtype(dtype))


def get_dtype_name(x) -> str:
    return dtype_name(_t(x))
