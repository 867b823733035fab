"""lamina.ops.dtype_checks: the refusals name the op, the argument, the dtypes expected and
the one received, for tensors, arrays, Python values and KerasTensors, before the op runs."""

import numpy as np
import pytest

from lamina import backend, ops
from lamina.ops.dtype_checks import dtype_name, float_arguments, refuse_dtype, require_dtype


def test_dtype_name_of_every_kind_of_value():
    assert dtype_name(ops.ones((2,), "int64")) == "int64"
    assert dtype_name(np.zeros(2, "uint8")) == "uint8"
    assert dtype_name(backend.KerasTensor((None, 2), dtype="bfloat16")) == "bfloat16"
    assert dtype_name(1.5) == "float32"


def test_require_dtype_names_the_expected_and_received_dtypes():
    require_dtype("op", "x", np.ones(2, "float16"))
    with pytest.raises(TypeError, match=r"op expects x of dtype float32, float64; received "
                                        r"float16\."):  # fmt: skip
        require_dtype("op", "x", np.ones(2, "float16"), allowed=("float32", "float64"))


def test_refuse_dtype_lets_the_other_dtypes_through():
    refuse_dtype("op", "x", np.ones(2, "int32"), ("bool",), "a numeric dtype")
    with pytest.raises(TypeError, match=r"op expects x of a numeric dtype; received bool\."):
        refuse_dtype("op", "x", np.ones(2, bool), ("bool",), "a numeric dtype")


def test_float_arguments_checks_positional_and_keyword_arguments_before_the_call():
    calls = []

    def scaled(x, y, scale=2.0):
        calls.append(scale)
        return x * scale + y

    checked = float_arguments(scaled, "x", "y")
    assert checked.__name__ == "scaled"
    np.testing.assert_array_equal(checked(np.ones(2, "float32"), y=np.ones(2, "float32")), 3.0)
    for args, kwargs, argument in [
        ((np.ones(2, "int32"), np.ones(2, "float32")), {}, "x"),
        ((np.ones(2, "float32"),), {"y": np.ones(2, bool)}, "y"),
        ((), {"x": backend.KerasTensor((2,), dtype="int64"), "y": 1.0}, "x"),
    ]:
        with pytest.raises(TypeError, match=rf"scaled expects {argument} of dtype float16, "):
            checked(*args, **kwargs)
    assert calls == [2.0]  # the refused calls never ran
