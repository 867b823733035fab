"""Binary ops promote by one rule on every engine (backend/common/promotion.py).

The facts below were taken by running Keras 3.15.1 on its torch backend (2026-12-05), the
engine Lamina's rule follows; the one place Lamina differs on purpose is 64-bit dtypes, which
it keeps (Keras turns int64/float64 results of some ops into int32/float32 outside
TensorFlow). Every engine leg runs these tests, so the engines agree with each other by
agreeing with the rule.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import lamina
from lamina import backend, ops
from lamina.backend.common.promotion import binary_dtype, operand_key, scalar_key

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64",
          "float16", "bfloat16", "float32", "float64")  # fmt: skip
SCALARS = (True, 3, 2.5)

# (op, first, second) -> Keras 3.15.1's result dtype. A string is a tensor of that dtype
# with dimensions, "0d:<dtype>" a 0-d tensor; Python values stand for themselves.
KERAS_FACTS = {
    ("add", "bool", 3): "int32",
    ("add", 3, "bool"): "int32",
    ("add", "uint8", True): "uint8",
    ("add", "bfloat16", 2.5): "bfloat16",
    ("add", "uint8", "int8"): "int16",
    ("add", "int32", "float16"): "float16",
    ("add", "bfloat16", "float16"): "float32",
    ("add", "float16", "0d:float64"): "float16",
    ("add", "int8", "0d:float64"): "float64",
    ("add", "uint8", "0d:int8"): "uint8",
    ("add", "bool", "0d:int8"): "int8",
    ("multiply", "int8", 2.5): "float32",
    ("multiply", "int32", "0d:float16"): "float16",
    ("subtract", "bool", "int8"): "int8",
    ("subtract", "float32", True): "float32",
    ("divide", "int16", True): "float32",
    ("divide", "int8", "0d:int8"): "float32",
    ("maximum", "bool", True): "bool",
    ("maximum", "float32", "0d:float64"): "float32",
    ("mod", "bool", "bool"): "int32",
    ("power", "bool", 3): "int32",
    ("floor_divide", True, "uint8"): "uint8",
    ("where", "bool", 3): "int32",
    ("arctan2", "int8", True): "float32",
    ("hypot", "bool", 3): "float32",
}

# Ops whose result is always floating: integers and bools compute in floatx.
FLOAT_RESULT = ("divide", "true_divide", "arctan2", "hypot")
# Ops on two bools that count in int32 (Keras on JAX; its torch backend has no kernel).
BOOL_AS_INT32 = ("power", "floor_divide", "mod")
OPS = ("add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod",
       "power", "maximum", "minimum", "arctan2", "hypot", "where")  # fmt: skip


def _operand(spec, seed):
    """A tensor for a dtype spec (random positive values, never zeros), or a Python scalar."""
    if not isinstance(spec, str):
        return spec, np.asarray(spec, dtype=np.float64)
    name = spec[3:] if spec.startswith("0d:") else spec
    shape = () if spec.startswith("0d:") else (2, 3)
    values = np.random.default_rng(seed).integers(1, 4, size=shape).astype(np.float64)
    if name == "bool":
        values = np.ones(shape)  # True: the only bool that is never a zero divisor
    return ops.cast(ops.convert_to_tensor(values), name), values


def _key(spec) -> str:
    if not isinstance(spec, str):
        return scalar_key(spec)
    if spec.startswith("0d:"):
        return spec
    return operand_key(spec, 2)


def _expected_dtype(op: str, first, second) -> str | None:
    """The rule's dtype for ``op``, or None where the op refuses the operands."""
    both_bool = all(
        (isinstance(s, bool) or s in ("bool", "0d:bool")) for s in (first, second)
    )
    if both_bool and op == "subtract":
        return None  # Keras refuses bool - bool on every backend; so does Lamina
    dtype = binary_dtype(_key(first), _key(second))
    if op in FLOAT_RESULT and dtype not in ("float16", "bfloat16", "float32", "float64"):
        return backend.floatx()
    if both_bool and op in BOOL_AS_INT32:
        return "int32"
    return dtype


def _call(op, x1, x2):
    if op == "where":
        condition = ops.convert_to_tensor(np.array([[True, False, True], [False, True, True]]))
        return ops.where(condition, x1, x2)
    return getattr(ops, op)(x1, x2)


