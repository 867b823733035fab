"""lamina.ops.linalg against float64 NumPy."""

import numpy as np
import pytest

from lamina import ops
from lamina.ops import linalg as ops_linalg
from tests.harness import assert_close
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic, uncovered

TOL = {"rtol": 1e-4, "atol": 1e-4}


def _abs_qr(x):
    q, r = np.linalg.qr(x)
    return np.abs(q), np.abs(r)


def _abs_svd(x):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return np.abs(u), s, np.abs(vh)


CASES = [
    OpCase("norm", ops.linalg.norm, np.linalg.norm, ((4, 3),), batch=False, **TOL),
    OpCase("norm", lambda x: ops.linalg.norm(x, axis=-1), lambda x: np.linalg.norm(x, axis=-1),
           ((4, 3),), label="axis", **TOL),
    OpCase("norm", lambda x: ops.linalg.norm(x, ord=1, axis=0, keepdims=True),
           lambda x: np.linalg.norm(x, ord=1, axis=0, keepdims=True), ((4, 3),), label="ord1",
           **TOL),
    OpCase("norm", lambda x: ops.linalg.norm(x, ord="fro", axis=(1, 2)),
           lambda x: np.linalg.norm(x, ord="fro", axis=(1, 2)), ((2, 4, 3),), label="fro",
           **TOL),
    OpCase("norm", lambda x: ops.linalg.norm(x, axis=-1), lambda x: np.linalg.norm(x, axis=-1),
           ((4, 3),), "int", dtype="float32", label="int", **TOL),
    OpCase("qr", lambda x: [ops.abs(t) for t in ops.linalg.qr(x)], _abs_qr, ((5, 3),),
           batch=False, **TOL),
    OpCase("svd", lambda x: [ops.abs(t) if t.ndim == 2 else t for t in ops.linalg.svd(
        x, full_matrices=False)], _abs_svd, ((5, 3),), batch=False, **TOL),
    OpCase("svd", lambda x: ops.linalg.svd(x, compute_uv=False),
           lambda x: np.linalg.svd(x, compute_uv=False), ((2, 5, 3),), label="values", **TOL),
    OpCase("inv", ops.linalg.inv, np.linalg.inv, ((2, 3, 3),), "spd", **TOL),
    OpCase("det", ops.linalg.det, np.linalg.det, ((2, 3, 3),), "spd", **TOL),
    OpCase("cholesky", ops.linalg.cholesky, np.linalg.cholesky, ((2, 3, 3),), "spd", **TOL),
    OpCase("solve", ops.linalg.solve, np.linalg.solve, ((2, 3, 3), (2, 3, 2)),
           ("spd", "normal"), **TOL),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_every_linalg_op_is_covered():
    public = {name for name, value in vars(ops_linalg).items() if callable(value)}
    public -= {"op", "engine"}
    assert not uncovered({n for n in public if not n.startswith("_")}, CASES)


def test_qr_reconstructs_with_orthonormal_q(rng):
    x = rng.standard_normal((6, 4)).astype("float32")
    q, r = ops.linalg.qr(x)
    assert_close(ops.matmul(q, r), x, **TOL)
    assert_close(ops.matmul(ops.transpose(q), q), np.eye(4), **TOL)
    assert_close(ops.tril(r, k=-1), np.zeros((4, 4)), **TOL)


def test_qr_complete_mode(rng):
    q, r = ops.linalg.qr(rng.standard_normal((5, 3)).astype("float32"), mode="complete")
    assert tuple(q.shape) == (5, 5)
    assert tuple(r.shape) == (5, 3)


def test_svd_full_matrices_reconstructs(rng):
    x = rng.standard_normal((4, 3)).astype("float32")
    u, s, vh = ops.linalg.svd(x)
    assert tuple(u.shape) == (4, 4)
    assert_close(ops.matmul(u[:, :3] * s, vh), x, **TOL)
