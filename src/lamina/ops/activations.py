"""Keras 3's newer activation ops (celu, glu, sparsemax, the shrink family...), each written once.

Every function here is a composite of other ops, wrapped by ``op`` so that a symbolic call
records one graph node and gets its shape from the engine's abstract evaluation. Integer
inputs compute in floatx, as the engines' own activations do, except where Keras keeps the
integer dtype (hard_tanh, threshold).
"""

from __future__ import annotations

from lamina.backend import floatx, is_float_dtype, is_int_dtype
from lamina.ops import numpy as _np
from lamina.ops.core import cast, convert_to_tensor, dtype
from lamina.ops.dispatch import op
from lamina.ops.nn import hard_silu, sigmoid


def _float(x):
    x = convert_to_tensor(x)
    return x if is_float_dtype(dtype(x)) else cast(x, floatx())


def _celu(x, alpha=1.0):
    x = _float(x)
    # expm1 of min(x, 0): the branch where() discards never overflows, so its gradient is 0.
    negative = _np.multiply(_np.expm1(_np.divide(_np.minimum(x, 0.0), alpha)), alpha)
    return _np.where(_np.greater(x, 0.0), x, negative)


def _glu(x, axis=-1):
    x = _float(x)
    size = x.shape[axis]
    if size % 2:
        raise ValueError(
            f"glu: the size of axis {axis} must be even, to split it in two halves; received "
            f"x.shape={tuple(x.shape)}."
        )
    values, gates = _np.split(x, 2, axis=axis)
    return _np.multiply(values, sigmoid(gates))


def _integral(x):
    """``x`` with an integer dtype kept (Keras's hard_tanh and threshold keep it); bool and
    floats as ``_float``."""
    x = convert_to_tensor(x)
    return x if is_int_dtype(dtype(x)) else _float(x)


def _hard_tanh(x):
    x = _integral(x)
    if is_int_dtype(dtype(x)):
        return _np.clip(x, -1, 1)
    return _np.clip(x, -1.0, 1.0)


def _hard_shrink(x, threshold=0.5):
    x = _float(x)
    return _np.where(_np.greater(_np.absolute(x), threshold), x, _np.zeros_like(x))


def _soft_shrink(x, threshold=0.5):
    x = _float(x)
    shrunk = _np.where(_np.greater(x, threshold), _np.subtract(x, threshold), _np.zeros_like(x))
    return _np.where(_np.less(x, -threshold), _np.add(x, threshold), shrunk)


def _sparse_plus(x):
    x = _float(x)
    quadratic = _np.multiply(_np.square(_np.add(x, 1.0)), 0.25)
    positive = _np.where(_np.greater_equal(x, 1.0), x, quadratic)
    return _np.where(_np.less_equal(x, -1.0), _np.zeros_like(x), positive)


def _sparse_sigmoid(x):
    # 0.5 * (x + 1) on (-1, 1), clipped to 0 and 1 outside: the same piecewise function.
    return _np.clip(_np.multiply(_np.add(_float(x), 1.0), 0.5), 0.0, 1.0)


def _squareplus(x, b=4):
    x = _float(x)
    return _np.multiply(_np.add(x, _np.sqrt(_np.add(_np.square(x), b))), 0.5)


def _tanh_shrink(x):
    x = _float(x)
    return _np.subtract(x, _np.tanh(x))


def _threshold(x, threshold, default_value):
    x = _integral(x)
    return _np.where(_np.greater(x, threshold), x, _np.full_like(x, default_value))


def _sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the simplex along ``axis`` (Martins & Astudillo 2016).

    With z sorted in decreasing order, the support is every k with 1 + k * z_k > sum_{j<=k} z_j,
    and tau = (sum of the support - 1) / |support|; the output is max(x - tau, 0).
    """
    x = _float(x)
    axis = axis % len(x.shape)
    size = x.shape[axis]
    ranked = _np.flip(_np.sort(x, axis=axis), axis=axis)  # decreasing along axis
    cumulative = _np.cumsum(ranked, axis=axis)
    rank_shape = [1] * len(x.shape)
    rank_shape[axis] = size
    ranks = _np.reshape(_np.arange(1, size + 1, dtype=dtype(x)), rank_shape)
    in_support = _np.greater(_np.add(_np.multiply(ranks, ranked), 1.0), cumulative)
    support_size = _np.sum(cast(in_support, dtype(x)), axis=axis, keepdims=True)
    support_sum = _np.sum(
        _np.where(in_support, ranked, _np.zeros_like(ranked)), axis=axis, keepdims=True
    )
    tau = _np.divide(_np.subtract(support_sum, 1.0), support_size)
    return _np.maximum(_np.subtract(x, tau), 0.0)


celu = op(_celu, name="celu", doc="x if x > 0 else alpha * (exp(x / alpha) - 1).")
glu = op(_glu, name="glu", doc="a * sigmoid(b), where x is split into halves a, b along axis.")
hard_tanh = op(_hard_tanh, name="hard_tanh", doc="clip(x, -1, 1).")
hard_shrink = op(_hard_shrink, name="hard_shrink", doc="x where |x| > threshold, else 0.")
soft_shrink = op(
    _soft_shrink,
    name="soft_shrink",
    doc="x - threshold above threshold, x + threshold below -threshold, else 0.",
)
sparse_plus = op(
    _sparse_plus, name="sparse_plus", doc="0 for x <= -1, (x + 1)^2 / 4 on (-1, 1), x for x >= 1."
)
sparse_sigmoid = op(
    _sparse_sigmoid, name="sparse_sigmoid", doc="0 for x <= -1, (x + 1) / 2 on (-1, 1), 1 above."
)
squareplus = op(_squareplus, name="squareplus", doc="(x + sqrt(x^2 + b)) / 2.")
tanh_shrink = op(_tanh_shrink, name="tanh_shrink", doc="x - tanh(x).")
threshold = op(_threshold, name="threshold", doc="x where x > threshold, else default_value.")
sparsemax = op(_sparsemax, name="sparsemax")
hard_swish = hard_silu  # Keras exports hard_silu under both names
