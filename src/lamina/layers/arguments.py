"""Checks of constructor arguments shared by layer families."""

from __future__ import annotations


def require_positive_int(name: str, value) -> int:
    """``value`` when it is a positive int (bools excluded); else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer; received {name}={value!r}.")
    return value
