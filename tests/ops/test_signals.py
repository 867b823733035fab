"""polar and psnr (ops/signals.py) against float64 NumPy."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic


def _psnr(x1, x2, max_val):
    return 20 * np.log10(max_val) - 10 * np.log10(np.mean((x1 - x2) ** 2))


CASES = [
    OpCase("psnr", lambda a, b: ops.psnr(a, b, 1.0), lambda a, b: _psnr(a, b, 1.0),
           ((2, 4, 4, 3), (2, 4, 4, 3)), batch=False),
    OpCase("psnr", lambda a, b: ops.psnr(a, b, 255.0), lambda a, b: _psnr(a, b, 255.0),
           ((3, 5), (3, 5)), ("positive", "unit"), batch=False, label="max_val"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_polar_matches_numpy(rng):
    magnitude, angle = rng.uniform(0.5, 2.0, (3, 4)), rng.uniform(-3, 3, (3, 4))
    out = ops.polar(magnitude.astype("float32"), angle.astype("float32"))
    assert ops.dtype(out) == "complex64"
    expected = magnitude * np.exp(1j * angle)
    assert_close(ops.real(out), expected.real, atol=1e-6)
    assert_close(ops.imag(out), expected.imag, atol=1e-6)


def test_polar_symbolic():
    out = ops.polar(backend.KerasTensor((None, 4)), backend.KerasTensor((None, 4)))
    assert out.shape == (None, 4)
    assert out.dtype == "complex64"


def test_psnr_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        ops.psnr(np.ones((2, 3), "float32"), np.ones((3, 2), "float32"), 1.0)


@pytest.mark.training
def test_psnr_gradient(rng):
    x1, x2 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    grad_1, grad_2 = engine_gradients(lambda a, b: ops.psnr(a, b, 1.0), [x1, x2])
    expected = -10 / np.log(10) * 2 * (x1 - x2) / np.sum((x1 - x2) ** 2)
    assert_close(grad_1, expected, rtol=1e-6)
    assert_close(grad_2, -expected, rtol=1e-6)
