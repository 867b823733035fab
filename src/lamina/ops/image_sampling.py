"""Sampling images at arbitrary coordinates: ``map_coordinates`` and ``affine_transform``,
written once over gathers (``take``), so every engine differentiates them.

Semantics are ``jax.scipy.ndimage.map_coordinates``'s (Keras's on every engine): order 0
rounds half away from zero, order 1 is linear; out-of-range taps follow ``fill_mode``
("constant": ``fill_value``, "nearest": the edge, "wrap": periodic, "mirror": reflect
about the edge pixel, "reflect": reflect about the edge).
"""

from __future__ import annotations

import itertools

from lamina.backend import engine, standardize_data_format as _standardize_data_format
from lamina.ops.core import shape as _shape
from lamina.ops.dispatch import op

_numpy = engine.numpy
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
_ORDERS = {"nearest": 0, "bilinear": 1}


def _mirror(index, size):
    if size == 1:
        return _numpy.zeros_like(index)
    period = 2 * (size - 1)  # a triangle wave: 0 1 .. size-1 .. 1 0 1 ..
    return _numpy.abs(_numpy.mod(index + (size - 1), period) - (size - 1))


def _fixed_index(index, size, fill_mode):
    if fill_mode in ("constant", "nearest"):
        return _numpy.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return _numpy.mod(index, size)
    if fill_mode == "mirror":
        return _mirror(index, size)
    # reflect: mirror over the half-pixel edge, i.e. mirror of 2i + 1 on a grid of 2n + 1
    return _numpy.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)


def _taps(coordinate, order):
    """(integer index, weight) pairs along one axis."""
    if order == 0:
        magnitude = _numpy.floor(_numpy.abs(coordinate) + 0.5)  # half away from zero
        return [(engine.core.cast(_numpy.sign(coordinate) * magnitude, "int32"), None)]
    lower = _numpy.floor(coordinate)
    upper_weight = coordinate - lower
    index = engine.core.cast(lower, "int32")
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def _map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    inputs = engine.core.convert_to_tensor(inputs)
    dtype = _numpy.get_dtype_name(inputs)
    compute_dtype = dtype if "float" in dtype else "float32"
    coordinates = [
        engine.core.cast(engine.core.convert_to_tensor(c), compute_dtype) for c in coordinates
    ]
    sizes = tuple(inputs.shape)
    flat = _numpy.reshape(engine.core.cast(inputs, compute_dtype), (-1,))
    per_axis = []
    for coordinate, size in zip(coordinates, sizes):
        taps = []
        for index, weight in _taps(coordinate, order):
            valid = None
            if fill_mode == "constant":
                valid = _numpy.logical_and(index >= 0, index < size)
            taps.append((_fixed_index(index, size, fill_mode), valid, weight))
        per_axis.append(taps)
    total = None
    for combination in itertools.product(*per_axis):
        position = None
        weight = None
        valid = None
        for (index, axis_valid, axis_weight), size in zip(combination, sizes):
            position = index if position is None else position * size + index
            if axis_weight is not None:
                weight = axis_weight if weight is None else weight * axis_weight
            if axis_valid is not None:
                valid = axis_valid if valid is None else _numpy.logical_and(valid, axis_valid)
        values = _numpy.take(flat, position)
        if valid is not None:
            values = _numpy.where(valid, values, _numpy.full_like(values, fill_value))
        term = values if weight is None else values * weight
        total = term if total is None else total + term
    if compute_dtype != dtype:
        total = engine.core.cast(_numpy.round(total), dtype)
    return total


_map_coordinates_op = op(_map_coordinates, name="map_coordinates")


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """``inputs`` sampled at ``coordinates`` (one array of positions per axis of
    ``inputs``, all of one shape, which is the output's), by ``order`` 0 (nearest) or 1
    (linear) interpolation."""
    rank = len(_shape(inputs))
    if len(coordinates) != rank:
        raise ValueError(
            f"map_coordinates: coordinates needs one array per axis of inputs ({rank}); "
            f"received {len(coordinates)}."
        )
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: order must be 0 or 1; received {order!r}.")
    if fill_mode not in _FILL_MODES:
        raise ValueError(
            f"map_coordinates: fill_mode must be one of {list(_FILL_MODES)}; received "
            f"{fill_mode!r}."
        )
    return _map_coordinates_op(inputs, list(coordinates), order, fill_mode, fill_value)


