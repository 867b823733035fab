"""lamina.ops.math in every dtype class Keras 3.15 accepts for each op (see dtype_sweep)."""

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
    first_cases,
    public_ops,
    sweep_params,
)
from tests.ops.op_harness import OpCase, uncovered
from tests.ops.test_math import CASES as MATH_CASES

# Every one of the 4 segments holds rows: an empty one would hold the dtype's extreme, which
# differs between Keras's engines for integers (torch: the lowest for max and min alike).
_IDS = np.array([2, 0, 3, 1, 0, 2, 3], "int32")


def _segment_case(name, ufunc):
    def reference(data):
        return np.stack([ufunc.reduce(data[np.equal(_IDS, i)], axis=0) for i in range(4)])

    return OpCase(
        name, lambda data: getattr(ops, name)(data, _IDS, num_segments=4), reference, ((7, 3),)
    )


_SEGMENT_CASES = [
    _segment_case("segment_max", np.maximum),
    _segment_case("segment_min", np.minimum),
]

_TO_FLOAT = ("bool", *INTS)
# name: (dtypes, result rule). The FFT family and logdet run in float32/float64 only (Keras's
# torch engine refuses half floats there). Boolean segments reduce as Keras's torch engine
# does: sum and max are any, prod and min all.
TABLE = {
    "erf": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "erfc": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "rsqrt": ((*INTS, *FLOATS), FLOAT),
    "logsumexp": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "erfinv": (FLOATS, SAME),
    "top_k": (("int32", "int64", *FLOATS), SAME),  # uint8 draws are 0/1: ties would rank
    "in_top_k": ((*INTS, *FLOATS), SAME),
    "segment_sum": (("bool", *INTS, *FLOATS), SAME),
    "segment_prod": (("bool", *INTS, *FLOATS), SAME),
    "segment_max": (("bool", *INTS, *FLOATS), SAME),
    "segment_min": (("bool", *INTS, *FLOATS), SAME),
    "extract_sequences": (("bool", *INTS, *FLOATS), SAME),
    "cdist": ((*INTS, *FLOATS), FLOAT),
    "rfft": ((*_TO_FLOAT, *FULL_FLOATS), FLOAT),
    **dict.fromkeys(
        ["fft", "fft2", "ifft2", "irfft", "stft", "istft", "logdet", "view_as_complex",
         "view_as_real"],
        (FULL_FLOATS, SAME),
    ),
}  # fmt: skip
CASES = first_cases(_SEGMENT_CASES + MATH_CASES, TABLE)
PARAMS = sweep_params(TABLE, CASES)


@pytest.mark.parametrize(("case", "dtype", "rule"), PARAMS)
def test_dtype_class(case, dtype, rule, rng):
    check_dtype(case, dtype, rule, rng)


UNSWEPT = {}


def test_every_math_op_is_swept_or_listed():
    assert uncovered(public_ops(ops.math), CASES.values(), UNSWEPT) == set()
