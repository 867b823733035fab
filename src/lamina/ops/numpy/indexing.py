"""Finding and choosing elements: nonzero, unravel_index, select, argpartition."""

from __future__ import annotations

from lamina.backend import KerasTensor, engine
from lamina.ops.core import cast, convert_to_tensor, dtype, get_item as get_item, shape
from lamina.ops.dispatch import op
from lamina.ops.numpy.dtype_rules import op_with_spec, promoted

_np = engine.numpy


def _nonzero(x):
    return tuple(cast(index, "int32") for index in _np.where(convert_to_tensor(x)))


def _nonzero_spec(x):
    return tuple(KerasTensor((None,), dtype="int32") for _ in shape(x))


def _unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    coordinates = []
    for dim in reversed(tuple(shape)):
        coordinates.append(_np.mod(indices, dim))
        indices = _np.floor_divide(indices, dim)
    return tuple(reversed(coordinates))


def _select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"select: condlist and choicelist must have the same length; received "
            f"{len(condlist)} and {len(choicelist)}."
        )
    if not condlist:
        raise ValueError("select: condlist must not be empty.")
    choices = promoted(*[convert_to_tensor(c) for c in choicelist])
    out = _np.full_like(choices[0], default)
    for condition, choice in reversed(list(zip(condlist, choices))):  # the first match wins
        out = _np.where(condition, choice, out)
    return out


def _argpartition(x, kth, axis=-1):
    # A stable full sort is one valid partition: every index before kth points to a value no
    # larger than x[kth], every one after to a value no smaller. Engines differ in which
    # partition their native kernels return, so one rule serves all.
    x = convert_to_tensor(x)
    if dtype(x) == "bool":
        x = cast(x, "int32")
    return _np.argsort(x, axis=axis)


nonzero = op_with_spec(_nonzero, _nonzero_spec, name="nonzero")
nonzero.__doc__ = "The indices (int32, one tensor per axis) of the non-zero elements."
unravel_index = op(
    _unravel_index,
    name="unravel_index",
    doc="Flat indices to a tuple of coordinate tensors for ``shape``.",
)
select = op(
    _select,
    name="select",
    doc="Per element, the choice of the first true condition, else ``default``.",
)
argpartition = op(
    _argpartition,
    name="argpartition",
    doc="Indices (int32) that partition ``x`` around its ``kth`` element.",
)

__all__ = ["argpartition", "get_item", "nonzero", "select", "unravel_index"]
