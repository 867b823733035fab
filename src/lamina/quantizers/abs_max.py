"""Absolute-maximum (symmetric) and grouped zero-point (asymmetric) integer quantization."""

from __future__ import annotations

import math

import numpy as np

from lamina import backend, ops

# Keras's default epsilon: the backend's, read once when the module loads.
DEFAULT_EPSILON = backend.epsilon()


def check_value_range(value_range, name="value_range"):
    """Raise unless ``value_range`` is a ``(low, high)`` pair of numbers with low < high."""
    if (
        not isinstance(value_range, (list, tuple))
        or len(value_range) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value_range)
        or value_range[0] >= value_range[1]
    ):
        raise ValueError(
            f"{name} must be a pair (low, high) of numbers with low < high; "
            f"received {value_range!r}."
        )


def _numpy_axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def abs_max_quantize(
    inputs,
    axis,
    value_range=(-127, 127),
    dtype="int8",
    epsilon=DEFAULT_EPSILON,
    to_numpy=False,
):
    """Quantize symmetrically, scaled by the largest absolute value along ``axis``.

    ``scale = value_range[1] / (max(|inputs|, axis) + epsilon)`` (kept dims) and
    ``quantized = clip(round(inputs * scale), *value_range)`` cast to ``dtype``, so that
    ``quantized / scale`` approximates ``inputs``.

    Args:
        inputs: float tensor.
        axis: axis (int or tuple) reduced to find the maximum.
        value_range: ``(low, high)`` range of the quantized integers.
        dtype: dtype of the quantized tensor.
        epsilon: keeps an all-zero slice from dividing by zero.
        to_numpy: compute on the host with NumPy, sparing device memory.

    Returns:
        ``(quantized, scale)``: ``scale`` has the dtype of ``inputs`` and size 1 along
        ``axis``.
    """
    check_value_range(value_range)
    if to_numpy:
        original_dtype = backend.standardize_dtype(inputs.dtype)
        values = ops.convert_to_numpy(inputs)
        peak = np.max(np.abs(values), axis=_numpy_axis(axis), keepdims=True)
        scale = np.divide(value_range[1], np.add(peak, epsilon))
        quantized = np.clip(np.round(values * scale), value_range[0], value_range[1])
        return (
            ops.convert_to_tensor(quantized.astype(dtype)),
            ops.convert_to_tensor(scale, dtype=original_dtype),
        )
    inputs = ops.convert_to_tensor(inputs)
    peak = ops.max(ops.abs(inputs), axis=axis, keepdims=True)
    scale = ops.cast(
        ops.divide(value_range[1], ops.add(peak, epsilon)), backend.standardize_dtype(inputs.dtype)
    )
    quantized = ops.clip(ops.round(ops.multiply(inputs, scale)), value_range[0], value_range[1])
    return ops.cast(quantized, dtype), scale


def abs_max_quantize_grouped_with_zero_point(
    inputs,
    block_size,
    value_range=(-8, 7),
    dtype="int8",
    epsilon=DEFAULT_EPSILON,
    to_numpy=False,
):
    """Quantize a 2D ``(input_dim, output_dim)`` tensor asymmetrically, in groups of
    ``block_size`` rows, each column of a group with its own scale and zero point.

    ``quantized = clip(round(inputs / scale) + zero_point, *value_range)``, so that
    ``(quantized - zero_point) * scale`` approximates ``inputs``. The last group is padded
    with zero rows when ``block_size`` does not divide ``input_dim``.

    Args:
        inputs: float tensor of shape ``(input_dim, output_dim)``.
        block_size: rows per group (a positive int).
        value_range: ``(low, high)`` range of the quantized integers; ``high - low + 1``
            should be a power of two (``(-8, 7)`` is int4).
        dtype: dtype of the quantized tensor.
        epsilon: added to each group's range so that a constant group does not divide by
            zero.
        to_numpy: compute on the host with NumPy, sparing device memory.

    Returns:
        ``(quantized, scale, zero_point)``: ``quantized`` has the shape of ``inputs``;
        ``scale`` (dtype of ``inputs``) and ``zero_point`` (int8) have shape
        ``(ceil(input_dim / block_size), output_dim)``.

    Example:

    >>> kernel = np.random.randn(512, 256).astype("float32")
    >>> quantized, scale, zero_point = abs_max_quantize_grouped_with_zero_point(
    ...     kernel, block_size=128
    ... )
    >>> tuple(scale.shape)
    (4, 256)
    """
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size < 1:
        raise ValueError(f"block_size must be a positive int; received {block_size!r}.")
    check_value_range(value_range)
    if len(inputs.shape) != 2:
        raise ValueError(
            "abs_max_quantize_grouped_with_zero_point expects a 2D (input_dim, output_dim) "
            f"tensor; received shape {tuple(inputs.shape)}."
        )
    if to_numpy:
        return _grouped_on_host(inputs, block_size, value_range, dtype, epsilon)
    return _grouped_on_device(inputs, block_size, value_range, dtype, epsilon)


