"""Image functions on JAX (channels_last by default, as the layers).

Resizing without antialiasing samples exactly as torch's ``F.interpolate`` with
``align_corners=False`` (half-pixel centres; nearest takes ``floor((i + 0.5) * in / out)``,
Keras's rule and torch's "nearest-exact"; bicubic uses Keys' kernel with a = -0.75 and
repeats the edge pixels; written once in ``common.resize_taps``), so both engines give the
same images. ``jax.image.resize``'s cubic uses a = -0.5, but it matches torch's antialiased
kernels, which is where it is used.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from lamina.backend.common.argument_checks import check_resize
from lamina.backend.common.resize_taps import resample_axis
from lamina.backend.config import standardize_data_format
from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype

_ANTIALIAS_METHODS = {"bilinear": "linear", "bicubic": "cubic"}


def _resize_axis(x, axis: int, out_size: int, interpolation: str):
    return resample_axis(x, axis, out_size, interpolation, take=jnp.take, weight=jnp.asarray)


def resize(images, size, interpolation="bilinear", antialias=False, data_format=None):
    data_format = standardize_data_format(data_format)
    images = convert_to_tensor(images)
    check_resize(interpolation, images.ndim)
    height, width = (int(s) for s in size)
    first = images.ndim - (3 if data_format == "channels_last" else 2)  # the height axis
    integer_dtype = None
    if interpolation != "nearest" and not jnp.issubdtype(images.dtype, jnp.inexact):
        integer_dtype = images.dtype
        images = images.astype(to_jax_dtype(None))
    if antialias and interpolation in _ANTIALIAS_METHODS:
        shape = list(images.shape)
        shape[first], shape[first + 1] = height, width
        out = jax.image.resize(
            images, tuple(shape), method=_ANTIALIAS_METHODS[interpolation], antialias=True
        )
    else:
        out = _resize_axis(images, first, height, interpolation)
        out = _resize_axis(out, first + 1, width, interpolation)
    if integer_dtype is None:
        return out
    if integer_dtype == jnp.bool_:  # as Keras's torch engine: True where nonzero
        return out != 0
    # Integer images (uint8) come back in their dtype, rounded half to even and saturated, as
    # Keras's torch engine (torch.round).
    limits = jnp.iinfo(integer_dtype)
    return jnp.clip(jnp.round(out), limits.min, limits.max).astype(integer_dtype)
