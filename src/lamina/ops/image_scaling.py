"""``scale_and_translate``: resampling along chosen axes by a separable kernel, written once
as one (input size, output size) weight matrix per axis (``jax.image.scale_and_translate``'s
method, which Keras follows on every backend).
"""

from __future__ import annotations

import math

import numpy as np

from lamina.backend import engine, is_float_dtype as _is_float_dtype, result_type as _result_type
from lamina.ops.core import shape as _shape
from lamina.ops.dispatch import op
from lamina.ops.dtype_checks import refuse_dtype as _refuse_dtype

_numpy = engine.numpy

_METHODS = {
    "linear": "linear", "bilinear": "linear", "trilinear": "linear", "triangle": "linear",
    "cubic": "cubic", "bicubic": "cubic", "tricubic": "cubic",
    "lanczos3": "lanczos3", "lanczos5": "lanczos5",
}  # fmt: skip
_FLOAT32_EPS = 1.1920928955078125e-07


def _triangle(xp, x):
    return xp.maximum(1 - x, xp.zeros_like(x))


def _keys_cubic(xp, x):  # Keys (1981) with a = -0.5, for x >= 0
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return xp.where(x >= 2.0, xp.zeros_like(x), xp.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(xp, x):  # for x >= 0; the sinc ratio is 1 near 0, where it would be 0 / 0
        safe = xp.where(x > 1e-3, x, xp.ones_like(x))
        value = radius * xp.sin(math.pi * safe) * xp.sin(math.pi * safe / radius)
        value = xp.where(x > 1e-3, value / (math.pi**2 * safe * safe), xp.ones_like(x))
        return xp.where(x > radius, xp.zeros_like(x), value)

    return kernel


_KERNELS = {"linear": _triangle, "cubic": _keys_cubic, "lanczos3": _lanczos(3.0),
            "lanczos5": _lanczos(5.0)}  # fmt: skip


def _weights(xp, input_size, output_size, scale, translation, kernel, antialias, dtype):
    """(input_size, output_size) weights: output sample j takes the input pixels around
    ``(j + 0.5 - translation) / scale - 0.5`` (pixel centres at half-integers). ``xp`` is
    NumPy when scale and translation are host values, else the engine's NumPy functions."""
    inverse_scale = 1.0 / scale
    # Downsampling with antialias widens the kernel by 1 / scale (a low-pass filter).
    kernel_scale = xp.maximum(inverse_scale, xp.ones_like(inverse_scale)) if antialias else 1
    samples = (xp.arange(output_size, dtype=dtype) + 0.5 - translation) * inverse_scale - 0.5
    distance = xp.abs(samples[None, :] - xp.arange(input_size, dtype=dtype)[:, None])
    weights = kernel(xp, distance / kernel_scale)  # (in, out)
    total = xp.sum(weights, axis=0, keepdims=True)
    safe_total = xp.where(total != 0, total, xp.ones_like(total))
    usable = xp.abs(total) > 1000.0 * _FLOAT32_EPS
    weights = xp.where(usable, weights / safe_total, xp.zeros_like(weights))
    # Samples whose centre falls outside the input are zero.
    inside = xp.logical_and(samples >= -0.5, samples <= input_size - 0.5)
    return xp.where(inside[None, :], weights, xp.zeros_like(weights))


def _on_host(*values) -> bool:
    return all(isinstance(v, (np.ndarray, list, tuple, int, float)) for v in values)


def _scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                         antialias):  # fmt: skip
    images = engine.core.convert_to_tensor(images)
    if _on_host(scale, translation):
        # Host values: the weight matrices are made once in float64 NumPy (no device work).
        xp, dtype = np, "float64"
        scale, translation = np.asarray(scale, dtype), np.asarray(translation, dtype)
    else:
        xp = _numpy
        scale = engine.core.convert_to_tensor(scale)
        translation = engine.core.convert_to_tensor(translation)
        dtype = _result_type(_numpy.get_dtype_name(scale), _numpy.get_dtype_name(translation))
        if not _is_float_dtype(dtype):
            dtype = "float32"
        scale, translation = engine.core.cast(scale, dtype), engine.core.cast(translation, dtype)
    images_dtype = _numpy.get_dtype_name(images)
    is_float = _is_float_dtype(images_dtype)
    out = images if is_float else engine.core.cast(images, "float32")
    out_dtype = _numpy.get_dtype_name(out)
    for index, axis in enumerate(spatial_dims):
        axis = axis % images.ndim
        weights = _weights(
            xp,
            images.shape[axis],
            output_shape[axis],
            scale[index],
            translation[index],
            _KERNELS[_METHODS[method]],
            antialias,
            dtype,
        )
        weights = engine.core.cast(engine.core.convert_to_tensor(weights), out_dtype)  # fmt: skip
        out = _numpy.moveaxis(_numpy.tensordot(out, weights, axes=[[axis], [0]]), -1, axis)
    if not is_float:  # round back into the input's range and dtype
        low, high = _numpy.min(images), _numpy.max(images)
        out = _numpy.clip(_numpy.round(out), engine.core.cast(low, "float32"),
                          engine.core.cast(high, "float32"))  # fmt: skip
        out = engine.core.cast(out, images_dtype)
    return out


