"""The TensorFlow engine's array ops (numpy, numpy_extra, math, linalg) where TensorFlow
itself differs from NumPy: no dtype promotion, graph tracing with unknown shapes, XLA,
missing half-precision kernels. Values are checked against float64 NumPy."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close

pytestmark = pytest.mark.engine("tensorflow")


def _tf():
    import tensorflow as tf

    return tf


def _engine():
    from lamina.backend.tensorflow import linalg, math, numpy, numpy_extra

    return numpy, numpy_extra, math, linalg


# (op, x1, x2): TensorFlow refuses mixed dtypes, the engine promotes with result_type.
_MIXED = [
    ("add", np.array([1, -2, 3], "int8"), np.array([0.5, 1.5, -2.25], "float16")),
    ("subtract", np.array([4, 5, 6], "int32"), 2.5),
    ("multiply", np.array([True, False, True]), 3),
    ("maximum", np.array([1, 200, 7], "uint8"), np.array([-3, 4, 9], "int8")),
    ("divide", np.array([3, -7, 8], "int32"), np.array([2, 2, 3], "int32")),
    ("power", np.array([1.5, 2.0, 0.5], "float16"), 2),
    ("floor_divide", np.array([7, -7, 9], "int16"), np.array([2.0, 2.0, 4.0], "float32")),
    ("greater", np.array([1, 2, 3], "int64"), np.array([1.5, 1.5, 3.5], "float32")),
]


@pytest.mark.parametrize(("name", "x1", "x2"), _MIXED, ids=[case[0] for case in _MIXED])
def test_binary_ops_promote_mixed_dtypes(name, x1, x2):
    out = getattr(ops, name)(x1, x2)
    expected_dtype = backend.result_type(
        x1.dtype.name, x2.dtype.name if isinstance(x2, np.ndarray) else type(x2)
    )
    if name == "divide":
        expected_dtype = "float32"  # integer division gives floatx
    if name == "greater":
        expected_dtype = "bool"
    if name == "multiply":
        expected_dtype = "int32"  # a bool tensor with a Python int counts
    assert ops.dtype(out) == expected_dtype
    reference = getattr(np, name)(x1.astype(np.float64), np.float64(x2))
    assert_close(out, reference, rtol=1e-3, atol=1e-3)


def test_stacking_and_contractions_promote_operands():
    ints, floats = np.arange(6, dtype="int8").reshape(2, 3), np.ones((2, 3), "float32")
    assert ops.dtype(ops.concatenate([ints, floats], axis=0)) == "float32"
    assert ops.dtype(ops.stack([ints, ints.astype("int32")])) == "int32"
    # TensorFlow's einsum and tensordot have no integer kernels; the dtype is kept.
    product = ops.einsum("ij,kj->ik", ints, ints)
    assert ops.dtype(product) == "int8"
    assert_close(product, ints.astype(np.int64) @ ints.T.astype(np.int64))
    assert ops.dtype(ops.tensordot(ints, ints.astype("int32"), axes=2)) == "int32"


def test_functions_trace_with_unknown_shapes(rng):
    """Inside a tf.function whose inputs have unknown dimensions, as a compiled step sees."""
    tf = _tf()
    np_, extra, math, _ = _engine()
    x = rng.standard_normal((5, 4)).astype("float32")
    index = rng.integers(0, 4, (5, 2)).astype("int32")
    segments = np.array([0, 2, 0, 1, 2], "int32")

    def compute(x, index, segments):
        return (
            np_.take_along_axis(x, index, axis=1),
            np_.split(x, [1, 3], axis=1)[1],
            np_.pad(x, ((1, 0), (0, 2)), mode="edge"),
            np_.tile(x, (2, 1)),
            extra.quantile(x, 0.25, axis=0),
            math.segment_sum(x, segments),
            math.segment_max(x, segments, num_segments=4),
        )

    spec = [tf.TensorSpec((None, None), tf.float32), tf.TensorSpec((None, 2), tf.int32),
            tf.TensorSpec((None,), tf.int32)]  # fmt: skip
    traced = tf.function(compute, input_signature=spec)(x, index, segments)
    eager = compute(tf.constant(x), tf.constant(index), tf.constant(segments))
    for got, expected in zip(traced, eager):
        np.testing.assert_array_equal(got.numpy(), expected.numpy())
    assert_close(eager[4], np.quantile(x.astype(np.float64), 0.25, axis=0))
    assert eager[6].numpy()[3].tolist() == [-np.inf] * 4  # an empty segment's max


def test_common_ops_compile_with_xla(rng):
    tf = _tf()
    np_, _, math, _ = _engine()
    x = rng.standard_normal((3, 4)).astype("float32")

    def compute(x):
        logits = np_.matmul(x, np_.transpose(x))  # (3, 3)
        picked = np_.take(logits, np_.argmax(logits, axis=1), axis=0)
        clipped = np_.clip(np_.where(picked > 0, picked, 0.5 * picked), -1.0, 1.0)
        return np_.cumsum(np_.sort(clipped, axis=-1), axis=0) + math.logsumexp(logits)

    compiled = tf.function(compute, jit_compile=True)(tf.constant(x))
    assert_close(compiled, compute(tf.constant(x)), rtol=1e-5, atol=1e-5)


def test_half_precision_functions_without_a_tensorflow_kernel(rng):
    x = rng.uniform(-0.9, 0.9, 8).astype("float16")
    toward = rng.standard_normal(8).astype("float16")
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.nextafter(x, toward)),
                                  np.nextafter(x, toward))  # fmt: skip
    assert ops.dtype(ops.erfinv(x)) == "float16"
    assert_close(ops.erfinv(x), [float(np.float16(v)) for v in _erfinv(x)], atol=2e-3)
    assert_close(ops.fmod(x, np.float16(0.3)), np.fmod(x, np.float16(0.3)), atol=1e-3)
    # A float16 mean accumulates in float32: 4096 x 0.1 would stall at 256 in float16.
    tenths = np.full(4096, 0.1, "float16")
    assert_close(ops.mean(tenths), 0.1, rtol=1e-3)


def _erfinv(x):
    from math import erf

    out = []
    for value in x.astype(np.float64):
        low, high = -6.0, 6.0
        for _ in range(80):  # bisection on erf
            mid = (low + high) / 2
            low, high = (mid, high) if erf(mid) < value else (low, mid)
        out.append((low + high) / 2)
    return out


def test_view_reinterprets_bytes_with_numpy_shapes(rng):
    x = rng.standard_normal((2, 4)).astype("float32")
    for dtype in ("int32", "uint8", "float16", "int64"):
        np.testing.assert_array_equal(ops.convert_to_numpy(ops.view(x, dtype)), x.view(dtype))
