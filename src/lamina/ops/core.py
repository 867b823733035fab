"""Core ops: conversion, casting, shapes, control flow."""

from lamina.backend import KerasTensor, engine
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
