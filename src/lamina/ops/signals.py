"""Signal helpers from ``keras.ops.nn``: ``polar`` (a complex tensor from magnitude and
phase) and ``psnr`` (peak signal-to-noise ratio)."""

from __future__ import annotations

from lamina.backend import floatx, is_float_dtype
from lamina.ops import numpy as _np
from lamina.ops.core import cast, convert_to_tensor, dtype
from lamina.ops.dispatch import op
from lamina.ops.dtype_checks import refuse_dtype as _refuse_dtype
from lamina.ops.math import view_as_complex


def _float(x):
    x = convert_to_tensor(x)
    return x if is_float_dtype(dtype(x)) else cast(x, floatx())


def _polar(abs_, angle):
    abs_, angle = _float(abs_), _float(angle)
    real = _np.multiply(abs_, _np.cos(angle))
    imaginary = _np.multiply(abs_, _np.sin(angle))
    return view_as_complex(_np.stack([real, imaginary], axis=-1))


def _psnr(x1, x2, max_val):
    x1, x2 = _float(x1), _float(x2)
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(
            f"psnr: x1 and x2 must have the same shape; received {tuple(x1.shape)} and "
            f"{tuple(x2.shape)}."
        )
    mse = _np.mean(_np.square(_np.subtract(x1, x2)))
    # 20 log10(max_val) - 10 log10(mse), as Keras (max_val is a number or a scalar tensor).
    peak = _np.multiply(_np.log10(cast(max_val, dtype(x2))), 20.0)
    return _np.subtract(peak, _np.multiply(_np.log10(mse), 10.0))


_polar_op = op(_polar, name="polar")


def polar(abs_, angle):
    """The complex tensor abs_ * (cos(angle) + 1j * sin(angle)): complex64 from integers,
    booleans and float32, complex128 from float64. Half floats are refused, as in Keras
    (there is no complex32)."""
    for argument, value in (("abs_", abs_), ("angle", angle)):
        _refuse_dtype(
            "polar", argument, value, ("float16", "bfloat16"), "float32, float64, int or bool"
        )
    return _polar_op(abs_, angle)


psnr = op(
    _psnr,
    name="psnr",
    doc="Peak signal-to-noise ratio of x2 against x1: 20 log10(max_val) - 10 log10(MSE).",
)
