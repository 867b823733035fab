"""lamina.ops.linalg in every dtype class Keras 3.15 accepts for each op (see dtype_sweep)."""

import numpy as np
import pytest

from lamina import ops
from tests.ops.dtype_sweep import (
    FLOAT,
    FLOATS,
    FULL_FLOATS,
    INTS,
    SAME,
    check_dtype,
    check_refused,
    first_cases,
    public_ops,
    refusal_params,
    sweep_params,
)
from tests.ops.op_harness import OpCase, uncovered
from tests.ops.test_linalg import CASES as LINALG_CASES


def _eigenvalues(a):  # of the symmetric a + a^T: real, so compared sorted
    values, _ = ops.linalg.eig(ops.add(a, ops.transpose(a)))
    return ops.sort(ops.real(values)), ops.imag(values)


def _lu_factor(a):  # LAPACK's getrf: partial pivoting, pivots counted from 0
    lu, pivots = a.copy(), np.zeros(a.shape[0], np.int32)
    for i in range(a.shape[0]):
        pivots[i] = i + np.argmax(np.abs(lu[i:, i]))
        lu[[i, pivots[i]]] = lu[[pivots[i], i]]
        lu[i + 1 :, i] /= lu[i, i]
        lu[i + 1 :, i + 1 :] -= np.outer(lu[i + 1 :, i], lu[i, i + 1 :])
    return lu, pivots


def _jvp_of_square(x, tangent):
    return ops.linalg.jvp(lambda v: ops.multiply(v, v), (x,), (tangent,))


_OWN_CASES = [
    OpCase("eig", _eigenvalues, lambda a: (np.linalg.eigvalsh(a + a.T), np.zeros(len(a))),
           ((4, 4),), rtol=1e-4, atol=1e-4, batch=False),
    OpCase("lu_factor", ops.linalg.lu_factor, _lu_factor, ((4, 4),), rtol=1e-4, atol=1e-4,
           batch=False),
    OpCase("jvp", _jvp_of_square, lambda x, t: (x * x, 2 * x * t), ((3, 4), (3, 4)),
           symbolic=False),
]  # fmt: skip

# name: (dtypes, result rule). Keras's torch engine runs the decompositions and solvers in
# float32/float64 only (no integers, no half floats); norm takes every class.
TABLE = {
    "norm": (("bool", *INTS, *FLOATS), FLOAT),
    **dict.fromkeys(
        ["qr", "svd", "inv", "det", "cholesky", "solve", "cholesky_inverse", "solve_triangular",
         "eigh", "lstsq", "matrix_rank", "pinv", "eig", "lu_factor"],
        (FULL_FLOATS, SAME),
    ),
    "jvp": (FLOATS, SAME),  # forward-mode autodiff: not on the NumPy engine
}  # fmt: skip
CASES = first_cases(_OWN_CASES + LINALG_CASES, TABLE)
PARAMS = [
    pytest.param(*param.values, id=param.id, marks=[*param.marks, pytest.mark.training])
    if param.values[0].name == "jvp" else param
    for param in sweep_params(TABLE, CASES)
]  # fmt: skip


@pytest.mark.parametrize(("case", "dtype", "rule"), PARAMS)
def test_dtype_class(case, dtype, rule, rng):
    check_dtype(case, dtype, rule, rng)


# name: the dtypes Keras 3.15 refuses (LAPACK has no integer or half-float kernels; jvp's
# primals need a tangent space), refused here too.
REFUSED = {
    "eig": ("bool", *INTS, "float16", "bfloat16"),
    "lu_factor": ("bool", *INTS, "float16", "bfloat16"),
    "jvp": ("bool", *INTS),
}


@pytest.mark.parametrize(("case", "dtype"), refusal_params(REFUSED, CASES))
def test_refused_dtype_class(case, dtype, rng):
    check_refused(case, dtype, rng)


UNSWEPT = {}


def test_every_linalg_op_is_swept_or_listed():
    assert uncovered(public_ops(ops.linalg), CASES.values(), UNSWEPT) == set()
