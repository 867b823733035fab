"""The rest of the NumPy namespace on TensorFlow: functions that need a native kernel.

Composites (nan-reductions, windows, stacking, ...) are written once in ``lamina.ops.numpy``;
only what cannot be composed from other ops lives here.
"""

from __future__ import annotations

import math as _python_math

import tensorflow as tf

from lamina.backend.common.argument_checks import check_correlate_mode
from lamina.backend.common.dtypes import result_type
from lamina.backend.tensorflow.core import convert_to_tensor, dtype_name, to_tf_dtype
from lamina.backend.tensorflow.numpy import _cast, _float, _ndim, _pair, moveaxis

_t = convert_to_tensor

# The signed integer type of each float's width: its bit pattern, for signbit and nextafter.
_BITS = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32, tf.float64: tf.int64}


def _float_pair(x1, x2):
    """Two tensors in the dtype ``_pair`` settles, floatx where that is not a float."""
    x1, x2 = _pair(x1, x2)
    if not (x1.dtype.is_floating or x1.dtype.is_complex):
        x1, x2 = _cast(x1, to_tf_dtype(None)), _cast(x2, to_tf_dtype(None))
    return x1, x2


def _int_pair(x1, x2):
    """Two operands of their promoted dtype; bools count as int32 (no bitwise bool kernels)."""
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return x1, x2


# ---- element-wise -------------------------------------------------------------------------


def arccos(x):
    return tf.acos(_float(x))


def arccosh(x):
    return tf.acosh(_float(x))


def arcsin(x):
    return tf.asin(_float(x))


def arcsinh(x):
    return tf.asinh(_float(x))


def arctanh(x):
    return tf.atanh(_float(x))


def arctan2(x1, x2):
    return tf.atan2(*_float_pair(x1, x2))


def trunc(x):
    x = _t(x)
    if not x.dtype.is_floating:
        return x  # integers are already whole
    return tf.where(x < 0, tf.math.ceil(x), tf.floor(x))


def signbit(x):
    x = _t(x)
    if x.dtype == tf.bool or x.dtype.is_unsigned:
        return tf.zeros(tf.shape(x), tf.bool)
    if x.dtype.is_integer:
        return x < 0
    return tf.bitcast(x, _BITS[x.dtype]) < 0  # the sign bit itself: true for -0.0 and -nan


def i0(x):
    x = _float(x)
    if x.dtype == tf.bfloat16:  # no CPU kernel: compute in float32
        return tf.cast(tf.math.bessel_i0(tf.cast(x, tf.float32)), x.dtype)
    return tf.math.bessel_i0(x)


def nextafter(x1, x2):
    x1, x2 = _float_pair(x1, x2)
    if x1.dtype in (tf.float32, tf.float64):
        return tf.math.nextafter(x1, x2)
    # Half precision has no kernel: step the bit pattern by one toward x2.
    int_dtype = _BITS[x1.dtype]
    bits = tf.bitcast(x1, int_dtype)
    one = tf.ones((), int_dtype)
    away_from_zero = tf.equal(x2 > x1, x1 > 0)
    stepped = tf.bitcast(tf.where(away_from_zero, bits + one, bits - one), x1.dtype)
    smallest = tf.bitcast(one, x1.dtype)  # the smallest subnormal, signed as x2
    from_zero = tf.where(x2 > 0, smallest, -smallest)
    out = tf.where(tf.equal(x1, 0), from_zero, stepped)
    out = tf.where(tf.equal(x1, x2), x2, out)
    return tf.where(tf.math.is_nan(x1) | tf.math.is_nan(x2), x1 + x2, out)


# TruncateMod kernels (CPU) exist for these; others compute in a wider type, cast back.
_TRUNCATEMOD_DTYPES = (tf.float32, tf.float64, tf.int32, tf.int64)


def fmod(x1, x2):
    x1, x2 = _int_pair(x1, x2)
    dtype = x1.dtype
    if dtype not in _TRUNCATEMOD_DTYPES:
        wide = tf.float32 if dtype.is_floating else tf.int64
        x1, x2 = tf.cast(x1, wide), tf.cast(x2, wide)
    out = tf.truncatemod(x1, x2)  # the sign of the dividend, as C's fmod
    if out.dtype.is_floating:
        # TruncateMod has no registered gradient: the value stays its own, the gradient is
        # that of x1 - x2 * trunc(x1 / x2) (1 for x1, -trunc(x1 / x2) for x2).
        out = tf.stop_gradient(out)
        quotient = tf.stop_gradient(tf.round((x1 - out) / x2))
        out += (x1 - tf.stop_gradient(x1)) - (x2 - tf.stop_gradient(x2)) * quotient
    return _cast(out, dtype)