def _reference(op, a, b):
    if op == "where":
        condition = np.array([[True, False, True], [False, True, True]])
        return np.where(condition, a, b)
    functions = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
                 "divide": np.divide, "true_divide": np.divide,
                 "floor_divide": np.floor_divide, "mod": np.mod, "power": np.power,
                 "maximum": np.maximum, "minimum": np.minimum, "arctan2": np.arctan2,
                 "hypot": np.hypot}  # fmt: skip
    return functions[op](a, b)


@pytest.mark.parametrize("fact", sorted(KERAS_FACTS, key=repr), ids=repr)
def test_rule_matches_keras(fact):
    op, first, second = fact
    assert _expected_dtype(op, first, second) == KERAS_FACTS[fact]


@pytest.mark.parametrize("fact", sorted(KERAS_FACTS, key=repr), ids=repr)
def test_engine_matches_keras(fact):
    op, first, second = fact
    x1, _ = _operand(first, 0)
    x2, _ = _operand(second, 1)
    assert backend.standardize_dtype(_call(op, x1, x2).dtype) == KERAS_FACTS[fact]


def test_rule_reads_floatx_when_called():
    assert binary_dtype("int32", "python float") == "float32"
    backend.set_floatx("float64")
    try:
        assert binary_dtype("int32", "python float") == "float64"
    finally:
        backend.set_floatx("float32")
    assert binary_dtype("int32", "python float") == "float32"


def _operand_pairs():
    tensors = list(DTYPES)
    zero_d = ["0d:" + name for name in DTYPES]
    pairs = list(itertools.product(tensors, tensors))
    pairs += list(itertools.product(tensors, zero_d)) + list(itertools.product(zero_d, tensors))
    pairs += list(itertools.product(tensors, SCALARS)) + list(itertools.product(SCALARS, tensors))
    return pairs


@pytest.mark.parametrize("op", OPS)
def test_every_engine_follows_the_rule(op):
    """Each op on every dtype pair, 0-d and Python-scalar operand: the rule's dtype, and
    the values of a float64 NumPy reference (cast to that dtype)."""
    wrong = []
    for index, (first, second) in enumerate(_operand_pairs()):
        expected = _expected_dtype(op, first, second)
        x1, a = _operand(first, 2 * index)
        x2, b = _operand(second, 2 * index + 1)
        if expected is None:
            with pytest.raises(Exception):  # noqa: B017 - each engine raises its own type
                _call(op, x1, x2)
            continue
        out = _call(op, x1, x2)
        got = backend.standardize_dtype(out.dtype)
        if got != expected:
            wrong.append(f"{op}({first!r}, {second!r}): {got}, expected {expected}")
            continue
        values = ops.convert_to_numpy(ops.cast(out, "float64"))
        reference = _reference(op, a, b)
        if expected == "bool":
            reference = reference.astype(bool)
        elif "int" in expected:  # integer results wrap around, as in NumPy and torch
            reference = np.trunc(reference).astype(np.int64).astype(expected)
        tolerance = {"float16": 2e-3, "bfloat16": 1e-2}.get(expected, 1e-6)
        if not np.allclose(values, reference.astype(np.float64), rtol=tolerance, atol=tolerance):
            wrong.append(f"{op}({first!r}, {second!r}): values {values} vs {reference}")
    assert not wrong, "\n".join(wrong[:20]) + f"\n({len(wrong)} in all)"


@pytest.mark.parametrize(
    ("first", "second"),
    [("int8", 2.5), ("bool", 3), ("float16", "0d:float64"), ("uint8", True), ("int8", "0d:int16")],
)
def test_symbolic_dtype_equals_eager(first, second):
    def symbolic(spec):
        if not isinstance(spec, str):
            return spec
        name = spec[3:] if spec.startswith("0d:") else spec
        return lamina.KerasTensor((2, 3) if name == spec else (), dtype=name)

    eager = ops.add(_operand(first, 0)[0], _operand(second, 1)[0])
    assert ops.add(symbolic(first), symbolic(second)).dtype == backend.standardize_dtype(
        eager.dtype
    )
