"""Float8 scaling (delayed scaling, as NVIDIA Transformer Engine) and fake float8 casts."""

from __future__ import annotations

from lamina import backend, ops

# Float8 formats: (largest finite value, mantissa bits, smallest normal exponent). Engines
# here have no float8 dtype, so the cast is emulated by rounding to that grid (the
# round-half-to-even of ``ml_dtypes``).
_FLOAT8_FORMATS = {
    "float8_e4m3fn": (448.0, 3, -6),
    "float8_e5m2": (57344.0, 2, -14),
}
# Formats the engines hold natively: the cast itself rounds. Largest finite values.
_NATIVE_FLOAT_MAX = {
    "float16": 65504.0,
    "bfloat16": 3.3895313892515355e38,
    "float32": 3.4028234663852886e38,
    "float64": 1.7976931348623157e308,
}


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next scale of a float8 tensor under delayed scaling.

    Where ``amax`` (the recent absolute maximum) is positive and finite the new scale is
    ``amax * 2**margin / dtype_max``; elsewhere ``scale`` is kept. (Transformer Engine's
    ``update_fp8_metas``, with ``scale`` here being its reciprocal.)

    Args:
        amax: absolute maximum seen, a tensor.
        scale: the current scale, broadcastable with ``amax``.
        dtype_max: largest finite value of the float8 format (448 for e4m3fn).
        margin: extra powers of two of headroom.
    """
    amax = ops.convert_to_tensor(amax)
    scale = ops.convert_to_tensor(scale)
    inverse = ops.reciprocal(scale)
    usable = ops.logical_and(ops.greater(amax, 0.0), ops.isfinite(amax))
    safe_amax = ops.where(usable, amax, ops.ones_like(amax))  # no division by zero or inf
    factor = ops.divide(ops.divide(dtype_max, safe_amax), 2**margin)
    return ops.reciprocal(ops.where(usable, factor, inverse))


def compute_float8_amax_history(x, amax_history):
    """``amax_history`` advanced by one step: rolled left by one, with ``max(|x|)`` (cast
    to the history's dtype) written into its first entry, as Keras does.

    Args:
        x: the tensor just seen.
        amax_history: 1D tensor of past absolute maxima.
    """
    amax_history = ops.convert_to_tensor(amax_history)
    if len(amax_history.shape) != 1:
        raise ValueError(
            f"amax_history must be a 1D tensor; received shape {tuple(amax_history.shape)}."
        )
    latest = ops.cast(ops.max(ops.abs(ops.convert_to_tensor(x))), amax_history.dtype)
    return ops.scatter_update(ops.roll(amax_history, shift=-1), [[0]], ops.reshape(latest, (1,)))


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """``inputs / scale`` clipped to ``quantized_dtype``'s finite range, rounded to that
    format, then multiplied back by ``scale``, in ``compute_dtype``: the float8
    round trip of a scaled tensor.

    Args:
        inputs: float tensor.
        scale: scalar or broadcastable tensor.
        quantized_dtype: ``"float8_e4m3fn"``, ``"float8_e5m2"`` or a float dtype.
        compute_dtype: float dtype of the arithmetic and the result.
    """
    known = sorted((*_FLOAT8_FORMATS, *_NATIVE_FLOAT_MAX))
    if quantized_dtype not in known:
        raise ValueError(f"quantized_dtype must be one of {known}; received {quantized_dtype!r}.")
    compute_dtype = backend.standardize_dtype(compute_dtype)
    scale = ops.cast(scale, compute_dtype)
    largest = _FLOAT8_FORMATS.get(quantized_dtype, (_NATIVE_FLOAT_MAX.get(quantized_dtype),))[0]
    largest = min(largest, _NATIVE_FLOAT_MAX[compute_dtype])
    x = ops.clip(ops.divide(ops.cast(inputs, compute_dtype), scale), -largest, largest)
    if quantized_dtype in _FLOAT8_FORMATS:
        x = _round_to_float8(x, *_FLOAT8_FORMATS[quantized_dtype][1:])
    else:
        x = ops.cast(ops.cast(x, quantized_dtype), compute_dtype)
    return ops.multiply(x, scale)


def _round_to_float8(x, mantissa_bits, min_exponent):
    """``x`` rounded half-to-even to the float8 grid: ``mantissa_bits`` bits below each
    power of two, uniform (subnormal) spacing below ``2**min_exponent``. Dividing by a
    power of two is exact, so one ``round`` does it."""
    magnitude = ops.maximum(ops.abs(x), 2.0**min_exponent)
    exponent = ops.floor(ops.log2(magnitude))  # off by one only next to a power of two,
    step = ops.power(2.0, exponent - mantissa_bits)  # where both grids agree on the result
    return ops.cast(ops.multiply(ops.round(ops.divide(x, step)), step), x.dtype)
