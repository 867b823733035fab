"""Resizing along one axis as a weighted sum of gathered source rows (JAX, TensorFlow).

Samples exactly as torch's ``F.interpolate`` with ``align_corners=False``: half-pixel
centres; nearest takes ``floor((i + 0.5) * in / out)``, Keras's rule and torch's
"nearest-exact"; bicubic uses Keys' kernel with a = -0.75 and repeats the edge pixels. The
source indices and weights are computed once in NumPy; only the gather and the weight
constant are the engine's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_CUBIC_A = -0.75  # torch's (and OpenCV's) bicubic coefficient


def _cubic_near(t):  # the kernel for distances |t| <= 1
    return ((_CUBIC_A + 2) * t - (_CUBIC_A + 3)) * t * t + 1


def _cubic_far(t):  # the kernel for distances 1 < |t| < 2
    return ((_CUBIC_A * t - 5 * _CUBIC_A) * t + 8 * _CUBIC_A) * t - 4 * _CUBIC_A


def taps(in_size: int, out_size: int, interpolation: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (source index, weight) pair of float64 arrays of length ``out_size`` per kernel
    tap (one for nearest, two for bilinear, four for bicubic); the indices are not yet
    clipped to ``[0, in_size)``."""
    scale = in_size / out_size
    position = np.arange(out_size, dtype=np.float64)
    if interpolation == "nearest":
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


def resample_axis(
    x,
    axis: int,
    out_size: int,
    interpolation: str,
    *,
    take: Callable[..., Any],
    weight: Callable[[np.ndarray, Any], Any],
) -> Any:
    """``x`` resized to ``out_size`` along ``axis`` (unchanged when the size already
    matches). ``take(x, indices, axis=axis)`` is the engine's gather and
    ``weight(array, dtype)`` turns a NumPy array into an engine constant of that dtype."""
    in_size = x.shape[axis]
    if in_size == out_size:
        return x
    weight_shape = [1] * len(x.shape)
    weight_shape[axis] = out_size
    out = None
    for index, tap_weight in taps(in_size, out_size, interpolation):
        index = np.clip(index, 0, in_size - 1).astype(np.int32)  # edges repeat
        sampled = take(x, index, axis=axis)
        if interpolation != "nearest":
            sampled = sampled * weight(tap_weight.reshape(weight_shape), x.dtype)
        out = sampled if out is None else out + sampled
    return out
