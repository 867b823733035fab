"""lamina.ops.linalg against float64 NumPy."""

import numpy as np
import pytest

from lamina import backend, ops
from lamina.ops import linalg as ops_linalg
from tests.harness import assert_close, engine_gradients, numeric_gradients
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
    OpCase("solve", ops.linalg.solve, lambda a, b: np.linalg.solve(a, b[..., None])[..., 0],
           ((2, 3, 3), (2, 3)), ("spd", "normal"), batch_inputs=(0, 1), label="vector", **TOL),
    OpCase("cholesky", lambda x: ops.linalg.cholesky(x, upper=True),
           lambda x: np.swapaxes(np.linalg.cholesky(x), -1, -2), ((2, 3, 3),), "spd",
           label="upper", **TOL),
    OpCase("cholesky_inverse", lambda x: ops.linalg.cholesky_inverse(ops.linalg.cholesky(x)),
           np.linalg.inv, ((2, 3, 3),), "spd", **TOL),
    OpCase("cholesky_inverse",
           lambda x: ops.linalg.cholesky_inverse(ops.linalg.cholesky(x, upper=True), upper=True),
           np.linalg.inv, ((2, 3, 3),), "spd", label="upper", **TOL),
    OpCase("solve_triangular", lambda a, b: ops.linalg.solve_triangular(a, b, lower=True),
           lambda a, b: np.linalg.solve(np.tril(a), b), ((2, 3, 3), (2, 3, 2)),
           ("spd", "normal"), label="lower", **TOL),
    OpCase("solve_triangular", ops.linalg.solve_triangular,
           lambda a, b: np.linalg.solve(np.triu(a), b[..., None])[..., 0],
           ((2, 3, 3), (2, 3)), ("spd", "normal"), batch_inputs=(0, 1), label="upper-vector",
           **TOL),
    OpCase("eigh", lambda x: [t if i == 0 else ops.abs(t)
                              for i, t in enumerate(ops.linalg.eigh(x))],
           lambda x: [np.linalg.eigh(x)[0], np.abs(np.linalg.eigh(x)[1])], ((2, 3, 3),), "spd",
           **TOL),
    OpCase("lstsq", ops.linalg.lstsq, lambda a, b: np.linalg.lstsq(a, b)[0], ((5, 3), (5,)),
           batch=False, **TOL),
    OpCase("lstsq", ops.linalg.lstsq, lambda a, b: np.linalg.lstsq(a, b)[0], ((5, 3), (5, 2)),
           batch=False, label="matrix", **TOL),
    OpCase("matrix_rank", ops.linalg.matrix_rank, np.linalg.matrix_rank, ((2, 4, 3),),
           dtype="int32"),
    OpCase("matrix_rank", lambda x: ops.linalg.matrix_rank(ops.matmul(x, ops.transpose(x))),
           lambda x: np.linalg.matrix_rank(x @ x.T), ((5, 2),), dtype="int32", batch=False,
           label="deficient"),
    OpCase("pinv", ops.linalg.pinv, np.linalg.pinv, ((2, 4, 3),), **TOL),
    OpCase("pinv", ops.linalg.pinv, np.linalg.pinv, ((3, 5),), batch=False, label="wide", **TOL),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_every_linalg_op_is_covered():
    public = {name for name, value in vars(ops_linalg).items() if callable(value)}
    public -= {"op", "engine", "annotations"}
    also_tested = {"eig", "lu_factor", "jvp"}
    assert not uncovered({n for n in public if not n.startswith("_")}, CASES, also_tested)


def test_linalg_ops_are_exported_at_the_top_level():
    for name in ("cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq",
                 "lu_factor", "norm", "qr", "solve", "solve_triangular", "svd"):
        assert getattr(ops, name) is getattr(ops.linalg, name), name


def test_eig_pairs_satisfy_the_definition(rng):
    x = rng.standard_normal((2, 4, 4)).astype("float32")
    values, vectors = ops.linalg.eig(x)
    assert ops.dtype(values) == ops.dtype(vectors) == "complex64"
    values, vectors = ops.convert_to_numpy(values), ops.convert_to_numpy(vectors)
    np.testing.assert_allclose(x @ vectors, vectors * values[:, None, :], atol=1e-4)
    expected = np.sort_complex(np.linalg.eigvals(x.astype(np.float64)))
    np.testing.assert_allclose(np.sort_complex(values), expected, atol=1e-4)
    symbolic = ops.linalg.eig(backend.KerasTensor((None, 4, 4)))
    assert [(t.shape, t.dtype) for t in symbolic] == [
        ((None, 4), "complex64"), ((None, 4, 4), "complex64")
    ]


