"""fake_quant_with_min_max_vars: values against float64 NumPy (TensorFlow's FakeQuant
algorithm) and Keras 3.15.1's numbers; the straight-through gradient against float64 finite
differences of its NumPy surrogate, and against Keras's gradients (KERAS_BACKEND=torch)."""

import numpy as np
import pytest

import lamina
from lamina import backend, ops, quantizers
from tests.harness import assert_close, check_gradients, engine_gradients

fake_quant = quantizers.fake_quant_with_min_max_vars

X = np.array(
    [[0.001, 0.299, -0.274, -0.891], [-0.455, -0.992, 0.06, 1.34], [-0.492, -0.62, 0.49, 0.357]],
    "float32",
)
MIN = np.array([-1.0, -0.5, -0.3, -2.0], "float32")
MAX = np.array([1.0, 0.4, 2.0, 0.5], "float32")


def _nudged(low, high, num_bits, narrow_range):
    quant_min, quant_max = (1 if narrow_range else 0), 2**num_bits - 1
    scale = (high - low) / (quant_max - quant_min)
    zero = np.round(np.clip(quant_min - low / scale, quant_min, quant_max))
    return (quant_min - zero) * scale, (quant_max - zero) * scale, scale


def _broadcast(values, ndim, axis):
    if axis is None:
        return np.reshape(values, ())
    shape = [1] * ndim
    shape[axis] = -1
    return np.reshape(values, shape)


def reference(x, low, high, num_bits=8, narrow_range=False, axis=None):
    """Float64 fake quantization: clamp to the nudged range, snap to its grid."""
    low, high = _broadcast(low, x.ndim, axis), _broadcast(high, x.ndim, axis)
    nudged_min, nudged_max, scale = _nudged(low, high, num_bits, narrow_range)
    clamped = np.clip(x, nudged_min, nudged_max)
    return np.round((clamped - nudged_min) / scale) * scale + nudged_min


def surrogate(x, low, high, num_bits=8, narrow_range=False, axis=None):
    """A function whose derivative is the straight-through gradient: the identity inside
    the nudged range, min below it, max above it."""
    low_b, high_b = _broadcast(low, x.ndim, axis), _broadcast(high, x.ndim, axis)
    nudged_min, nudged_max, _ = _nudged(low_b, high_b, num_bits, narrow_range)
    below, above = x <= nudged_min, x >= nudged_max
    return (
        np.where(below | above, 0.0, x) + np.where(below, low_b, 0.0) + np.where(above, high_b, 0.0)
    )


CASES = [
    {"num_bits": 8, "narrow_range": False, "axis": None},
    {"num_bits": 4, "narrow_range": True, "axis": None},
    {"num_bits": 8, "narrow_range": False, "axis": -1},
    {"num_bits": 5, "narrow_range": True, "axis": 1},
    {"num_bits": 3, "narrow_range": False, "axis": 0},
]


def _ranges(rng, case, shape):
    count = () if case["axis"] is None else (shape[case["axis"]],)
    low = -rng.uniform(0.3, 1.5, count)
    high = rng.uniform(0.3, 1.5, count)
    return low, high


