"""Checks of constructor arguments shared by layer families."""

from __future__ import annotations


def require_positive_int(name: str, value) -> int:
    """``value`` when it is a positive int (bools excluded); else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer; received {name}={value!r}.")
    return value


def require_axes(owner: str, axis) -> list:
    """``axis`` (an int or a non-empty list/tuple of ints) as a list; else a TypeError naming
    ``owner`` and the argument."""
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
        raise TypeError(
            f"{owner}: the argument 'axis' must be an int or a non-empty list/tuple of ints; "
            f"received axis={axis!r}."
        )
    return axes


def check_axes_in_range(layer_name: str, axes, input_shape) -> None:
    """A ValueError naming the layer when an axis is outside an input of ``input_shape``."""
    for axis in axes:
        if not -len(input_shape) <= axis < len(input_shape):
            raise ValueError(
                f"Layer {layer_name!r}: axis {axis} is out of range for input_shape="
                f"{tuple(input_shape)}."
            )