def gcd(x1, x2):
    x1, x2 = _int_pair(x1, x2)
    if x1.dtype.is_unsigned:  # no unsigned Abs / FloorMod kernels
        return tf.cast(gcd(tf.cast(x1, tf.int64), tf.cast(x2, tf.int64)), x1.dtype)
    shape = tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2))
    a, b = tf.broadcast_to(tf.abs(x1), shape), tf.broadcast_to(tf.abs(x2), shape)
    zero = tf.zeros((), a.dtype)

    def step(a, b):
        nonzero = tf.not_equal(b, zero)
        safe = tf.where(nonzero, b, tf.ones_like(b))  # integer division by 0 is an error
        return tf.where(nonzero, b, a), tf.where(nonzero, tf.math.floormod(a, safe), zero)

    a, _ = tf.while_loop(lambda a, b: tf.reduce_any(tf.not_equal(b, zero)), step, (a, b))
    return a


def lcm(x1, x2):
    x1, x2 = _int_pair(x1, x2)
    if x1.dtype.is_unsigned:
        return tf.cast(lcm(tf.cast(x1, tf.int64), tf.cast(x2, tf.int64)), x1.dtype)
    divisor = gcd(x1, x2)
    safe = tf.where(tf.equal(divisor, 0), tf.ones_like(divisor), divisor)
    return tf.abs(x1 // safe * x2) * tf.cast(tf.not_equal(divisor, 0), divisor.dtype)


# ---- bitwise ------------------------------------------------------------------------------


def _bitwise(int_function, bool_function, x, y):
    x, y = _pair(x, y)
    if x.dtype == tf.bool:
        return bool_function(x, y)
    return int_function(x, y)


def bitwise_and(x, y):
    return _bitwise(tf.bitwise.bitwise_and, tf.logical_and, x, y)


def bitwise_or(x, y):
    return _bitwise(tf.bitwise.bitwise_or, tf.logical_or, x, y)


def bitwise_xor(x, y):
    return _bitwise(tf.bitwise.bitwise_xor, tf.math.logical_xor, x, y)


def bitwise_invert(x):
    x = _t(x)
    return tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x)


def left_shift(x, y):
    return tf.bitwise.left_shift(*_int_pair(x, y))


def right_shift(x, y):
    return tf.bitwise.right_shift(*_int_pair(x, y))


# ---- complex parts ------------------------------------------------------------------------


def real(x):
    x = _t(x)
    return tf.math.real(x) if x.dtype.is_complex else x


def imag(x):
    x = _t(x)
    return tf.math.imag(x) if x.dtype.is_complex else tf.zeros_like(x)


def conj(x):
    x = _t(x)
    return tf.math.conj(x) if x.dtype.is_complex else x


def angle(x):
    x = _float(x)
    if x.dtype.is_complex:
        return tf.math.angle(x)
    out = tf.where(x < 0, tf.constant(_python_math.pi, x.dtype), tf.zeros((), x.dtype))
    return tf.where(tf.math.is_nan(x), x, out)


# ---- indexing, sorting, counting ----------------------------------------------------------


def roll(x, shift, axis=None):
    x = _t(x)
    if axis is None:  # over the flattened array
        return tf.reshape(tf.roll(tf.reshape(x, (-1,)), shift, axis=0), tf.shape(x))
    return tf.roll(x, shift, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right'; received {side!r}.")
    sorted_sequence, values = _pair(sorted_sequence, values)
    if _ndim(sorted_sequence) != 1:
        raise ValueError(
            "searchsorted: sorted_sequence must be 1-D; received shape "
            f"{tuple(sorted_sequence.shape)}."
        )
    flat = tf.reshape(values, (1, -1))  # tf.searchsorted searches along rows
    out = tf.searchsorted(sorted_sequence[None, :], flat, side=side, out_type=tf.int32)
    return tf.reshape(out, tf.shape(values))


def bincount(x, weights=None, minlength=0):
    x = _t(x)
    axis = -1 if _ndim(x) == 2 else None  # a count per row
    if weights is None:
        return tf.math.bincount(x, minlength=minlength, axis=axis, dtype=tf.int32)
    weights = _t(weights)
    dtype = to_tf_dtype(result_type(dtype_name(x), dtype_name(weights)))
    weights = tf.cast(weights, tf.float64)
    # A segment sum (DenseBincount has no gradient) so weights get gradients; per row, the
    # ids of row r are shifted by r * length.
    length = tf.maximum(tf.cast(minlength, x.dtype), tf.reduce_max(x) + 1)
    if axis is None:
        counts = tf.math.unsorted_segment_sum(weights, x, length)
    else:
        rows = tf.shape(x, out_type=x.dtype)[0]
        ids = x + tf.range(rows)[:, None] * length
        flat = tf.math.unsorted_segment_sum(
            tf.reshape(weights, [-1]), tf.reshape(ids, [-1]), rows * length
        )
        counts = tf.reshape(flat, tf.stack([rows, length]))
    return tf.cast(counts, dtype)


def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """(values, first indices, inverse, counts), sorted; the op picks the ones asked for."""
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, (-1,)), 0
    axis = axis % _ndim(x)
    rows = tf.reshape(moveaxis(x, axis, 0), (tf.shape(x)[axis], -1))  # (n, rest)
    # Distinct rows in order of first appearance, then sorted (lexicographically, by row).
    found, first_seen = tf.raw_ops.UniqueV2(x=rows, axis=tf.constant([0], tf.int64))
    order = _lexicographic_order(found)
    values = tf.gather(found, order)
    rank = tf.math.invert_permutation(order)
    inverse = tf.gather(rank, first_seen)
    num_values = tf.shape(values)[0]
    counts = tf.math.unsorted_segment_sum(tf.ones_like(inverse), inverse, num_values)
    positions = tf.range(tf.shape(inverse)[0], dtype=inverse.dtype)
    first = tf.math.unsorted_segment_min(positions, inverse, num_values)
    other_shape = tf.concat([[num_values], tf.shape(moveaxis(x, axis, 0))[1:]], 0)
    values = moveaxis(tf.reshape(values, other_shape), 0, axis)
    return values, _cast(first, tf.int32), _cast(inverse, tf.int32), _cast(counts, tf.int32)