_scale_and_translate_op = op(_scale_and_translate, name="scale_and_translate")


def scale_and_translate(
    images,
    output_shape,
    scale,
    translation,
    spatial_dims,
    method,
    antialias=True,
):
    """Resample ``images`` to ``output_shape``: along each axis ``spatial_dims[k]``, the
    input point ``x`` moves to ``x * scale[k] + translation[k]`` (pixel centres at ``i +
    0.5``); output samples whose source lies outside the input are 0.

    ``method``: "linear" (also "bilinear", "trilinear", "triangle"), "cubic" (Keys; also
    "bicubic", "tricubic"), "lanczos3" or "lanczos5". ``antialias`` widens the kernel
    when downsampling. Axes not in ``spatial_dims`` keep their size.

    >>> images = np.arange(9.0).reshape((3, 3))
    >>> ops.image.scale_and_translate(images, (5, 5), [2.0, 2.0], [-0.5, -0.5], (0, 1),
    ...                               "linear")[0]  # [0, 0.5, 1, 1.5, 2]
    """
    # Keras's engines have no boolean form (torch's matmul, TensorFlow's kernel refuse it).
    _refuse_dtype("scale_and_translate", "images", images, ("bool",), "a numeric dtype")
    if method not in _METHODS:
        raise ValueError(
            f"scale_and_translate: method must be one of {list(_METHODS)}; received {method!r}."
        )
    images_shape = tuple(_shape(images))
    output_shape = tuple(output_shape)
    spatial_dims = tuple(spatial_dims)
    if len(output_shape) != len(images_shape):
        raise ValueError(
            "scale_and_translate: output_shape needs one size per axis of images "
            f"({len(images_shape)}); received {output_shape}."
        )
    for axis in range(len(images_shape)):
        moved = axis in spatial_dims or axis - len(images_shape) in spatial_dims
        if (
            not moved
            and images_shape[axis] is not None
            and output_shape[axis] != images_shape[axis]
        ):
            raise ValueError(
                f"scale_and_translate: output_shape[{axis}] must equal the images' size "
                f"{images_shape[axis]} on an axis not in spatial_dims; received "
                f"{output_shape[axis]}."
            )
    for argument, value in (("scale", scale), ("translation", translation)):
        value_shape = tuple(_shape(value)) if not isinstance(value, (list, tuple)) else (
            len(value),)  # fmt: skip
        if value_shape != (len(spatial_dims),):
            raise ValueError(
                f"scale_and_translate: {argument} needs one value per spatial dim "
                f"({len(spatial_dims)}); received shape {value_shape}."
            )
    return _scale_and_translate_op(images, output_shape, scale, translation, spatial_dims,
                                   method, bool(antialias))  # fmt: skip
