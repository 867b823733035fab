"""Argument checks for layers that add or remove steps at both ends of spatial axes.

ZeroPadding and Cropping take, per spatial axis, how many steps go at the start and at the
end, in Keras's forms: an int (the same everywhere), one int per axis, or a (start, end)
pair per axis.
"""

from __future__ import annotations


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _pair(value, name: str) -> tuple:
    if _is_count(value):
        return (value, value)
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(map(_is_count, value)):
        return tuple(value)
    raise ValueError(
        f"{name} must be a non-negative int or a tuple of 2 non-negative ints; "
        f"received {name}={value!r}."
    )


def standardize_edge_widths(value, rank: int, name: str) -> tuple:
    """``((start, end), ...)``, one pair per spatial axis, from any of Keras's forms."""
    if rank == 1:
        return (_pair(value, name),)
    if _is_count(value):
        return ((value, value),) * rank
    if not isinstance(value, (list, tuple)) or len(value) != rank:
        raise ValueError(
            f"{name} must be an int, a tuple of {rank} ints or a tuple of {rank} tuples of 2 "
            f"ints, all non-negative; received {name}={value!r}."
        )
    return tuple(_pair(entry, name) for entry in value)