def _lexicographic_order(rows):
    """The permutation that sorts ``rows`` (n, k) lexicographically (stable sorts, last key
    first)."""
    order = tf.range(tf.shape(rows)[0])
    for column in reversed(range(rows.shape[1] or 0)):
        keys = tf.gather(rows[:, column], order)
        if keys.dtype == tf.bool:
            keys = tf.cast(keys, tf.int32)
        order = tf.gather(order, tf.argsort(keys, stable=True))
    return order


def _move_to_last(x, axis):
    """``x`` with ``axis`` (an int, a tuple, or None for all) flattened into one last axis."""
    if axis is None:
        return tf.reshape(x, (-1,))
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = [a % _ndim(x) for a in axes]
    kept = [d for d in range(_ndim(x)) if d not in axes]
    x = tf.transpose(x, kept + axes)
    return tf.reshape(x, tf.concat([tf.shape(x)[: len(kept)], [-1]], 0))


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, ignore_nan):
    if method not in _QUANTILE_METHODS:
        raise ValueError(
            f"quantile: method must be one of {_QUANTILE_METHODS}; received {method!r}."
        )
    x = _float(x)
    compute_dtype = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else x.dtype
    q = tf.cast(_t(q), compute_dtype)
    flat = _move_to_last(tf.cast(x, compute_dtype), axis)  # (..., n)
    is_nan = tf.math.is_nan(flat)
    # NaNs sort last (as +inf); nanquantile counts only the others, quantile gives nan.
    flat = tf.sort(tf.where(is_nan, tf.constant(float("inf"), compute_dtype), flat), axis=-1)
    n = tf.cast(tf.shape(flat)[-1], compute_dtype)
    if ignore_nan:
        n = tf.reduce_sum(tf.cast(~is_nan, compute_dtype), axis=-1, keepdims=True)
    positions = tf.reshape(q, (-1,)) * (n - 1)  # (Q,), or (..., Q) when n is per slice
    positions = tf.broadcast_to(positions, tf.concat([tf.shape(flat)[:-1], [tf.size(q)]], 0))
    low, high = tf.floor(positions), tf.math.ceil(positions)
    last = tf.maximum(tf.cast(tf.shape(flat)[-1], compute_dtype) - 1, 0)

    def at(position):
        index = tf.cast(tf.clip_by_value(position, 0, last), tf.int32)
        return tf.gather(flat, index, batch_dims=_ndim(flat) - 1)

    if method == "lower":
        out = at(low)
    elif method == "higher":
        out = at(high)
    elif method == "midpoint":
        out = (at(low) + at(high)) / 2
    elif method == "nearest":
        out = at(tf.round(positions))  # half to even, as NumPy
    else:
        fraction = positions - low
        out = at(low) + (at(high) - at(low)) * fraction
    nan = tf.constant(float("nan"), compute_dtype)
    if ignore_nan:
        out = tf.where(tf.equal(n, 0), nan, out)  # an all-NaN slice
    else:
        out = tf.where(tf.reduce_any(is_nan, axis=-1, keepdims=True), nan, out)
    out = moveaxis(out, -1, 0)  # (Q, ...)
    if keepdims:
        axes = range(_ndim(x)) if axis is None else ([axis] if isinstance(axis, int) else axis)
        for a in sorted(a % _ndim(x) for a in axes):
            out = tf.expand_dims(out, a + 1)
    if _ndim(q) == 0:
        out = out[0]
    return tf.cast(out, x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=False)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, ignore_nan=True)


