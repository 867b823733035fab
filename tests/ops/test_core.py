"""lamina.ops core ops: conversion, casting, indexing and control flow."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic

CASES = [
    OpCase("cast", lambda x: ops.cast(x, "int32"), lambda x: x.astype(np.int32), ((4, 3),),
           dtype="int32"),
    OpCase("cast", lambda x: ops.cast(x, "float16"), lambda x: x, ((4, 3),), dtype="float16",
           rtol=1e-3, atol=1e-3, label="float16"),
    OpCase("cast", lambda x: ops.cast(x, "float32"), lambda x: x.astype(np.float64), ((4, 3),),
           "int", dtype="float32", label="int"),
    OpCase("stop_gradient", ops.stop_gradient, lambda x: x, ((4, 3),)),
    OpCase("get_item", lambda x: ops.get_item(x, (slice(None), 1)), lambda x: x[:, 1],
           ((4, 3),)),
    OpCase("get_item", lambda x: x[1:3], lambda x: x[1:3], ((4, 3),), batch=False,
           label="slice"),
    OpCase("get_item", lambda x: x[..., None, -1], lambda x: x[..., None, -1], ((4, 3),),
           label="newaxis"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_ops_on_float64_arrays_compute_in_float64(rng):
    # Keras 3.15 keeps a float64 array float64 in ops (only layers and fit cast to floatx).
    x, y = rng.standard_normal((2, 3)), rng.uniform(0.1, 0.9, (2, 3))
    target = y / y.sum(axis=-1, keepdims=True)
    results = {
        "add": (ops.add(x, 1.0), x + 1.0),
        "matmul": (ops.matmul(x, x.T), x @ x.T),
        "mean": (ops.mean(x, axis=0), x.mean(axis=0)),
        "binary_crossentropy": (
            ops.binary_crossentropy(y, y),
            -(y * np.log(y) + (1 - y) * np.log(1 - y)),
        ),
        "categorical_crossentropy": (
            ops.categorical_crossentropy(target, target),
            -(target * np.log(target)).sum(axis=-1),
        ),
    }
    for name, (actual, expected) in results.items():
        assert ops.dtype(actual) == "float64", name
        assert_close(actual, expected, rtol=1e-12, atol=1e-12, err_msg=name)


def test_convert_round_trip(rng):
    x = rng.standard_normal((3, 2)).astype("float32")
    tensor = ops.convert_to_tensor(x)
    assert ops.is_tensor(tensor)
    if not isinstance(tensor, np.ndarray):  # on the NumPy engine an array is a tensor
        assert not ops.is_tensor(x)
    np.testing.assert_array_equal(ops.convert_to_numpy(tensor), x)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (np.ones((2,), "float64"), "float64"),  # an array keeps its dtype, as in Keras
        (np.ones((2,), "int64"), "int64"),
        ([1, 2], "int32"),
        ([1.0, 2.0], "float32"),
        (3, "int32"),
        (2.5, "float32"),
        (True, "bool"),
    ],
)
def test_convert_to_tensor_dtypes(value, dtype):
    assert ops.dtype(ops.convert_to_tensor(value)) == dtype


def test_convert_to_tensor_explicit_dtype():
    assert ops.dtype(ops.convert_to_tensor([1, 2], dtype="float64")) == "float64"


def test_convert_rejects_strings_and_keras_tensors():
    with pytest.raises(TypeError):
        ops.convert_to_tensor(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="symbolic"):
        ops.convert_to_tensor(backend.KerasTensor((2,)))


def test_shape_and_dtype():
    assert ops.shape(ops.ones((2, 3))) == (2, 3)
    assert ops.shape(backend.KerasTensor((None, 3))) == (None, 3)
    assert ops.dtype(backend.KerasTensor((1,), dtype="int8")) == "int8"
    assert ops.dtype(ops.ones((1,), dtype="bfloat16")) == "bfloat16"


def test_cond():
    x = ops.convert_to_tensor(np.array([1.0, 2.0], "float32"))
    assert_close(ops.cond(ops.sum(x) > 0, lambda: x * 2, lambda: x), [2.0, 4.0])
    assert_close(ops.cond(False, lambda: x * 2, lambda: x), [1.0, 2.0])


def test_scan_cumulative_sum(rng):
    xs = rng.standard_normal((5, 2)).astype("float32")

    def step(carry, x):
        carry = carry + x
        return carry, carry

    carry, ys = ops.scan(step, ops.zeros((2,)), xs)
    assert_close(ys, np.cumsum(xs.astype(np.float64), axis=0), atol=1e-5)
    assert_close(carry, xs.astype(np.float64).sum(axis=0), atol=1e-5)
    _, reversed_ys = ops.scan(step, ops.zeros((2,)), xs, reverse=True)
    assert_close(reversed_ys, np.cumsum(xs[::-1].astype(np.float64), axis=0)[::-1], atol=1e-5)


def test_scan_with_length_only():
    carry, ys = ops.scan(lambda c, _: (c + 1, c), ops.convert_to_tensor(0), length=3)
    assert int(ops.convert_to_numpy(carry)) == 3
    np.testing.assert_array_equal(ops.convert_to_numpy(ys), [0, 1, 2])


def test_fori_loop():
    out = ops.fori_loop(0, 4, lambda i, value: value + i, ops.convert_to_tensor(10.0))
    assert_close(out, 16.0)


def test_cast_symbolic_keeps_none():
    x = backend.KerasTensor((None, 4), dtype="float32")
    y = ops.cast(x, "int8")
    assert y.shape == (None, 4)
    assert y.dtype == "int8"


def test_stop_gradient_argument_is_named_variable_as_in_keras(rng):
    x = rng.standard_normal((2, 3)).astype("float32")
    assert_close(ops.stop_gradient(variable=x), x)
    assert ops.stop_gradient(variable=backend.KerasTensor((None, 3))).shape == (None, 3)
