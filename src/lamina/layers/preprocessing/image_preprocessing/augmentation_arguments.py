"""Argument checks and input shapes shared by the colour and mixing augmentation layers."""

from __future__ import annotations

from lamina import ops


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_value_range(layer: str, value_range) -> list:
    """``value_range`` as a sorted ``[low, high]`` list (Keras keeps it sorted too)."""
    if (
        not isinstance(value_range, (tuple, list))
        or len(value_range) != 2
        or not all(_is_number(value) for value in value_range)
    ):
        raise ValueError(
            f"{layer}: the `value_range` argument should be a list of two numbers. "
            f"Received: value_range={value_range!r}"
        )
    return sorted(value_range)


def check_unit_factor(layer: str, argument: str, factor) -> tuple:
    """A number ``f`` in [0, 1] as ``(0, f)``, or a pair in [0, 1] sorted (Keras's form for
    probabilities, Solarization's factors and RandomGaussianBlur's sigma)."""
    message = (
        f"{layer}: the `{argument}` argument should be a number (or a list of two numbers) "
        f"in the range [0, 1]. Received: {argument}={factor!r}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_is_number(value) for value in factor):
            raise ValueError(message)
        values = sorted(factor)
    elif _is_number(factor):
        values = [0, factor]
    else:
        raise ValueError(message)
    if not all(0 <= value <= 1 for value in values):
        raise ValueError(message)
    return tuple(values)


def images_of(data):
    return data["images"] if isinstance(data, dict) else data


def batch_size_of(images) -> int:
    """The batch size of a batch ``(N, H, W, C)``, or 1 for one image ``(H, W, C)``."""
    shape = ops.shape(images)
    if len(shape) not in (3, 4):
        raise ValueError(
            f"Expected the input image to be rank 3 or 4. Received: inputs.shape={tuple(shape)}"
        )
    return 1 if len(shape) == 3 else shape[0]


def spatial_axes(data_format: str) -> tuple[int, int]:
    """Height and width axes of a batch of images."""
    return (1, 2) if data_format == "channels_last" else (2, 3)


def per_image(values, dtype):
    """``(N,)`` or ``(N, 1, 1, 1)`` per-image values as ``(N, 1, 1, 1)`` of ``dtype``."""
    return ops.reshape(ops.cast(values, dtype), (-1, 1, 1, 1))