def view(x, dtype=None):
    """The same bytes read as ``dtype``; the last axis grows or shrinks, as NumPy's."""
    x = _t(x)
    if dtype is None:
        return x
    target = to_tf_dtype(dtype)
    source = x.dtype
    if source == target:
        return x
    # TensorFlow bitcasts no bools: read them as the uint8 they are stored as.
    if source == tf.bool:
        return view(tf.cast(x, tf.uint8), dtype)
    if target == tf.bool:
        return tf.cast(view(x, "uint8"), tf.bool)
    ratio = source.size / target.size
    if ratio == 1:
        return tf.bitcast(x, target)
    shape = tf.shape(x)
    if ratio > 1:  # (..., n) -> (..., n * ratio)
        out = tf.bitcast(x, target)  # (..., n, ratio)
        return tf.reshape(out, tf.concat([shape[:-1], [-1]], 0))
    group = int(round(1 / ratio))  # (..., n) -> (..., n / group)
    if x.shape[-1] is not None and x.shape[-1] % group:
        raise ValueError(
            f"view: the last axis ({x.shape[-1]}) of a {dtype_name(x)} array must be a "
            f"multiple of {group} to be viewed as {dtype_name(target)}."
        )
    grouped = tf.reshape(x, tf.concat([shape[:-1], [-1, group]], 0))
    return tf.bitcast(grouped, target)


def slogdet(x):
    sign, logabsdet = tf.linalg.slogdet(_float(x))
    return sign, logabsdet


def correlate(x1, x2, mode="valid"):
    check_correlate_mode(mode)
    x1, x2 = _float_pair(x1, x2)
    n, m = x1.shape[0], x2.shape[0]
    if n < m:  # NumPy swaps so the longer one slides; the result reverses
        return tf.reverse(correlate(x2, x1, mode), [0])
    padded = tf.pad(x1, [[m - 1, m - 1]])
    windows = tf.signal.frame(padded, m, 1)  # (n + m - 1, m): every shift of x2 over x1
    full = tf.linalg.matvec(windows, x2)
    if mode == "full":
        return full
    if mode == "valid":
        return full[m - 1 : n]
    start = (m - 1) - m // 2  # NumPy centres 'same' on the full output's middle
    return full[start : start + n]


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    x = moveaxis(x, [axis1, axis2], [-2, -1])
    rows, cols = x.shape[-2], x.shape[-1]
    past_corner = (offset >= 0 and cols is not None and offset >= cols) or (
        offset < 0 and rows is not None and -offset >= rows
    )
    if past_corner:
        return tf.zeros(tf.concat([tf.shape(x)[:-2], [0]], 0), x.dtype)  # past the corner
    return tf.linalg.diag_part(x, k=offset)


def vectorize(pyfunc, excluded=None, signature=None):
    """``pyfunc`` mapped over the leading (broadcast) axes, through ``tf.vectorized_map``."""
    excluded = set() if excluded is None else set(excluded)
    core_ndims = _core_ndims(signature)

    def vectorized(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [_t(args[i]) for i in positions]
        ndims = core_ndims or [0] * len(tensors)
        loop_shape = tf.TensorShape([])
        for tensor, core in zip(tensors, ndims):
            loop_shape = tf.broadcast_static_shape(loop_shape, tensor.shape[: _ndim(tensor) - core])
        loop_shape = loop_shape.as_list()
        flat = [
            tf.reshape(
                tf.broadcast_to(t, loop_shape + t.shape[_ndim(t) - n :].as_list()),
                [-1, *t.shape[_ndim(t) - n :].as_list()],
            )
            for t, n in zip(tensors, ndims)
        ]

        def call(items):
            full = list(args)
            for i, item in zip(positions, items):
                full[i] = item
            return pyfunc(*full, **kwargs)

        out = tf.vectorized_map(call, tuple(flat), fallback_to_while_loop=True)
        if isinstance(out, (tuple, list)):
            return type(out)(tf.reshape(o, loop_shape + o.shape[1:].as_list()) for o in out)
        return tf.reshape(out, loop_shape + out.shape[1:].as_list())

    return vectorized


def _core_ndims(signature):
    if signature is None:
        return None
    inputs = signature.split("->")[0]
    groups = inputs.replace(" ", "").split("),(")
    return [len([d for d in g.strip("()").split(",") if d]) for g in groups]
