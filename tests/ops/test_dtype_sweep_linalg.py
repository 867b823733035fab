"""lamina.ops.linalg in every dtype class Keras 3.15 accepts for each op (see dtype_sweep)."""

import pytest

from lamina import ops
from tests.ops.dtype_sweep import (
    FLOAT,
    FLOATS,
    FULL_FLOATS,
    INTS,
    SAME,
    check_dtype,
    first_cases,
    public_ops,
    sweep_params,
)
from tests.ops.op_harness import uncovered
from tests.ops.test_linalg import CASES as LINALG_CASES

# name: (dtypes, result rule). Keras's torch engine runs the decompositions and solvers in
# float32/float64 only (no integers, no half floats); norm takes every class.
TABLE = {
    "norm": (("bool", *INTS, *FLOATS), FLOAT),
    **dict.fromkeys(
        ["qr", "svd", "inv", "det", "cholesky", "solve", "cholesky_inverse", "solve_triangular",
         "eigh", "lstsq", "matrix_rank", "pinv"],
        (FULL_FLOATS, SAME),
    ),
}  # fmt: skip
CASES = first_cases(LINALG_CASES, TABLE)
NUMPY_FLOAT64_DOWNCASTS = {"cholesky_inverse", "pinv"}
PARAMS = sweep_params(TABLE, CASES, NUMPY_FLOAT64_DOWNCASTS)


@pytest.mark.parametrize(("case", "dtype", "rule"), PARAMS)
def test_dtype_class(case, dtype, rule, rng):
    check_dtype(case, dtype, rule, rng)


UNSWEPT = {
    "eig": "complex eigenvectors, defined up to a phase: no direct NumPy comparison",
    "jvp": "takes a function, not arrays of a dtype",
    "lu_factor": "pivoting differs between engines on equal candidates: no OpCase",
}


def test_every_linalg_op_is_swept_or_listed():
    assert uncovered(public_ops(ops.linalg), CASES.values(), UNSWEPT) == set()
