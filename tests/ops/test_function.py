"""keras.Function: a captured op graph reapplied to values, and SymbolicScope."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import ops
from tests.harness import assert_close, to_numpy

RNG = np.random.default_rng(11)


def test_function_reapplies_the_captured_ops():
    a = lamina.KerasTensor((None, 3))
    b = lamina.KerasTensor((None, 3))
    total = a + b
    fn = lamina.Function([a, b], {"sigmoid": ops.sigmoid(total), "scaled": total * 2.0})
    x = RNG.normal(size=(4, 3)).astype("float32")
    y = RNG.normal(size=(4, 3)).astype("float32")
    out = fn([x, y])
    s = x.astype(np.float64) + y
    assert_close(to_numpy(out["sigmoid"]), 1 / (1 + np.exp(-s)), rtol=1e-5, atol=1e-6)
    assert_close(to_numpy(out["scaled"]), 2 * s, rtol=1e-5, atol=1e-6)
    assert len(fn.operations) == 3  # add, sigmoid, multiply
    symbolic = fn([lamina.KerasTensor((7, 3)), lamina.KerasTensor((7, 3))])
    assert tuple(symbolic["sigmoid"].shape) == (7, 3)
    with pytest.raises(ValueError, match="expects 2 input"):
        fn([x])


def test_function_refuses_disconnected_outputs():
    a = lamina.KerasTensor((None, 2))
    stray = lamina.KerasTensor((None, 2))
    with pytest.raises(ValueError, match="neither among the inputs"):
        lamina.Function([a], a + stray)
    with pytest.raises(TypeError, match="KerasTensor"):
        lamina.Function([a], np.ones(2))


def test_symbolic_scope_marks_symbolic_code():
    from lamina.backend.common.global_state import in_symbolic_scope

    assert not in_symbolic_scope()
    with lamina.SymbolicScope():
        assert in_symbolic_scope()
    assert not in_symbolic_scope()
