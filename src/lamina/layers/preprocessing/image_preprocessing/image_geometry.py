"""Small shared pieces of the geometric image layers: where the image axes are, how many
images a call holds, and checks of their common arguments."""

from __future__ import annotations

from lamina import ops

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def images_of(data):
    """The image tensor of a layer input (a tensor or a dict holding ``"images"``)."""
    return data["images"] if isinstance(data, dict) else data


def batch_size_of(images) -> int:
    shape = ops.shape(images)
    return 1 if len(shape) == 3 else shape[0]


def height_width(shape, data_format) -> tuple:
    """(height, width) from an image or batch shape."""
    if data_format == "channels_first":
        return shape[-2], shape[-1]
    return shape[-3], shape[-2]


def check_choice(layer: str, name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(
            f"{layer}: `{name}` must be one of {list(choices)}. Received: {name}={value!r}"
        )


def factor_range(layer: str, name: str, factor, bounds=(-1.0, 1.0)) -> tuple:
    """A number f -> (-|f|, |f|); a pair -> sorted; both must lie within ``bounds``."""
    low, high = bounds
    message = (
        f"{layer}: `{name}` should be a number (or a list of two numbers) in the range "
        f"[{low}, {high}]. Received: {name}={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_is_number(value) for value in factor):
            raise ValueError(message)
        values = sorted(factor)
    elif _is_number(factor):
        values = [-abs(factor), abs(factor)]
    else:
        raise ValueError(message)
    if values[0] < low or values[1] > high:
        raise ValueError(message)
    return float(values[0]), float(values[1])


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
