"""Core ops: conversion, casting, shapes, control flow."""

from lamina.backend import KerasTensor, engine
from lamina.ops.core_extra import associative_scan as associative_scan
from lamina.ops.core_extra import custom_gradient as custom_gradient
from lamina.ops.core_extra import map as map
from lamina.ops.core_extra import saturate_cast as saturate_cast
from lamina.ops.core_extra import scatter as scatter
from lamina.ops.core_extra import scatter_update as scatter_update
from lamina.ops.core_extra import slice as slice
from lamina.ops.core_extra import slice_update as slice_update
from lamina.ops.core_extra import switch as switch
from lamina.ops.core_extra import unstack as unstack
from lamina.ops.core_extra import vectorized_map as vectorized_map
from lamina.ops.core_extra import while_loop as while_loop
from lamina.ops.dispatch import op

_core = engine.core

cast = op(_core.cast, doc="``x`` converted to ``dtype``.")
stop_gradient = op(_core.stop_gradient, doc="``x`` with gradients blocked.")
get_item = op(_core.get_item, doc="``x[key]``.")
convert_to_tensor = _core.convert_to_tensor
convert_to_numpy = _core.convert_to_numpy
is_tensor = _core.is_tensor
cond = _core.cond
scan = _core.scan
fori_loop = _core.fori_loop


def shape(x) -> tuple:
    """The shape of ``x`` as a tuple (``None`` for unknown dimensions of a KerasTensor)."""
    if isinstance(x, KerasTensor):
        return x.shape
    return _core.shape(convert_to_tensor(x))


def dtype(x) -> str:
    if isinstance(x, KerasTensor):
        return x.dtype
    return engine.numpy.get_dtype_name(x)

