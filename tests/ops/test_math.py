"""lamina.ops math ops (beyond NumPy's set) against float64 NumPy."""

import math

import numpy as np
import pytest

from lamina import backend, ops
from lamina.ops import math as ops_math
from tests.harness import assert_close
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic, uncovered


def _top_k(x, k):
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order


def _in_top_k(targets, predictions, k):
    target_scores = np.take_along_axis(predictions, targets[:, None], axis=-1)
    return np.sum(predictions > target_scores, axis=-1) < k


def _logsumexp(x, axis=None, keepdims=False):
    peak = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis)


def _segment_sum(data, ids, num_segments):
    out = np.zeros((num_segments, *data.shape[1:]))
    np.add.at(out, ids, data)
    return out


CASES = [
    OpCase("top_k", lambda x: ops.top_k(x, 3), lambda x: _top_k(x, 3), ((4, 6),),
           dtype=("float32", "int32")),
    OpCase("in_top_k", lambda t, p: ops.in_top_k(t, p, 2), lambda t, p: _in_top_k(t, p, 2),
           ((5,), (5, 4)), ("index:4", "normal"), batch_inputs=(0, 1)),
    OpCase("logsumexp", ops.logsumexp, _logsumexp, ((4, 3),), batch=False),
    OpCase("logsumexp", lambda x: ops.logsumexp(x, axis=-1, keepdims=True),
           lambda x: _logsumexp(x, axis=-1, keepdims=True), ((4, 3),), label="axis"),
    OpCase("segment_sum", lambda d, i: ops.segment_sum(d, i, num_segments=4),
           lambda d, i: _segment_sum(d, i, 4), ((6, 3), (6,)), ("normal", "index:4"),
           batch=False),
    OpCase("erf", ops.erf, np.vectorize(math.erf), ((4, 3),)),
    OpCase("rsqrt", ops.rsqrt, lambda x: 1 / np.sqrt(x), ((4, 3),), "positive"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_every_math_op_is_covered():
    public = {name for name in vars(ops_math) if name in ops.__all__}
    assert not uncovered(public, CASES)


def test_segment_sum_infers_num_segments(rng):
    data = rng.standard_normal((5, 2)).astype("float32")
    ids = np.array([0, 0, 2, 1, 2], dtype="int32")
    assert_close(ops.segment_sum(data, ids), _segment_sum(data.astype("float64"), ids, 3))


def test_logsumexp_is_stable():
    x = ops.convert_to_tensor(np.array([1000.0, 1000.0], dtype="float32"))
    assert_close(ops.logsumexp(x), 1000.0 + np.log(2.0))


def test_rsqrt_and_erf_of_ints_give_floats():
    x = ops.convert_to_tensor(np.array([1, 4], dtype="int32"))
    assert ops.dtype(ops.rsqrt(x)) == backend.floatx()
    assert ops.dtype(ops.erf(x)) == backend.floatx()
    assert_close(ops.rsqrt(x), [1.0, 0.5])
