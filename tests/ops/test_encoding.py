"""multi_hot (ops/encoding.py) against a NumPy loop."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic


def _multi_hot(ids, num_classes):
    """One row of flags per entry of the first axis (a single row for a vector)."""
    rows = ids[None] if ids.ndim == 1 else ids
    out = np.zeros((len(rows), num_classes))
    for row, row_ids in enumerate(rows):
        for i in row_ids.ravel():
            if 0 <= i < num_classes:
                out[row, i] = 1.0
    return out[0] if ids.ndim == 1 else out


CASES = [
    OpCase("multi_hot", lambda i: ops.multi_hot(i, 6), lambda i: _multi_hot(i, 6), ((4, 3),),
           "label:6", dtype="float32"),
    OpCase("multi_hot", lambda i: ops.multi_hot(i, num_classes=5), lambda i: _multi_hot(i, 5),
           ((7,),), "index:5", dtype="float32", batch=False, label="vector"),
    OpCase("multi_hot", lambda i: ops.multi_hot(i, 4, dtype="int32"), lambda i: _multi_hot(i, 4),
           ((3, 5),), "index:4", dtype="int32", label="int32"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_keras_example_and_num_tokens():
    assert_close(ops.multi_hot(np.array([0, 4]), num_classes=5), [1.0, 0.0, 0.0, 0.0, 1.0])
    assert_close(ops.multi_hot(np.array([[1, 1]]), num_tokens=3), [[0.0, 1.0, 0.0]])
    assert ops.multi_hot(backend.KerasTensor((None, 4), "int32"), 9).shape == (None, 9)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "num_classes must be specified"),
        ({"num_classes": 3, "sparse": True}, ValueError, "sparse=True"),
        ({"num_classes": 3, "depth": 3}, TypeError, "unexpected keyword"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        ops.multi_hot(np.array([0, 1]), **kwargs)
