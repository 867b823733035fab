"""Dtype classes an op refuses, as Keras 3.15 refuses them.

Some ops have no integer or boolean form in Keras (its engines' kernels are float-only, or
they draw float noise in the input's dtype): ``dot_product_attention``, the adaptive pools,
``gaussian_blur``, ``elastic_transform``. Others run in single or double precision only
(``eig``, ``lu_factor``). Lamina refuses the same classes on every engine, before any engine
work and on KerasTensors alike, with a TypeError naming the op, the argument, the dtypes it
takes and the one it received.
"""

from __future__ import annotations

import functools

from lamina.backend import KerasTensor, engine

ANY_FLOAT = ("float16", "bfloat16", "float32", "float64")
FULL_PRECISION = ("float32", "float64")


def dtype_name(x) -> str:
    """The standard dtype name of a tensor, variable, array, KerasTensor or Python value."""
    if isinstance(x, KerasTensor):
        return x.dtype
    return engine.numpy.get_dtype_name(x)


def require_dtype(op_name: str, argument: str, x, allowed=ANY_FLOAT) -> None:
    """Raise a TypeError unless ``x``'s dtype is one of ``allowed``."""
    received = dtype_name(x)
    if received not in allowed:
        raise TypeError(
            f"{op_name} expects {argument} of dtype {', '.join(allowed)}; received {received}."
        )


def refuse_dtype(op_name: str, argument: str, x, refused, expected: str) -> None:
    """Raise a TypeError when ``x``'s dtype is one of ``refused`` (``expected`` says what the
    op takes instead)."""
    received = dtype_name(x)
    if received in refused:
        raise TypeError(f"{op_name} expects {argument} of {expected}; received {received}.")


def float_arguments(public_op, *arguments: str, allowed=ANY_FLOAT):
    """``public_op`` whose leading arguments, named ``arguments`` in order, must have a float
    dtype in ``allowed``; checked before the call, eager or symbolic."""
    op_name = public_op.__name__

    @functools.wraps(public_op)
    def checked(*args, **kwargs):
        for position, argument in enumerate(arguments):
            value = args[position] if position < len(args) else kwargs.get(argument)
            if value is not None:
                require_dtype(op_name, argument, value, allowed)
        return public_op(*args, **kwargs)

    return checked
