"""Core ops: conversion, casting, shapes, control flow."""

from lamina.backend import KerasTensor, engine
from lamina.ops.core_extra import (
    associative_scan as associative_scan,
    custom_gradient as custom_gradient,
    map as map,
    saturate_cast as saturate_cast,
    scatter as scatter,
    scatter_update as scatter_update,
    slice as slice,
    slice_update as slice_update,
    switch as switch,
    unstack as unstack,
    vectorized_map as vectorized_map,
    while_loop as while_loop,
)
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
    """The dtype of ``x`` (a tensor, variable, array or KerasTensor) as a standard name such
    as ``"float32"``."""
    if isinstance(x, KerasTensor):
        return x.dtype
    return engine.numpy.get_dtype_name(x)

