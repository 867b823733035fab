"""Warping images: ``perspective_transform`` (four point pairs define a homography) and
``elastic_transform`` (a smoothed random displacement field), both sampling the input
through ``map_coordinates`` (written once over gathers), so every engine differentiates them.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import (
    engine,
    is_float_dtype as _is_float_dtype,
    standardize_data_format as _standardize_data_format,
)
from lamina.ops.core import shape as _shape
from lamina.ops.dispatch import op
from lamina.ops.dtype_checks import (
    refuse_dtype as _refuse_dtype,
    require_dtype as _require_dtype,
)
from lamina.ops.image_filters import _gaussian_blur
from lamina.ops.image_sampling import _FILL_MODES, _ORDERS, _affine_transform, _map_coordinates

_numpy = engine.numpy


def _check_images(name: str, images) -> tuple:
    images_shape = tuple(_shape(images))
    if len(images_shape) not in (3, 4):
        raise ValueError(
            f"{name} expects images of rank 3 (unbatched) or 4 (batched); received shape "
            f"{images_shape}."
        )
    return images_shape


def _check_interpolation(name: str, interpolation) -> None:
    if interpolation not in _ORDERS:
        raise ValueError(
            f"{name}: interpolation must be one of {list(_ORDERS)}; received {interpolation!r}."
        )


# ---- perspective_transform ----------------------------------------------------------------


def _homography(xp, solve, start, end):
    """The 8 projective coefficients ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (N, 8) that send
    each end point (output pixel) to its start point (where the input is read):
    ``start_x (c0 x + c1 y + 1) = a0 x + a1 y + a2`` at end point ``(x, y)``, and likewise
    for ``start_y``; four point pairs give eight linear equations. ``xp`` / ``solve``:
    NumPy's for host points, else the engine's."""
    start_x, start_y = start[..., 0], start[..., 1]  # (N, 4)
    x, y = end[..., 0], end[..., 1]
    ones, zeros = xp.ones_like(x), xp.zeros_like(x)
    rows_x = xp.stack([x, y, ones, zeros, zeros, zeros, -start_x * x, -start_x * y], -1)
    rows_y = xp.stack([zeros, zeros, zeros, x, y, ones, -start_y * x, -start_y * y], -1)
    system = xp.concatenate([rows_x, rows_y], axis=-2)  # (N, 8, 8)
    targets = xp.concatenate([start_x, start_y], axis=-1)[..., None]  # (N, 8, 1)
    return solve(system, targets)[..., 0]


def _perspective_transform(images, start_points, end_points, interpolation, fill_value,
                           data_format):  # fmt: skip
    images = engine.core.convert_to_tensor(images)
    if len(start_points.shape) == 2:
        start_points, end_points = start_points[None], end_points[None]
    if isinstance(start_points, np.ndarray) and isinstance(end_points, np.ndarray):
        # Host points: the 8 x 8 systems are solved once in float64 NumPy.
        start, end = start_points.astype(np.float64), end_points.astype(np.float64)
        transform = _homography(np, np.linalg.solve, start, end)
    else:
        dtype = "float64" if _numpy.get_dtype_name(images) == "float64" else "float32"
        start, end = (engine.core.cast(engine.core.convert_to_tensor(points), dtype)
                      for points in (start_points, end_points))  # fmt: skip
        transform = _homography(_numpy, engine.linalg.solve, start, end)
    return _affine_transform(images, transform, interpolation, "constant", fill_value,
                             data_format)  # fmt: skip


_perspective_transform_op = op(_perspective_transform, name="perspective_transform")


def perspective_transform(
    images,
    start_points,
    end_points,
    interpolation="bilinear",
    fill_value=0,
    data_format=None,
):
    """Warp ``images`` so that each of the four ``start_points`` (in the input) lands on
    the matching ``end_points`` (in the output): ``(4, 2)`` or one set per image
    ``(N, 4, 2)``, as ``(x, y)`` pixel positions.

    ``interpolation`` is "nearest" or "bilinear"; pixels that read outside the input get
    ``fill_value``.
    """
    data_format = _standardize_data_format(data_format)
    _check_images("perspective_transform", images)
    # No boolean form in Keras (TensorFlow's kernel refuses it; torch's fails to solve).
    _refuse_dtype("perspective_transform", "images", images, ("bool",), "a numeric dtype")
    _check_interpolation("perspective_transform", interpolation)
    start_points = _as_points(start_points)
    end_points = _as_points(end_points)
    for argument, points in (("start_points", start_points), ("end_points", end_points)):
        points_shape = tuple(_shape(points))
        if len(points_shape) not in (2, 3) or points_shape[-2:] != (4, 2):
            raise ValueError(
                f"perspective_transform expects {argument} of shape (4, 2) or (N, 4, 2); "
                f"received shape {points_shape}."
            )
    if tuple(_shape(start_points)) != tuple(_shape(end_points)):
        raise ValueError(
            "perspective_transform expects start_points and end_points of one shape; "
            f"received {tuple(_shape(start_points))} and {tuple(_shape(end_points))}."
        )
    return _perspective_transform_op(images, start_points, end_points, interpolation,
                                     fill_value, data_format)  # fmt: skip


def _as_points(points):
    return np.asarray(points, dtype=np.float64) if isinstance(points, (list, tuple)) else points


# ---- elastic_transform --------------------------------------------------------------------


def _elastic_transform(images, alpha, sigma, interpolation, fill_mode, fill_value, seed,
                       data_format):  # fmt: skip
    images = engine.core.convert_to_tensor(images)
    unbatched = images.ndim == 3
    if unbatched:
        images = _numpy.expand_dims(images, 0)
    if data_format == "channels_first":
        images = _numpy.transpose(images, (0, 2, 3, 1))  # (N, H, W, C)
    batch, height, width, channels = images.shape
    dtype = _numpy.get_dtype_name(images)
    compute_dtype = dtype if _is_float_dtype(dtype) else "float32"
    # One draw for both displacement components: (2N, H, W, 1), dx first, then dy.
    noise = engine.random.normal((2 * batch, height, width, 1), dtype=compute_dtype, seed=seed)
    kernel_size = int(6 * sigma) | 1  # about +-3 sigma, odd (as Keras)
    displacement = _gaussian_blur(noise * sigma, (kernel_size, kernel_size), (sigma, sigma),
                                  "channels_last")  # fmt: skip
    displacement = _numpy.reshape(displacement, (2, batch, height, width, 1)) * alpha
    shape = (batch, height, width, channels)
    y = _numpy.arange(height, dtype=compute_dtype)[None, :, None, None]
    x = _numpy.arange(width, dtype=compute_dtype)[None, None, :, None]
    coordinates = [
        _numpy.broadcast_to(_numpy.arange(batch, dtype=compute_dtype)[:, None, None, None], shape),
        _numpy.broadcast_to(y + displacement[1], shape),
        _numpy.broadcast_to(x + displacement[0], shape),
        _numpy.broadcast_to(_numpy.arange(channels, dtype=compute_dtype), shape),
    ]
    out = _map_coordinates(images, coordinates, _ORDERS[interpolation], fill_mode, fill_value)
    if data_format == "channels_first":
        out = _numpy.transpose(out, (0, 3, 1, 2))
    return out[0] if unbatched else out


_elastic_transform_op = op(_elastic_transform, name="elastic_transform")


def elastic_transform(
    images,
    alpha=20.0,
    sigma=5.0,
    interpolation="bilinear",
    fill_mode="reflect",
    fill_value=0.0,
    seed=None,
    data_format=None,
):
    """Deform ``images`` by a random displacement field: standard normal noise times
    ``sigma``, blurred by a Gaussian of standard deviation ``sigma`` (kernel
    ``int(6 sigma) | 1``) and scaled by ``alpha``, one field per image shared by its
    channels. Each output pixel reads the input at its displaced position, by
    ``interpolation`` ("nearest", "bilinear"); positions outside follow ``fill_mode``
    ("constant" with ``fill_value``, "nearest", "wrap", "mirror", "reflect").

    ``seed`` (an int or a ``lamina.random.SeedGenerator``) makes the field repeat.
    """
    data_format = _standardize_data_format(data_format)
    _check_images("elastic_transform", images)
    _require_dtype("elastic_transform", "images", images)  # Keras draws float noise in it
    _check_interpolation("elastic_transform", interpolation)
    if fill_mode not in _FILL_MODES:
        raise ValueError(
            f"elastic_transform: fill_mode must be one of {list(_FILL_MODES)}; received "
            f"{fill_mode!r}."
        )
    for argument, value in (("alpha", alpha), ("sigma", sigma)):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise TypeError(
                f"elastic_transform: {argument} must be a Python number; received {value!r}."
            )
    if sigma <= 0:
        raise ValueError(f"elastic_transform: sigma must be > 0; received {sigma!r}.")
    return _elastic_transform_op(images, float(alpha), float(sigma), interpolation, fill_mode,
                                 fill_value, seed, data_format)  # fmt: skip
