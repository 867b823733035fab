"""Image functions on JAX (channels_last by default, as the layers).

Resizing without antialiasing samples exactly as torch's ``F.interpolate`` with
``align_corners=False`` (half-pixel centres; nearest takes ``floor((i + 0.5) * in / out)``,
Keras's rule and torch's "nearest-exact"; bicubic uses Keys' kernel with a = -0.75 and
repeats the edge pixels), so both engines give the same images. ``jax.image.resize``'s
cubic uses a = -0.5, but it matches torch's antialiased kernels, which is where it is used.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.config import standardize_data_format
from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic")
_ANTIALIAS_METHODS = {"bilinear": "linear", "bicubic": "cubic"}
_CUBIC_A = -0.75  # torch's (and OpenCV's) bicubic coefficient


def _cubic_near(t):  # the kernel for distances |t| <= 1
    return ((_CUBIC_A + 2) * t - (_CUBIC_A + 3)) * t * t + 1


def _cubic_far(t):  # the kernel for distances 1 < |t| < 2
    return ((_CUBIC_A * t - 5 * _CUBIC_A) * t + 8 * _CUBIC_A) * t - 4 * _CUBIC_A


def _taps(in_size: int, out_size: int, interpolation: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """(source index, weight) pairs, one per kernel tap, for every output position."""
    scale = in_size / out_size
    position = np.arange(out_size, dtype=np.float64)
    if interpolation == "nearest":  # half-pixel centres, as Keras (jax.image.resize)
        return [(np.floor((position + 0.5) * scale), np.ones(out_size))]
    source = scale * (position + 0.5) - 0.5  # half-pixel centres
    if interpolation == "bilinear":
        source = np.maximum(source, 0.0)
        base = np.floor(source)
        t = source - base
        return [(base, 1.0 - t), (base + 1, t)]
    base = np.floor(source)
    t = source - base
    return [
        (base - 1, _cubic_far(t + 1)),
        (base, _cubic_near(t)),
        (base + 1, _cubic_near(1 - t)),
        (base + 2, _cubic_far(2 - t)),
    ]


def _resize_axis(x, axis: int, out_size: int, interpolation: str):
    in_size = x.shape[axis]
    if in_size == out_size:
        return x
    weight_shape = [1] * x.ndim
    weight_shape[axis] = out_size
    out = None
    for index, weight in _taps(in_size, out_size, interpolation):
        index = np.clip(index, 0, in_size - 1).astype(np.int32)  # edges repeat
        sampled = jnp.take(x, index, axis=axis)
        if interpolation != "nearest":
            sampled = sampled * jnp.asarray(weight.reshape(weight_shape), dtype=x.dtype)
        out = sampled if out is None else out + sampled
    return out


def resize(images, size, interpolation="bilinear", antialias=False, data_format=None):
    data_format = standardize_data_format(data_format)
    images = convert_to_tensor(images)
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"interpolation must be one of {sorted(_INTERPOLATIONS)}; received {interpolation!r}."
        )
    if images.ndim not in (3, 4):
        raise ValueError(
            "resize expects images of rank 3 (unbatched) or 4 (batched); received shape "
            f"{tuple(images.shape)}."
        )
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