def _lu_reference(x):
    """Partial-pivoting LU in float64, LAPACK's layout (as scipy.linalg.lu_factor)."""
    lu = np.array(x, dtype=np.float64)
    pivots = []
    for step in range(min(lu.shape)):
        pivot = step + int(np.argmax(np.abs(lu[step:, step])))
        pivots.append(pivot)
        lu[[step, pivot]] = lu[[pivot, step]]
        lu[step + 1 :, step] /= lu[step, step]
        lu[step + 1 :, step + 1 :] -= np.outer(lu[step + 1 :, step], lu[step, step + 1 :])
    return lu, np.array(pivots)


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (5, 3)])
def test_lu_factor_matches_lapack_layout(rng, shape):
    x = rng.standard_normal(shape).astype("float32")
    lu, pivots = ops.linalg.lu_factor(x)
    assert ops.dtype(pivots) == "int32"
    flat = x.reshape(-1, *shape[-2:])
    references = [_lu_reference(m) for m in flat]
    assert_close(ops.reshape(lu, (-1, *shape[-2:])), np.stack([r[0] for r in references]),
                 **TOL)
    np.testing.assert_array_equal(ops.convert_to_numpy(pivots).reshape(len(flat), -1),
                                  np.stack([r[1] for r in references]))
    spec = ops.linalg.lu_factor(backend.KerasTensor(shape))
    assert [t.shape for t in spec] == [shape, (*shape[:-2], min(shape[-2:]))]


def test_lu_factor_matches_scipy(rng):
    scipy_linalg = pytest.importorskip("scipy.linalg", reason="SciPy is the reference here")
    x = rng.standard_normal((4, 4)).astype("float32")
    lu, pivots = ops.linalg.lu_factor(x)
    expected_lu, expected_pivots = scipy_linalg.lu_factor(x.astype(np.float64))
    assert_close(lu, expected_lu, **TOL)
    np.testing.assert_array_equal(ops.convert_to_numpy(pivots), expected_pivots)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ops.linalg.inv(np.ones((2, 3), "float32")), "inv expects square"),
        (lambda: ops.linalg.det(np.ones((3,), "float32")), "det expects a tensor of rank >= 2"),
        (lambda: ops.linalg.solve(np.eye(3, dtype="float32"), np.ones((4, 2), "float32")),
         "solve: a of shape"),
        (lambda: ops.linalg.lstsq(np.ones((5, 3), "float32"), np.ones((4,), "float32")),
         "same number of rows"),
    ],
)  # fmt: skip
def test_bad_shapes_raise_naming_the_op(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_symbolic_shape_errors_are_raised_too():
    with pytest.raises(ValueError, match="cholesky expects square"):
        ops.linalg.cholesky(backend.KerasTensor((None, 3, 4)))


def _spd_from(x):
    """A positive-definite matrix built from any square ``x`` (symmetric by construction)."""
    return x @ np.swapaxes(x, -1, -2) + 3 * np.eye(x.shape[-1])


GRADIENT_CASES = {
    "solve": (lambda a, b: ops.linalg.solve(ops.add(a, 3 * np.eye(3, dtype="float32")), b),
              lambda a, b: np.linalg.solve(a + 3 * np.eye(3), b), ((3, 3), (3, 2))),
    "inv": (lambda x: ops.linalg.inv(ops.add(x, 3 * np.eye(3, dtype="float32"))),
            lambda x: np.linalg.inv(x + 3 * np.eye(3)), ((3, 3),)),
    "cholesky": (lambda x: ops.linalg.cholesky(ops.add(ops.matmul(x, ops.transpose(x)),
                                                       3 * np.eye(3, dtype="float32"))),
                 lambda x: np.linalg.cholesky(_spd_from(x)), ((3, 3),)),
}  # fmt: skip


@pytest.mark.training
@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_match_finite_differences(rng, name):
    fn, reference, shapes = GRADIENT_CASES[name]
    arrays = [rng.standard_normal(shape).astype("float32") for shape in shapes]
    for got, expected in zip(engine_gradients(fn, arrays), numeric_gradients(reference, arrays)):
        assert_close(got, expected, rtol=1e-3, atol=1e-3)


@pytest.mark.engine("torch", "jax", "tensorflow")
def test_jvp_is_the_directional_derivative(rng):
    x = ops.convert_to_tensor(rng.standard_normal((3,)).astype("float32"))
    tangent = ops.convert_to_tensor(rng.standard_normal((3,)).astype("float32"))
    out, derivative = ops.jvp(lambda v: ops.sin(v) * v, (x,), (tangent,))
    xs, ts = ops.convert_to_numpy(x).astype(np.float64), ops.convert_to_numpy(tangent)
    assert_close(out, np.sin(xs) * xs, atol=1e-6)
    assert_close(derivative, (np.cos(xs) * xs + np.sin(xs)) * ts, atol=1e-5)
    out, derivative, aux = ops.jvp(lambda v: (ops.square(v), ops.sum(v)), (x,), (tangent,),
                                   has_aux=True)
    assert_close(aux, np.sum(xs), atol=1e-5)
    assert_close(derivative, 2 * xs * ts, atol=1e-5)


@pytest.mark.engine("numpy")
def test_jvp_on_numpy_names_the_missing_autodiff():
    with pytest.raises(NotImplementedError, match="jvp"):
        ops.jvp(lambda v: v, (np.ones(2, "float32"),), (np.ones(2, "float32"),))


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