def _inputs_off_the_kinks(rng, shape, low, high, case):
    """Random inputs, none near a clamp edge or a rounding midpoint, so finite differences
    and float rounding cannot straddle a jump."""
    x = 1.6 * rng.standard_normal(shape)
    kw = {k: case[k] for k in ("num_bits", "narrow_range", "axis")}
    low_b, high_b = _broadcast(low, x.ndim, kw["axis"]), _broadcast(high, x.ndim, kw["axis"])
    nudged_min, nudged_max, scale = _nudged(low_b, high_b, kw["num_bits"], kw["narrow_range"])
    position = (x - nudged_min) / scale
    near_midpoint = np.abs(position - np.floor(position) - 0.5) < 0.02
    near_edge = (np.abs(x - nudged_min) < 0.01) | (np.abs(x - nudged_max) < 0.01)
    return np.where(near_midpoint | near_edge, x + 0.05 * scale, x)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_numpy(rng, case):
    shape = (4, 3, 5)
    low, high = _ranges(rng, case, shape)
    x = _inputs_off_the_kinks(rng, shape, low, high, case)
    out = fake_quant(ops.convert_to_tensor(x), low, high, **case)
    assert backend.standardize_dtype(out.dtype) == "float64"
    assert_close(out, reference(x, low, high, **case), rtol=1e-10, atol=1e-12)
    out32 = fake_quant(ops.convert_to_tensor(x.astype("float32")), low.astype("float32"),
                       high.astype("float32"), **case)  # fmt: skip
    assert backend.standardize_dtype(out32.dtype) == "float32"
    assert_close(out32, reference(x, low, high, **case), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_straight_through_gradient(rng, case):
    shape = (4, 3, 5)
    low, high = _ranges(rng, case, shape)
    x = _inputs_off_the_kinks(rng, shape, low, high, case)

    def engine(x, low, high):
        return fake_quant(x, low, high, **case)

    def numpy_surrogate(x, low, high):
        return surrogate(x, low, high, **case)

    check_gradients(engine, numpy_surrogate, [x, low, high], rtol=1e-6, atol=1e-6)


def test_keras_facts_values():
    assert_close(
        fake_quant(X, -1.0, 1.0),
        [[0.0, 0.2980392277240753, -0.27450981736183167, -0.8941177129745483],
         [-0.4549019932746887, -0.988235354423523, 0.062745101749897, 1.003921627998352],
         [-0.4941176772117615, -0.6196078658103943, 0.4862745404243469, 0.3607843220233917]],
        rtol=1e-6, atol=1e-7,
    )  # fmt: skip
    assert_close(
        fake_quant(X, -0.8, 1.3, num_bits=4, narrow_range=True),
        [[0.0, 0.3, -0.3, -0.75], [-0.45, -0.75, 0.0, 1.35], [-0.45, -0.6, 0.45, 0.3]],
        rtol=1e-6, atol=1e-7,
    )  # fmt: skip
    assert_close(
        fake_quant(X, MIN, MAX, axis=-1),
        [[0.0, 0.30000001192092896, -0.270588219165802, -0.8921568989753723],
         [-0.4549019932746887, -0.5011764764785767, 0.06313725560903549, 0.5],
         [-0.4941176772117615, -0.5011764764785767, 0.4870588183403015, 0.3529411852359772]],
        rtol=1e-6, atol=1e-7,
    )  # fmt: skip


UPSTREAM = np.arange(1, 13, dtype="float32").reshape(3, 4)


def _weighted(**kwargs):
    def fn(x, low, high):
        return ops.multiply(fake_quant(x, low, high, **kwargs), ops.convert_to_tensor(UPSTREAM))

    return fn


def test_keras_facts_gradients_per_channel():
    grad_x, grad_min, grad_max = engine_gradients(_weighted(axis=-1), [X, MIN, MAX])
    np.testing.assert_array_equal(grad_x, [[1, 2, 3, 4], [5, 0, 7, 0], [9, 0, 11, 12]])
    np.testing.assert_array_equal(grad_min, [0, 16, 0, 0])
    np.testing.assert_array_equal(grad_max, [0, 0, 0, 8])


def test_keras_facts_gradients_per_tensor():
    low, high = np.array(-0.5, "float32"), np.array(0.7, "float32")
    grad_x, grad_min, grad_max = engine_gradients(_weighted(), [X, low, high])
    np.testing.assert_array_equal(grad_x, [[1, 2, 3, 0], [5, 0, 7, 0], [9, 0, 11, 12]])
    assert grad_min.shape == grad_max.shape == ()
    assert (float(grad_min), float(grad_max)) == (20.0, 8.0)


def test_symbolic_inputs_keep_shape_and_dtype():
    x = lamina.KerasTensor((None, 3, 4), dtype="float32")
    out = fake_quant(x, MIN, MAX, axis=-1)
    assert isinstance(out, lamina.KerasTensor)
    assert tuple(out.shape) == (None, 3, 4)
    assert backend.standardize_dtype(out.dtype) == "float32"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_bits": 1}, ValueError, "num_bits"),
        ({"num_bits": 17}, ValueError, "num_bits"),
        ({"num_bits": 8.0}, ValueError, "num_bits"),
        ({"narrow_range": 1}, TypeError, "narrow_range"),
        ({"axis": 2}, ValueError, "axis"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        fake_quant(X, -1.0, 1.0, **kwargs)