def _affine_transform(images, transform, interpolation, fill_mode, fill_value, data_format):
    images = engine.core.convert_to_tensor(images)
    batched = images.ndim == 4
    if not batched:
        images = _numpy.expand_dims(images, 0)
    if data_format == "channels_first":
        images = _numpy.transpose(images, (0, 2, 3, 1))  # (N, H, W, C)
    batch, height, width, channels = images.shape
    dtype = _numpy.get_dtype_name(images)
    compute_dtype = dtype if "float" in dtype else "float32"
    transform = engine.core.cast(engine.core.convert_to_tensor(transform), compute_dtype)
    if transform.ndim == 1:
        transform = _numpy.broadcast_to(transform[None], (batch, 8))
    y = _numpy.arange(height, dtype=compute_dtype)[None, :, None]  # (1, H, 1)
    x = _numpy.arange(width, dtype=compute_dtype)[None, None, :]  # (1, 1, W)

    def entry(i):  # (N, 1, 1)
        return transform[:, i][:, None, None]

    # The output pixel (x, y) reads the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2)
    # / k), k = c0 x + c1 y + 1 (TensorFlow's projective convention, which Keras documents).
    k = entry(6) * x + entry(7) * y + 1
    source_x = (entry(0) * x + entry(1) * y + entry(2)) / k  # (N, H, W)
    source_y = (entry(3) * x + entry(4) * y + entry(5)) / k
    out = _sample_rows_and_columns(
        images, source_y, source_x, _ORDERS[interpolation], fill_mode, fill_value
    )
    if data_format == "channels_first":
        out = _numpy.transpose(out, (0, 3, 1, 2))
    return out if batched else out[0]


_affine_transform_op = op(_affine_transform, name="affine_transform")


def _sample_rows_and_columns(images, source_y, source_x, order, fill_mode, fill_value):
    """``(N, H, W, C)`` images read at ``(N, H', W')`` points, every channel at once.

    Equal to ``_map_coordinates`` with integer batch and channel coordinates, but with 2-D
    taps (4 for bilinear) gathering whole pixels instead of 16 scalar taps per element.
    """
    batch, height, width, channels = images.shape
    dtype = _numpy.get_dtype_name(images)
    compute_dtype = dtype if "float" in dtype else "float32"
    pixels = _numpy.reshape(engine.core.cast(images, compute_dtype), (-1, channels))
    first_pixel = _numpy.reshape(_numpy.arange(batch, dtype="int32") * (height * width),
                                 (batch, 1, 1))  # fmt: skip
    total = None
    for row, row_valid, row_weight in _axis_taps(source_y, height, order, fill_mode):
        for column, column_valid, column_weight in _axis_taps(source_x, width, order, fill_mode):
            values = _numpy.take(pixels, first_pixel + row * width + column, axis=0)
            if row_valid is not None:
                valid = _numpy.logical_and(row_valid, column_valid)[..., None]
                values = _numpy.where(valid, values, _numpy.full_like(values, fill_value))
            if row_weight is not None:
                values = values * (row_weight * column_weight)[..., None]
            total = values if total is None else total + values
    if compute_dtype != dtype:
        total = engine.core.cast(_numpy.round(total), dtype)
    return total


def _axis_taps(coordinate, size, order, fill_mode):
    """(index inside the axis, validity for "constant" or None, weight or None) per tap."""
    taps = []
    for index, weight in _taps(coordinate, order):
        valid = None
        if fill_mode == "constant":
            valid = _numpy.logical_and(index >= 0, index < size)
        taps.append((_fixed_index(index, size, fill_mode), valid, weight))
    return taps


def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """``images`` under ``transform = [a0, a1, a2, b0, b1, b2, c0, c1]`` (one, or one per
    image: ``(8,)`` or ``(N, 8)``), which maps each output pixel ``(x, y)`` to the input
    point ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``, ``k = c0 x + c1 y + 1``.

    ``interpolation`` is "nearest" or "bilinear"; points outside follow ``fill_mode``
    ("constant", "nearest", "wrap", "mirror", "reflect").
    """
    data_format = _standardize_data_format(data_format)
    images_shape = _shape(images)
    if len(images_shape) not in (3, 4):
        raise ValueError(
            "affine_transform expects images of rank 3 (unbatched) or 4 (batched); "
            f"received shape {images_shape}."
        )
    transform_shape = _shape(transform)
    if len(transform_shape) not in (1, 2) or transform_shape[-1] != 8:
        raise ValueError(
            "affine_transform expects transform of shape (8,) or (N, 8); received shape "
            f"{transform_shape}."
        )
    if interpolation not in _ORDERS:
        raise ValueError(
            f"affine_transform: interpolation must be one of {list(_ORDERS)}; received "
            f"{interpolation!r}."
        )
    if fill_mode not in _FILL_MODES:
        raise ValueError(
            f"affine_transform: fill_mode must be one of {list(_FILL_MODES)}; received "
            f"{fill_mode!r}."
        )
    return _affine_transform_op(images, transform, interpolation, fill_mode, fill_value,
                                data_format)  # fmt: skip
