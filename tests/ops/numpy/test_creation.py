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


def test_arange_step_defaults_to_none_as_in_keras():
    import inspect

    assert inspect.signature(ops.arange).parameters["step"].default is None
    out = ops.arange(2, 7, None)  # an explicit None means a step of 1, keeping int32
    assert ops.dtype(out) == "int32"
    assert_close(out, np.arange(2, 7))
    assert_close(ops.arange(1.5, 4.0, step=None), np.arange(1.5, 4.0))


@pytest.mark.parametrize(("endpoint", "axis"), [(True, 0), (False, 1), (True, -1)])
def test_linspace_retstep_and_axis_match_numpy(rng, endpoint, axis):
    start = rng.standard_normal(3)
    stop = start + rng.uniform(1.0, 2.0, 3)
    samples, step = ops.linspace(start.astype("float32"), stop.astype("float32"), 5,
                                 endpoint=endpoint, retstep=True, axis=axis)  # fmt: skip
    expected, expected_step = np.linspace(start, stop, 5, endpoint=endpoint, retstep=True,
                                          axis=axis)  # fmt: skip
    assert ops.dtype(samples) == "float32"
    assert_close(samples, expected, rtol=1e-5, atol=1e-6)
    assert_close(step, expected_step, rtol=1e-5, atol=1e-6)
    symbolic = ops.linspace(backend.KerasTensor((3,), "float32"), 1.0, 5, axis=axis)
    assert tuple(symbolic.shape) == expected.shape


def test_linspace_scalar_retstep_and_dtype():
    samples, step = ops.linspace(0, 3, 4, retstep=True)
    assert ops.dtype(samples) == "float32"  # ints promote with float to floatx, as in Keras
    assert_close(samples, np.linspace(0, 3, 4))
    assert_close(step, 1.0)
    assert ops.dtype(ops.linspace(0.0, 1.0, 3, dtype="float64")) == "float64"
