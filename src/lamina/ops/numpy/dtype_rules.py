"""Keras's result-dtype rules for composite NumPy ops, and ops whose output shape depends
on the values (their symbolic shape is stated, since abstract evaluation cannot know it)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from lamina.backend import any_symbolic_tensors, floatx, is_float_dtype, result_type
from lamina.backend.common.promotion import (
    PYTHON_SCALARS,
    binary_dtype,
    operand_key,
    scalar_key,
)
from lamina.ops.core import cast, dtype
from lamina.ops.operation import FunctionOperation

# The largest finite value of each float dtype (nan_to_num's default for +inf).
FLOAT_MAX = {
    "float16": 65504.0,
    "bfloat16": 3.3895313892515355e38,
    "float32": 3.4028234663852886e38,
    "float64": 1.7976931348623157e308,
}


def float_dtype(*tensors) -> str:
    """The float dtype of an op on ``tensors``: their promoted dtype, floatx for ints/bools."""
    promoted = result_type(*[dtype(t) for t in tensors])
    return promoted if is_float_dtype(promoted) else floatx()


def pair_float_dtype(x1, x2) -> str:
    """The float dtype of an op on two operands: the dtype the engines' binary ops compute in
    (Python scalars and 0-d tensors weak; ``backend/common/promotion``), floatx for
    ints/bools."""
    promoted = binary_dtype(_operand_key(x1), _operand_key(x2))
    return promoted if is_float_dtype(promoted) else floatx()


def _operand_key(x) -> str:
    if isinstance(x, PYTHON_SCALARS):
        return scalar_key(x)
    return operand_key(dtype(x), len(x.shape) if hasattr(x, "shape") else 1)


def to_float(x):
    """``x`` cast to floatx when it is an integer or bool tensor."""
    return x if is_float_dtype(dtype(x)) else cast(x, floatx())


def promoted(*tensors) -> list:
    """``tensors`` cast to their common dtype."""
    common = result_type(*[dtype(t) for t in tensors])
    return [t if dtype(t) == common else cast(t, common) for t in tensors]


class _StatedSpecOperation(FunctionOperation):
    def __init__(self, function, name, spec):
        super().__init__(function, name)
        self._spec = spec

    def compute_output_spec(self, *args, **kwargs):
        return self._spec(*args, **kwargs)


def op_with_spec(function: Callable, spec: Callable, name: str | None = None) -> Callable:
    """The public op for ``function``, whose symbolic output is ``spec(*args, **kwargs)``."""
    op_name = name or function.__name__

    @functools.wraps(function)
    def public_op(*args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return _StatedSpecOperation(function, op_name, spec).symbolic_call(*args, **kwargs)
        return function(*args, **kwargs)

    public_op.__name__ = op_name
    public_op.__qualname__ = op_name
    return public_op
