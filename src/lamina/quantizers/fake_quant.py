"""Fake quantization: round to an integer grid and back, with a straight-through gradient."""

from __future__ import annotations

from lamina import backend, ops


def _nudged_range(min_vals, max_vals, num_bits, narrow_range):
    """The grid TensorFlow's FakeQuant uses: ``[min, max]`` shifted so that 0.0 lies
    exactly on it. Returns ``(nudged_min, nudged_max, scale, inverse_scale)``."""
    compute_dtype = backend.result_type(min_vals.dtype, "float32")
    min_vals, max_vals = ops.cast(min_vals, compute_dtype), ops.cast(max_vals, compute_dtype)
    quant_max = 2**num_bits - 1
    quant_min = 1 if narrow_range else 0
    span = ops.subtract(max_vals, min_vals)
    scale = ops.divide(span, quant_max - quant_min)
    inverse_scale = ops.divide(quant_max - quant_min, span)  # not 1/scale: one rounding less
    zero_point = ops.round(ops.clip(quant_min - ops.divide(min_vals, scale), quant_min, quant_max))
    nudged_min = ops.multiply(ops.subtract(quant_min, zero_point), scale)
    nudged_max = ops.multiply(ops.subtract(quant_max, zero_point), scale)
    return nudged_min, nudged_max, scale, inverse_scale


def _channel_shape(ndim, axis, channels):
    shape = [1] * ndim
    shape[axis] = channels
    return shape


def fake_quant_with_min_max_vars(
    inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None
):
    """Quantize ``inputs`` to ``num_bits`` integers over ``[min_vals, max_vals]`` and back,
    per tensor or per channel (TensorFlow's ``fake_quant_with_min_max_vars``).

    The range is nudged so that 0.0 is exactly representable; the grid has
    ``2**num_bits`` levels (one fewer with ``narrow_range``). The gradient is
    straight-through: it passes to ``inputs`` where they lie inside the nudged range and
    is zero outside, where it flows instead to ``min_vals`` (below) or ``max_vals``
    (above), summed per channel. This lets the range be trained.

    Args:
        inputs: float tensor.
        min_vals, max_vals: scalars for per-tensor quantization, or 1D tensors with one
            entry per channel of ``axis``.
        num_bits: bit width, 2 to 16.
        narrow_range: use ``[1, 2**num_bits - 1]`` instead of ``[0, 2**num_bits - 1]``.
        axis: the channel axis for per-channel ranges; None quantizes per tensor.

    Returns:
        A tensor of the shape and dtype of ``inputs``.

    Example:

    >>> x = np.array([-1.5, -0.2, 0.3, 2.0], "float32")
    >>> y = fake_quant_with_min_max_vars(x, -1.0, 1.0, num_bits=8)
    """
    if isinstance(num_bits, bool) or not isinstance(num_bits, int) or not 2 <= num_bits <= 16:
        raise ValueError(f"num_bits must be an int from 2 to 16; received {num_bits!r}.")
    if not isinstance(narrow_range, bool):
        raise TypeError(f"narrow_range must be a bool; received {narrow_range!r}.")
    symbolic = backend.any_symbolic_tensors((inputs, min_vals, max_vals))
    inputs, min_vals, max_vals = (
        value if isinstance(value, backend.KerasTensor) else ops.convert_to_tensor(value)
        for value in (inputs, min_vals, max_vals)
    )
    ndim = len(inputs.shape)
    if axis is not None:
        if not isinstance(axis, int) or isinstance(axis, bool) or not -ndim <= axis < ndim:
            raise ValueError(
                f"axis must be None or an int in [{-ndim}, {ndim}) for inputs of rank {ndim}; "
                f"received {axis!r}."
            )
        axis %= ndim
    quantize = _make_fake_quant(num_bits, narrow_range, axis, ndim)
    if symbolic:  # each op records its node; building a graph needs no gradient
        return quantize(inputs, min_vals, max_vals)[0]
    try:
        with_gradient = ops.custom_gradient(quantize)
    except NotImplementedError:  # an engine without autodiff computes the values alone
        return quantize(inputs, min_vals, max_vals)[0]
    return with_gradient(inputs, min_vals, max_vals)


def _make_fake_quant(num_bits, narrow_range, axis, ndim):
    def quantize(x, min_val, max_val):
        dtype = backend.standardize_dtype(x.dtype)
        range_shape = tuple(min_val.shape)
        if axis is not None:  # (C,) ranges broadcast along the channel axis
            channels = int(min_val.shape[0]) if len(min_val.shape) else 1
            min_b = ops.reshape(min_val, _channel_shape(ndim, axis, channels))
            max_b = ops.reshape(max_val, _channel_shape(ndim, axis, channels))
        else:
            min_b, max_b = ops.reshape(min_val, ()), ops.reshape(max_val, ())
        nudged_min, nudged_max, scale, inverse_scale = _nudged_range(
            min_b, max_b, num_bits, narrow_range
        )
        quant_zero = ops.floor(ops.add(ops.multiply(ops.negative(nudged_min), inverse_scale), 0.5))
        clamped = ops.clip(ops.cast(x, nudged_min.dtype), nudged_min, nudged_max)
        levels = ops.floor(
            ops.multiply(ops.subtract(clamped, nudged_min), inverse_scale) - quant_zero + 0.5
        )
        result = ops.cast(ops.multiply(levels, scale), dtype)
        below = ops.less_equal(x, nudged_min)
        above = ops.greater_equal(x, nudged_max)
        inside = ops.logical_and(ops.greater_equal(x, nudged_min), ops.less_equal(x, nudged_max))

        def gradient(upstream):
            zero = ops.zeros_like(upstream)
            reduce_axes = tuple(i for i in range(ndim) if i != axis)
            grad_min = ops.sum(ops.where(below, upstream, zero), axis=reduce_axes)
            grad_max = ops.sum(ops.where(above, upstream, zero), axis=reduce_axes)
            return (
                ops.where(inside, upstream, zero),
                ops.cast(ops.reshape(grad_min, range_shape), min_val.dtype),
                ops.cast(ops.reshape(grad_max, range_shape), max_val.dtype),
            )

        return result, gradient

    return quantize
