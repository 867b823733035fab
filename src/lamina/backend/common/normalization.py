"""Moments and batch normalization, written once over the engine's own array functions.

Each engine passes the few functions that differ (its cast, its reshape, its ``rsqrt`` and
the kernel that gives mean and variance); the rest (axis handling, float32 statistics for
half-precision inputs, broadcasting of the per-channel statistics) lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Statistics of float16/bfloat16 inputs are computed in float32: summing thousands of
# half-precision squares loses most of their digits (Keras does the same).
_LOW_PRECISION = ("float16", "bfloat16")


def moments(
    x: Any,
    axes: Any,
    keepdims: bool,
    *,
    mean_and_variance: Callable[[Any, tuple, bool], tuple[Any, Any]],
    cast: Callable[[Any, str], Any],
    dtype_name: Callable[[Any], str],
) -> tuple[Any, Any]:
    """(mean, variance) of float ``x`` over ``axes``, in ``x``'s dtype.

    ``mean_and_variance(x, axes, keepdims)`` is the engine's kernel (population variance);
    ``cast`` and ``dtype_name`` are the engine's, over dtype names.
    """
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    dtype = dtype_name(x)
    compute = cast(x, "float32") if dtype in _LOW_PRECISION else x
    mean, variance = mean_and_variance(compute, axes, keepdims)
    return cast(mean, dtype), cast(variance, dtype)


def batch_normalization(
    x: Any,
    mean: Any,
    variance: Any,
    axis: int,
    offset: Any,
    scale: Any,
    epsilon: float,
    *,
    to_channel_shape: Callable[[Any, list], Any],
    rsqrt: Callable[[Any], Any],
    scale_and_shift: Callable[[Any, Any, Any], Any] | None = None,
) -> Any:
    """``(x - mean) * scale / sqrt(variance + epsilon) + offset`` with 1-D statistics along
    ``axis``; ``to_channel_shape(v, shape)`` converts and reshapes one of them.
    ``scale_and_shift(centered, inverse, offset)``, when given, is the engine's way to compute
    ``centered * inverse (+ offset)`` (torch: in place on ``centered`` when nothing is traced
    for gradients); the same arithmetic, so the same values."""
    shape = [1] * len(x.shape)
    shape[axis] = x.shape[axis]  # (1, ..., channels, ..., 1)

    def broadcast(value):
        return None if value is None else to_channel_shape(value, shape)

    inverse = rsqrt(broadcast(variance) + epsilon)
    if scale is not None:
        inverse = inverse * broadcast(scale)
    centered = x - broadcast(mean)
    if scale_and_shift is not None:
        return scale_and_shift(centered, inverse, broadcast(offset))
    outputs = centered * inverse
    return outputs if offset is None else outputs + broadcast(offset)


def numpy_statistics(xp) -> Callable[[Any, tuple, bool], tuple[Any, Any]]:
    """The ``mean_and_variance`` kernel of a NumPy-like module (``numpy``, ``jax.numpy``)."""

    def mean_and_variance(x, axes, keepdims):
        return xp.mean(x, axis=axes, keepdims=keepdims), xp.var(x, axis=axes, keepdims=keepdims)

    return mean_and_variance


def engine_functions(
    *,
    to_float: Callable[[Any], Any],
    convert: Callable[[Any], Any],
    cast: Callable[[Any, str], Any],
    dtype_name: Callable[[Any], str],
    mean_and_variance: Callable[[Any, tuple, bool], tuple[Any, Any]],
    rsqrt: Callable[[Any], Any],
) -> tuple[Callable, Callable]:
    """An engine's ``moments`` and ``batch_normalization`` (the contract's signatures) over
    its conversion functions and kernels; statistics are reshaped with ``.reshape``."""
    moments_function = engine_moments(
        to_float=to_float, cast=cast, dtype_name=dtype_name, mean_and_variance=mean_and_variance
    )

    def to_channel_shape(value, shape):
        return convert(value).reshape(shape)

    def batch_normalization_function(
        x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3
    ):
        return batch_normalization(
            convert(x), mean, variance, axis, offset, scale, epsilon,
            to_channel_shape=to_channel_shape, rsqrt=rsqrt,
        )  # fmt: skip

    batch_normalization_function.__name__ = "batch_normalization"
    batch_normalization_function.__qualname__ = "batch_normalization"
    return moments_function, batch_normalization_function


def engine_moments(
    *,
    to_float: Callable[[Any], Any],
    cast: Callable[[Any, str], Any],
    dtype_name: Callable[[Any], str],
    mean_and_variance: Callable[[Any, tuple, bool], tuple[Any, Any]],
) -> Callable:
    """An engine's ``moments`` (the contract's signature) over its float conversion, cast and
    ``mean_and_variance`` kernel."""

    def moments_function(x, axes, keepdims=False, synchronized=False):
        # ``synchronized`` (cross-replica statistics) needs no work on one device; under jit
        # with sharded inputs (JAX) the reduction is already global.
        return moments(
            to_float(x), axes, keepdims, mean_and_variance=mean_and_variance, cast=cast,
            dtype_name=dtype_name,
        )  # fmt: skip

    moments_function.__name__ = moments_function.__qualname__ = "moments"
    return moments_function
