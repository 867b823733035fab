"""The engine-independent half of ``compute_output_spec``.

Each engine runs a function on stand-ins for KerasTensors (torch: fake tensors, JAX:
abstract values, NumPy: zero arrays) and reads the outputs back as KerasTensors. Unknown
(``None``) dimensions are filled with one unlikely size, then with another: an output
dimension that differs between the two runs is unknown too.
"""

from __future__ import annotations

from collections.abc import Callable

from lamina.backend.common.keras_tensor import KerasTensor

SENTINELS = (83, 89)


def map_nested(x, leaf: Callable, is_leaf: Callable):
    """``leaf`` applied to every item of nested lists/tuples/dicts that ``is_leaf``."""
    if is_leaf(x):
        return leaf(x)
    if isinstance(x, (list, tuple)):
        return type(x)(map_nested(item, leaf, is_leaf) for item in x)
    if isinstance(x, dict):
        return {key: map_nested(value, leaf, is_leaf) for key, value in x.items()}
    return x


def filled_shape(tensor: KerasTensor, fill: int) -> tuple:
    return tuple(fill if d is None else d for d in tensor.shape)


def stand_ins(x, make: Callable, fill: int):
    """Every KerasTensor in ``x`` replaced by ``make(shape, dtype)``."""
    return map_nested(
        x,
        lambda t: make(filled_shape(t, fill), t.dtype),
        lambda t: isinstance(t, KerasTensor),
    )


def _has_unknown_dim(x) -> bool:
    if isinstance(x, KerasTensor):
        return None in x.shape
    if isinstance(x, (list, tuple)):
        return any(_has_unknown_dim(item) for item in x)
    if isinstance(x, dict):
        return any(_has_unknown_dim(item) for item in x.values())
    return False


def _merge(first, second):
    if isinstance(first, KerasTensor):
        shape = tuple(a if a == b else None for a, b in zip(first.shape, second.shape))
        return KerasTensor(shape, dtype=first.dtype)
    if isinstance(first, (list, tuple)):
        return type(first)(_merge(a, b) for a, b in zip(first, second))
    if isinstance(first, dict):
        return {key: _merge(first[key], second[key]) for key in first}
    return first


def infer_output_spec(evaluate: Callable, args, kwargs):
    """``evaluate(fill)`` runs the function once with unknown dimensions set to ``fill``
    and returns its outputs as KerasTensors; this merges the runs that are needed."""
    first = evaluate(SENTINELS[0])
    if not _has_unknown_dim((args, kwargs)):
        return first
    return _merge(first, evaluate(SENTINELS[1]))
