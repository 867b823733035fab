"""Array functions that NumPy and ``jax.numpy`` spell the same way, written once.

Each takes the array module (``xp``: ``numpy`` or ``jax.numpy``) and arrays that the engine
has already converted; the engine keeps only its conversion and dtype mapping.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any

from lamina.backend.common.argument_checks import check_split_sections
from lamina.backend.common.dtypes import result_type


def shape_tuple(shape) -> tuple:
    """A creation function's ``shape``: an int or a sequence of ints."""
    return (shape,) if isinstance(shape, int) else tuple(shape)


def reshape(xp, x, newshape):
    return xp.reshape(x, shape_tuple(newshape))


def split(xp, x, indices_or_sections, axis) -> list:
    if isinstance(indices_or_sections, int):
        check_split_sections(x.shape[axis], indices_or_sections, axis)
    return list(xp.split(x, indices_or_sections, axis=axis))


def tile(xp, x, repeats):
    return xp.tile(x, shape_tuple(repeats))


def size(x) -> int:
    return builtins.int(math.prod(x.shape))


def matrix_parts(xp, convert: Callable[[Any], Any], module: str) -> tuple[Callable, ...]:
    """The engine's ``tril``, ``triu`` and ``diag``: ``convert`` then the module's own.
    ``module`` is the engine module that binds them (the functions name it as their home, so
    the docs tools and pickling find them there)."""

    def tril(x, k=0):
        return xp.tril(convert(x), k=k)

    def triu(x, k=0):
        return xp.triu(convert(x), k=k)

    def diag(x, k=0):
        return xp.diag(convert(x), k=k)

    for function in (tril, triu, diag):
        function.__module__ = module
        function.__qualname__ = function.__name__
    return tril, triu, diag


def arange_arguments(start, stop, step, dtype, int_types: tuple) -> tuple:
    """Keras's ``arange(n)`` form and defaults: ``step=None`` means 1, and all-int
    arguments give int32 (NumPy alone would give int64)."""
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if dtype is None:
        is_int = builtins.all(isinstance(value, int_types) for value in (start, stop, step))
        dtype = "int32" if is_int else None
    return start, stop, step, dtype


def linspace_dtype(start, stop, dtype):
    """``linspace``'s default dtype: the endpoints' promoted with float, as in Keras."""
    if dtype is not None:
        return dtype
    return result_type(getattr(start, "dtype", type(start)), getattr(stop, "dtype", type(stop)),
                       float)  # fmt: skip
