"""Creation ops and window functions added to lamina.ops.numpy, against NumPy."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close

CREATION = [
    ("array", lambda: ops.array([[1.5, 2.0]]), np.array([[1.5, 2.0]]), "float32"),
    ("array", lambda: ops.array([1, 2], dtype="int8"), np.array([1, 2]), "int8"),
    ("empty", lambda: ops.zeros_like(ops.empty((2, 3))), np.zeros((2, 3)), "float32"),
    ("empty_like", lambda: ops.zeros_like(ops.empty_like(np.ones((2,), np.int32))),
     np.zeros(2), "int32"),
    ("tri", lambda: ops.tri(3), np.tri(3), "float32"),
    ("tri", lambda: ops.tri(3, 4, k=1, dtype="int32"), np.tri(3, 4, k=1), "int32"),
    ("logspace", lambda: ops.logspace(0.0, 2.0, 5), np.logspace(0.0, 2.0, 5), "float32"),
    ("logspace", lambda: ops.logspace(1.0, 3.0, 4, endpoint=False, base=2),
     np.logspace(1.0, 3.0, 4, endpoint=False, base=2), "float32"),
    ("logspace", lambda: ops.logspace(np.array([0.0, 1.0], np.float32), 2.0, 3, axis=1),
     np.logspace(np.array([0.0, 1.0]), 2.0, 3, axis=1), "float32"),
    ("geomspace", lambda: ops.geomspace(1.0, 1000.0, 4), np.geomspace(1.0, 1000.0, 4), "float32"),
    ("geomspace", lambda: ops.geomspace(-2.0, -32.0, 5, dtype="float64"),
     np.geomspace(-2.0, -32.0, 5), "float64"),
    ("bartlett", lambda: ops.bartlett(6), np.bartlett(6), "float32"),
    ("blackman", lambda: ops.blackman(7), np.blackman(7), "float32"),
    ("hamming", lambda: ops.hamming(ops.convert_to_tensor(5)), np.hamming(5), "float32"),
    ("hanning", lambda: ops.hanning(6), np.hanning(6), "float32"),
    ("hanning", lambda: ops.hanning(1), np.hanning(1), "float32"),
    ("kaiser", lambda: ops.kaiser(6, 8.6), np.kaiser(6, 8.6), "float32"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "expected", "dtype"),
    [case[1:] for case in CREATION],
    ids=[f"{case[0]}-{i}" for i, case in enumerate(CREATION)],
)
def test_creation(make, expected, dtype):
    out = make()
    assert ops.dtype(out) == dtype
    assert tuple(ops.shape(out)) == expected.shape
    assert_close(out, expected, rtol=1e-5, atol=1e-6)


ALSO_TESTED = {case[0] for case in CREATION}


def test_windows_refuse_symbolic_lengths():
    with pytest.raises(TypeError, match="concrete"):
        ops.hamming(backend.KerasTensor((), "int32"))
    with pytest.raises(ValueError, match=">= 0"):
        ops.kaiser(-1, 2.0)


def test_symbolic_array_and_tri():
    x = backend.KerasTensor((None, 3), "int32")
    assert ops.array(x, dtype="float32").shape == (None, 3)
    assert ops.empty_like(x).dtype == "int32"
