"""Normalization ops of ``keras.ops.nn``: ``normalize``, ``rms_normalization`` and
``layer_normalization``, written once from other ops for every engine.

Keras 3.15 computes the two statistics-based ones in at least float32 and casts the result
back to the input's dtype (so a float16 input gives float16, an int input an int output);
``normalize`` keeps floats in their dtype and gives ints the default float type.
"""

from __future__ import annotations

import warnings

from lamina import backend
from lamina.ops.core import cast, convert_to_tensor, dtype, shape
from lamina.ops.dispatch import op
from lamina.ops.linalg import norm
from lamina.ops.math import rsqrt
from lamina.ops.numpy import (
    expand_dims,
    maximum,
    mean,
    minimum,
    multiply,
    reshape,
    square,
    subtract,
    sum as _sum,
    var,
)


def _axes(op_name: str, axis, ndim: int) -> list[int]:
    """``axis`` (an int or a list/tuple of ints) as sorted non-negative axes."""
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
        raise TypeError(
            f"{op_name}: the argument 'axis' must be an int or a non-empty list/tuple of "
            f"ints; received axis={axis!r}."
        )
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{op_name}: axis {a} is out of range for an input of rank {ndim}; received "
                f"axis={axis!r}."
            )
    return sorted(a % ndim for a in axes)


def _compute_dtype(x) -> tuple[str, str]:
    """(the input's dtype, the dtype the statistics are computed in: at least float32)."""
    original = backend.standardize_dtype(dtype(x))
    return original, backend.result_type(original, "float32")


def _epsilon(epsilon) -> float:
    return backend.epsilon() if epsilon is None else epsilon


def _normalize(x, axis=-1, order=2, epsilon=None):
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(
            f"normalize: the argument 'order' must be an int >= 1; received order={order!r}."
        )
    x = convert_to_tensor(x)
    if not backend.is_float_dtype(dtype(x)):
        x = cast(x, backend.floatx())
    if len(shape(x)) == 0:
        x = expand_dims(x, 0)  # as Keras: a scalar is normalized as a 1-vector
    if axis is not None:
        axis = tuple(_axes("normalize", axis, len(shape(x))))
    epsilon = _epsilon(epsilon)
    # Half floats compute in float32: 1 / epsilon and the squares overflow float16.
    original, compute = _compute_dtype(x)
    x = cast(x, compute)
    if order == 2:
        # x * min(1 / ||x||, 1 / epsilon) is x / max(||x||, epsilon), with no division by 0.
        inverse_norm = rsqrt(_sum(square(x), axis=axis, keepdims=True))
        return cast(multiply(x, minimum(inverse_norm, 1.0 / epsilon)), original)
    denominator = maximum(norm(x, ord=order, axis=axis, keepdims=True), epsilon)
    return cast(x / denominator, original)


normalize = op(
    _normalize,
    name="normalize",
    doc="``x / max(norm(x, order, axis), epsilon)``; epsilon defaults to backend.epsilon().\n\n"
    "``axis=None`` normalizes over every axis; ``order`` is an int >= 1 (2: the L2 norm).",
)


def _rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = convert_to_tensor(x)
    original, compute = _compute_dtype(x)
    x = cast(x, compute)
    if len(shape(x)) == 0:
        x = expand_dims(x, 0)
    axes = _axes("rms_normalization", axis, len(shape(x)))
    inverse_rms = rsqrt(mean(square(x), axis=tuple(axes), keepdims=True) + _epsilon(epsilon))
    outputs = x * inverse_rms
    if scale is not None:
        outputs = outputs * cast(scale, compute)
    return cast(outputs, original)


rms_normalization = op(
    _rms_normalization,
    name="rms_normalization",
    doc="``x * rsqrt(mean(square(x), axis) + epsilon) * scale`` (Zhang & Sennrich, 2019).\n\n"
    "Computed in at least float32; the output has ``x``'s dtype. ``scale`` broadcasts "
    "against ``x``; ``epsilon`` defaults to backend.epsilon().",
)


def _layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(
            f"layer_normalization got unexpected keyword arguments {sorted(kwargs)}; it takes "
            "x, gamma, beta, axis, epsilon (and the deprecated rms_scaling)."
        )
    if rms_scaling:
        warnings.warn(  # as Keras 3.15
            "layer_normalization(rms_scaling=True) is deprecated: it divides by the standard "
            "deviation, not the root mean square. Use ops.rms_normalization instead.",
            stacklevel=3,
        )
    x = convert_to_tensor(x)
    original, compute = _compute_dtype(x)
    x = cast(x, compute)
    ndim = len(shape(x))
    axes = _axes("layer_normalization", axis, ndim)
    # gamma / beta given over the normalized axes only get size-1 axes elsewhere (Keras).
    broadcast_shape = [shape(x)[i] if i in axes else 1 for i in range(ndim)]

    def broadcast(weight):
        weight = cast(weight, compute)
        if len(shape(weight)) != ndim and axes != [ndim - 1]:
            weight = reshape(weight, broadcast_shape)
        return weight

    epsilon = _epsilon(epsilon)
    if rms_scaling:
        outputs = x * rsqrt(var(x, axis=tuple(axes), keepdims=True) + epsilon)
        if gamma is not None:
            outputs = outputs * broadcast(gamma)
        return cast(outputs, original)
    centered = subtract(x, mean(x, axis=tuple(axes), keepdims=True))
    inverse_std = rsqrt(mean(square(centered), axis=tuple(axes), keepdims=True) + epsilon)
    if gamma is not None:
        inverse_std = inverse_std * broadcast(gamma)
    outputs = centered * inverse_std
    if beta is not None:
        outputs = outputs + broadcast(beta)
    return cast(outputs, original)


layer_normalization = op(
    _layer_normalization,
    name="layer_normalization",
    doc="``(x - mean) / sqrt(variance + epsilon) * gamma + beta``, statistics over ``axis``.\n\n"
    "Computed in at least float32; the output has ``x``'s dtype. ``gamma`` and ``beta`` "
    "may have the sizes of the normalized axes only; ``epsilon`` defaults to "
    "backend.epsilon().",
)

__all__ = ["layer_normalization", "normalize", "rms_normalization"]
