"""Integer binary functions that engines bind the same way, written once.

``gcd``, ``lcm``, the bitwise operations and the shifts are, on the JAX, torch and NumPy
engines, the engine's pairing (both operands converted and promoted to one integer dtype)
followed by its native kernel; only the kernels differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The contract's argument names: NumPy's for gcd/lcm, Keras's (x, y) for the bitwise ones.
_X1_X2 = ("gcd", "lcm")


NAMES = ("gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift")


def integer_pair_functions(
    module: str,
    pair: Callable[[Any, Any], tuple[Any, Any]],
    namespace: Any,
    finish: Callable[[Any], Any] | None = None,
    renamed: dict[str, str] | None = None,
) -> tuple[Callable, ...]:
    """The engine's functions named in ``NAMES``, in that order: ``kernel(*pair(a, b))``,
    then ``finish`` on the result when given. Each kernel is ``namespace``'s function of the
    same name, or of the name ``renamed`` gives. ``module`` is the engine module that binds
    them (the functions name it as their home)."""
    renamed = renamed or {}
    return tuple(
        _bind(name, getattr(namespace, renamed.get(name, name)), pair, finish, module)
        for name in NAMES
    )


def _bind(name, kernel, pair, finish, module) -> Callable:
    def apply(a, b):
        result = kernel(*pair(a, b))
        return result if finish is None else finish(result)

    if name in _X1_X2:

        def function(x1, x2):
            return apply(x1, x2)
    else:

        def function(x, y):
            return apply(x, y)

    function.__name__ = function.__qualname__ = name
    function.__module__ = module
    return function
