"""lamina.ops.math in every dtype class Keras 3.15 accepts for each op (see dtype_sweep)."""

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
from tests.ops.test_math import CASES as MATH_CASES

_TO_FLOAT = ("bool", *INTS)
# name: (dtypes, result rule). The FFT family and logdet run in float32/float64 only (Keras's
# torch engine refuses half floats there); segment_max/min fill empty segments with -inf/inf,
# which integers cannot hold, so their integer forms are not compared with the reference.
TABLE = {
    "erf": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "erfc": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "rsqrt": ((*INTS, *FLOATS), FLOAT),
    "logsumexp": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "erfinv": (FLOATS, SAME),
    "top_k": (("int32", "int64", *FLOATS), SAME),  # uint8 draws are 0/1: ties would rank
    "in_top_k": ((*INTS, *FLOATS), SAME),
    "segment_sum": ((*INTS, *FLOATS), SAME),
    "segment_prod": ((*INTS, *FLOATS), SAME),
    "segment_max": (FLOATS, SAME),
    "segment_min": (FLOATS, SAME),
    "extract_sequences": (("bool", *INTS, *FLOATS), SAME),
    "cdist": ((*INTS, *FLOATS), FLOAT),
    "rfft": ((*_TO_FLOAT, *FULL_FLOATS), FLOAT),
    **dict.fromkeys(
        ["fft", "fft2", "ifft2", "irfft", "stft", "istft", "logdet", "view_as_complex",
         "view_as_real"],
        (FULL_FLOATS, SAME),
    ),
}  # fmt: skip
CASES = first_cases(MATH_CASES, TABLE)
NUMPY_FLOAT64_DOWNCASTS = {"cdist", "stft"}
PARAMS = sweep_params(TABLE, CASES, NUMPY_FLOAT64_DOWNCASTS)


@pytest.mark.parametrize(("case", "dtype", "rule"), PARAMS)
def test_dtype_class(case, dtype, rule, rng):
    check_dtype(case, dtype, rule, rng)


UNSWEPT = {}


def test_every_math_op_is_swept_or_listed():
    assert uncovered(public_ops(ops.math), CASES.values(), UNSWEPT) == set()
