"""lamina.ops's newer activations (ops/activations.py) against float64 NumPy formulas."""

import numpy as np
import pytest

from lamina import ops
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic

M = (4, 6)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _celu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x / alpha))


def _glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * _sigmoid(b)


def _soft_shrink(x, t=0.5):
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


def _sparse_plus(x):
    return np.where(x <= -1, 0.0, np.where(x >= 1, x, (x + 1) ** 2 / 4))


def _sparsemax(x, axis=-1):
    """Projection onto the simplex, one row at a time by bisection on tau (not by sorting)."""
    moved = np.moveaxis(x, axis, -1)
    out = np.empty_like(moved)
    for index in np.ndindex(moved.shape[:-1]):
        row = moved[index]
        low, high = row.max() - 1.0, row.max()
        for _ in range(200):  # sum(max(row - tau, 0)) falls from >= 1 to 0 on [low, high]
            tau = (low + high) / 2
            low, high = (tau, high) if np.maximum(row - tau, 0).sum() > 1 else (low, tau)
        out[index] = np.maximum(row - (low + high) / 2, 0.0)
    return np.moveaxis(out, -1, axis)


def _case(name, reference, label="", **kwargs):
    return OpCase(name, getattr(ops, name), reference, (M,), label=label, **kwargs)


CASES = [
    _case("celu", _celu),
    OpCase("celu", lambda x: ops.celu(x, alpha=0.5), lambda x: _celu(x, 0.5), (M,),
           label="alpha"),
    _case("celu", lambda x: _celu(x).astype(np.float32), "int", kinds="int", dtype="float32"),
    _case("glu", _glu),
    OpCase("glu", lambda x: ops.glu(x, axis=0), lambda x: _glu(x, 0), (M,), label="axis0",
           batch=False),
    _case("hard_shrink", lambda x: np.where(np.abs(x) > 0.5, x, 0.0)),
    OpCase("hard_shrink", lambda x: ops.hard_shrink(x, threshold=1.0),
           lambda x: np.where(np.abs(x) > 1.0, x, 0.0), (M,), label="threshold"),
    _case("hard_swish", lambda x: x * np.clip(x + 3, 0, 6) / 6),
    _case("hard_tanh", lambda x: np.clip(x, -1, 1)),
    _case("soft_shrink", _soft_shrink),
    OpCase("soft_shrink", lambda x: ops.soft_shrink(x, threshold=0.25),
           lambda x: _soft_shrink(x, 0.25), (M,), label="threshold"),
    _case("sparse_plus", _sparse_plus),
    _case("sparse_sigmoid", lambda x: np.clip((x + 1) / 2, 0, 1)),
    _case("sparsemax", _sparsemax),
    OpCase("sparsemax", lambda x: ops.sparsemax(x, axis=1), lambda x: _sparsemax(x, 1),
           ((2, 5, 3),), label="axis1"),
    _case("squareplus", lambda x: (x + np.sqrt(x**2 + 4)) / 2),
    OpCase("squareplus", lambda x: ops.squareplus(x, b=1), lambda x: (x + np.sqrt(x**2 + 1)) / 2,
           (M,), label="b"),
    _case("tanh_shrink", lambda x: x - np.tanh(x)),
    OpCase("threshold", lambda x: ops.threshold(x, 0.2, -3.0),
           lambda x: np.where(x > 0.2, x, -3.0), (M,)),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


GRADIENT_CASES = [case for case in CASES if case.label in ("", "alpha")]


@pytest.mark.training
@pytest.mark.parametrize("case", GRADIENT_CASES, ids=case_ids(GRADIENT_CASES))
def test_gradients_match_central_differences(case, rng):
    x = 2 * rng.standard_normal(case.shapes[0])  # float64: no rounding in the comparison
    (grad,) = engine_gradients(case.fn, [x])
    (expected,) = numeric_gradients(case.reference, [x])
    assert_close(grad, expected, rtol=1e-5, atol=1e-6)


def test_celu_gradient_is_finite_for_large_inputs():
    # where() differentiates both branches: exp(x / alpha) must not overflow for large x.
    x = ops.convert_to_tensor(np.array([-200.0, 200.0], dtype="float32"))
    assert_close(ops.celu(x, alpha=0.1), [-0.1, 200.0])


def test_sparsemax_rows_sum_to_one_and_are_sparse(rng):
    x = ops.convert_to_tensor((3 * rng.standard_normal((5, 7))).astype("float32"))
    out = ops.convert_to_numpy(ops.sparsemax(x))
    assert_close(out.sum(axis=-1), np.ones(5), atol=1e-5)
    assert (out == 0).any()
    assert (out >= 0).all()


def test_glu_rejects_an_odd_axis():
    with pytest.raises(ValueError, match="must be even"):
        ops.glu(ops.ones((2, 5)))


def test_hard_swish_is_hard_silu():
    assert ops.hard_swish is ops.hard_silu
    assert ops.nn.hard_swish is ops.nn.hard_silu