def _grouped_on_host(inputs, block_size, value_range, dtype, epsilon):
    original_dtype = backend.standardize_dtype(inputs.dtype)
    values = ops.convert_to_numpy(inputs)
    input_dim, output_dim = values.shape
    num_groups = math.ceil(input_dim / block_size)
    low, high = value_range
    padding = np.zeros((num_groups * block_size - input_dim, output_dim), values.dtype)
    grouped = np.concatenate([values, padding]).reshape(num_groups, block_size, output_dim)
    group_min = grouped.min(axis=1, keepdims=True)  # (G, 1, O)
    group_max = grouped.max(axis=1, keepdims=True)
    scale = (group_max - group_min + epsilon) / (high - low)
    zero_point = np.clip(np.round(-group_min / scale) + low, low, high)
    quantized = np.clip(np.round(grouped / scale) + zero_point, low, high).astype(dtype)
    quantized = quantized.reshape(-1, output_dim)[:input_dim]
    return (
        ops.convert_to_tensor(quantized),
        ops.convert_to_tensor(scale[:, 0], dtype=original_dtype),
        ops.convert_to_tensor(zero_point[:, 0].astype("int8")),
    )


def _grouped_on_device(inputs, block_size, value_range, dtype, epsilon):
    inputs = ops.convert_to_tensor(inputs)
    compute_dtype = backend.standardize_dtype(inputs.dtype)
    input_dim, output_dim = (int(d) for d in inputs.shape)
    num_groups = math.ceil(input_dim / block_size)
    low, high = value_range
    # Keras derives the bit width from the range and takes the zero point's clip range
    # from it (signed, e.g. [-8, 7] for 4 bits), not from value_range itself.
    bits = int(math.log2(high - low + 1))
    signed_low, signed_high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    pad_rows = num_groups * block_size - input_dim
    padded = ops.pad(inputs, [[0, pad_rows], [0, 0]]) if pad_rows else inputs
    grouped = ops.reshape(padded, (num_groups, block_size, output_dim))  # (G, B, O)
    if num_groups > 1:
        group_min, group_max = ops.min(grouped, axis=1), ops.max(grouped, axis=1)  # (G, O)
    else:  # one group: Keras takes the statistics of the unpadded rows
        group_min = ops.min(inputs, axis=0, keepdims=True)
        group_max = ops.max(inputs, axis=0, keepdims=True)
    constant = ops.equal(group_min, group_max)  # widen a constant group to a unit range
    group_min = ops.where(constant, group_min - 1, group_min)
    group_max = ops.where(constant, group_max + 1, group_max)
    span = ops.subtract(group_max, group_min)
    if epsilon > 0:
        span = ops.add(span, epsilon)
    scale = ops.divide(span, ops.cast(2**bits - 1, compute_dtype))
    scale = ops.where(ops.less_equal(scale, 0), ops.cast(1e-8, compute_dtype), scale)
    zero_point = ops.round(ops.divide(ops.negative(group_min), scale)) + signed_low
    zero_point = ops.cast(ops.clip(zero_point, signed_low, signed_high), "int8")
    quantized = ops.round(ops.divide(grouped, ops.expand_dims(scale, 1)))
    quantized = quantized + ops.cast(ops.expand_dims(zero_point, 1), compute_dtype)
    quantized = ops.cast(ops.clip(quantized, low, high), dtype)
    quantized = ops.reshape(quantized, (num_groups * block_size, output_dim))[:input_dim]
    return quantized, scale, zero_point
