"""Element-wise, bitwise and complex-part ops added to lamina.ops.numpy, against NumPy."""

import numpy as np
import pytest

from lamina import ops
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.numpy.cases import M, parametrize_cases
from tests.ops.op_harness import OpCase


def _unary(name, reference, kinds="normal", **options):
    return OpCase(name, getattr(ops, name), reference, (M,), kinds, **options)


def _binary(name, reference, kinds="normal", shapes=(M, M), **options):
    return OpCase(name, getattr(ops, name), reference, shapes, kinds, **options)


CASES = [
    _unary("arccos", np.arccos, "unit"),
    _unary("arccos", lambda x: np.arccos(x.astype(np.float64)), "bool", dtype="float32",
           label="bool"),
    _unary("arcsin", np.arcsin, "unit"),
    _unary("arccosh", np.arccosh, "int_pos", dtype="float32", label="int"),
    _unary("arcsinh", np.arcsinh),
    _unary("arctanh", np.arctanh, "unit"),
    _binary("arctan2", np.arctan2),
    _binary("arctan2", np.arctan2, "int", dtype="float32", label="int"),
    _unary("trunc", np.trunc),
    _unary("trunc", np.trunc, "int", label="int"),
    _unary("signbit", np.signbit),
    _unary("signbit", np.signbit, "int", label="int"),
    _unary("i0", np.i0),
    _binary("nextafter", np.nextafter, rtol=1e-6),
    _binary("fmod", np.fmod, ("normal", "positive")),
    _binary("fmod", np.fmod, "int", label="int"),
    _binary("gcd", np.gcd, "int"),
    _binary("lcm", np.lcm, "int"),
    _unary("cbrt", np.cbrt),
    _unary("cbrt", np.cbrt, "int", dtype="float32", label="int"),
    _unary("exp2", np.exp2),
    _unary("fabs", np.fabs, "int", dtype="float32"),
    _unary("sinc", np.sinc),
    _unary("deg2rad", np.deg2rad),
    _unary("rad2deg", np.rad2deg, "int", dtype="float32", label="int"),
    _binary("heaviside", np.heaviside, ("int", "normal"), dtype="float32"),
    _binary("hypot", np.hypot),
    _binary("hypot", np.hypot, "int", dtype="float32", label="int"),
    _binary("logaddexp2", np.logaddexp2),
    _binary("logical_xor", np.logical_xor, "bool"),
    _binary("logical_xor", np.logical_xor, "int", dtype="bool", label="int"),
    _binary("fmax", np.fmax),
    _binary("fmin", np.fmin),
    _binary("ldexp", lambda a, b: np.ldexp(a, b.astype(np.int64)), ("normal", "int")),
    _binary("isclose", np.isclose),
    OpCase("isclose", lambda a: ops.isclose(a, ops.add(a, 1e-7)),
           lambda a: np.isclose(a, a + 1e-7), (M,), label="near"),
    OpCase("allclose", lambda a: ops.allclose(a, a), lambda a: np.allclose(a, a), (M,),
           dtype="bool", batch=False),
    _unary("isneginf", np.isneginf),
    _unary("isposinf", np.isposinf),
    _unary("nan_to_num", np.nan_to_num, "int", label="int"),
    _unary("real", np.real),
    _unary("imag", np.imag),
    _unary("conj", np.conj),
    _unary("conjugate", np.conjugate, "int"),
    _unary("angle", np.angle, dtype="float32"),
    _unary("isreal", np.isreal),
    _binary("bitwise_and", np.bitwise_and, "int"),
    _binary("bitwise_and", np.bitwise_and, "bool", label="bool"),
    _binary("bitwise_or", np.bitwise_or, "int"),
    _binary("bitwise_xor", np.bitwise_xor, "int"),
    _unary("bitwise_invert", np.invert, "int"),
    _unary("bitwise_not", np.invert, "bool", label="bool"),
    _binary("left_shift", np.left_shift, ("int", "int_pos")),
    _binary("right_shift", np.right_shift, ("int", "int_pos")),
    _binary("bitwise_left_shift", np.left_shift, ("int_pos", "int_pos")),
    _binary("bitwise_right_shift", np.right_shift, ("int", "int_pos")),
    OpCase("left_shift", lambda x: ops.left_shift(x, 2), lambda x: np.left_shift(x, 2), (M,),
           "int", label="pyint"),
]  # fmt: skip

test_matches_numpy, test_symbolic_shape_and_dtype = parametrize_cases(CASES)
ALSO_TESTED = {"vectorize"}


def test_nan_to_num_replaces_nan_and_infinities():
    x = np.array([np.nan, np.inf, -np.inf, 1.5], np.float32)
    assert_close(ops.nan_to_num(x), np.nan_to_num(x))
    assert_close(ops.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0),
                 np.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0))  # fmt: skip


def test_fmax_fmin_skip_nans():
    a = np.array([np.nan, 1.0, np.nan, -2.0], np.float32)
    b = np.array([3.0, np.nan, np.nan, 5.0], np.float32)
    assert_close(ops.fmax(a, b), np.fmax(a, b))
    assert_close(ops.fmin(a, b), np.fmin(a, b))


def test_isclose_equal_nan_and_infinities():
    a = np.array([np.nan, np.inf, 1.0], np.float32)
    assert_close(ops.isclose(a, a), np.isclose(a, a))
    assert_close(ops.isclose(a, a, equal_nan=True), np.isclose(a, a, equal_nan=True))


def test_signbit_of_negative_zero():
    assert ops.convert_to_numpy(ops.signbit(np.array([-0.0, 0.0], np.float32))).tolist() == [
        True,
        False,
    ]


def test_vectorize_scalar_and_signature(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    scaled = ops.vectorize(lambda v: ops.multiply(v, 2.0))
    assert_close(scaled(ops.convert_to_tensor(x)), 2 * x)
    dot = ops.vectorize(lambda a, b: ops.sum(ops.multiply(a, b)), signature="(n),(n)->()")
    assert_close(dot(ops.convert_to_tensor(x), ops.convert_to_tensor(x)), (x * x).sum(-1),
                 rtol=1e-5)  # fmt: skip
    with pytest.raises(ValueError, match="callable"):
        ops.vectorize(3)


GRADIENTS = [
    ("arcsin", ops.arcsin, np.arcsin, "unit"),
    ("arctan2", ops.arctan2, np.arctan2, "normal"),
    ("hypot", ops.hypot, np.hypot, "normal"),
    ("cbrt", ops.cbrt, np.cbrt, "positive"),
    ("sinc", ops.sinc, np.sinc, "normal"),
    ("logaddexp2", ops.logaddexp2, np.logaddexp2, "normal"),
]


@pytest.mark.training
@pytest.mark.parametrize(("name", "op", "reference", "kind"), GRADIENTS,
                         ids=[g[0] for g in GRADIENTS])  # fmt: skip
def test_gradients_match_numeric(rng, name, op, reference, kind):
    from tests.ops.op_harness import draw

    arity = 2 if name in ("arctan2", "hypot", "logaddexp2") else 1
    arrays = [draw(rng, kind, (3, 2)).astype(np.float64) for _ in range(arity)]
    for got, expected in zip(engine_gradients(op, arrays), numeric_gradients(reference, arrays)):
        assert_close(got, expected, rtol=1e-4, atol=1e-6)
