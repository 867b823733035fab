"""abs_max_quantize and abs_max_quantize_grouped_with_zero_point against float64 NumPy and
against numbers Keras 3.15.1 gave (KERAS_BACKEND=torch) for the same inputs."""

import math

import numpy as np
import pytest

from lamina import backend, ops, quantizers
from tests.harness import assert_close

# Inputs of the Keras facts: np.round(np.random.default_rng(7).standard_normal(...), 3).
X = np.array(
    [[0.001, 0.299, -0.274, -0.891], [-0.455, -0.992, 0.06, 1.34], [-0.492, -0.62, 0.49, 0.357]],
    "float32",
)
W = np.array(
    [[0.105, -0.93, -0.029], [0.695, -1.344, -0.458], [-1.901, -1.29, -1.842],
     [-0.235, -1.267, 0.271], [0.157, -0.187, -2.517]],
    "float32",
)  # fmt: skip


def _abs_max_reference(x, axis, value_range=(-127, 127), epsilon=1e-7):
    scale = value_range[1] / (np.max(np.abs(x), axis=axis, keepdims=True) + epsilon)
    return np.clip(np.round(x * scale), *value_range), scale


@pytest.mark.parametrize("to_numpy", [False, True])
@pytest.mark.parametrize(
    ("axis", "value_range"), [(-1, (-127, 127)), (0, (-7, 7)), ((0, 2), (-8, 7))]
)
def test_abs_max_quantize_matches_numpy(rng, axis, value_range, to_numpy):
    x = rng.standard_normal((4, 3, 5))  # float64 end to end: the same rounding as NumPy
    quantized, scale = quantizers.abs_max_quantize(
        ops.convert_to_tensor(x), axis, value_range=value_range, to_numpy=to_numpy
    )
    expected_quantized, expected_scale = _abs_max_reference(x, axis, value_range)
    assert backend.standardize_dtype(quantized.dtype) == "int8"
    assert backend.standardize_dtype(scale.dtype) == "float64"
    np.testing.assert_array_equal(ops.convert_to_numpy(quantized), expected_quantized)
    assert_close(scale, expected_scale, rtol=1e-12)


@pytest.mark.parametrize("to_numpy", [False, True])
def test_abs_max_quantize_float32_and_dtype(rng, to_numpy):
    x = rng.standard_normal((6, 4)).astype("float32")
    quantized, scale = quantizers.abs_max_quantize(
        ops.convert_to_tensor(x), -1, value_range=(-100, 100), dtype="int16", to_numpy=to_numpy
    )
    assert backend.standardize_dtype(quantized.dtype) == "int16"
    assert backend.standardize_dtype(scale.dtype) == "float32"
    expected_quantized, expected_scale = _abs_max_reference(x.astype(np.float64), -1, (-100, 100))
    assert np.max(np.abs(ops.convert_to_numpy(quantized) - expected_quantized)) <= 1
    assert_close(scale, expected_scale, rtol=1e-6)


def test_abs_max_quantize_keras_facts():
    quantized, scale = quantizers.abs_max_quantize(ops.convert_to_tensor(X), axis=-1)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(quantized),
        [[0, 43, -39, -127], [-43, -94, 6, 127], [-101, -127, 100, 73]],
    )
    assert_close(scale, [[142.53646850585938], [94.77610778808594], [204.8386688232422]])
    quantized, scale = quantizers.abs_max_quantize(
        ops.convert_to_tensor(X), axis=0, value_range=(-7, 7), to_numpy=True
    )
    np.testing.assert_array_equal(
        ops.convert_to_numpy(quantized), [[0, 2, -4, -5], [-6, -7, 1, 7], [-7, -4, 7, 2]]
    )
    assert_close(
        scale, [[14.227639198303223, 7.056450843811035, 14.285711288452148, 5.223879814147949]]
    )


def _grouped_reference(w, block_size, value_range=(-8, 7), epsilon=1e-7):
    """Keras's host algorithm in float64: zero-padded groups of rows, min/max per column."""
    rows, cols = w.shape
    groups = math.ceil(rows / block_size)
    padded = np.concatenate([w, np.zeros((groups * block_size - rows, cols))])
    grouped = padded.reshape(groups, block_size, cols)
    low, high = value_range
    group_min, group_max = grouped.min(axis=1), grouped.max(axis=1)
    scale = (group_max - group_min + epsilon) / (high - low)
    zero = np.clip(np.round(-group_min / scale) + low, low, high)
    quantized = np.clip(np.round(grouped / scale[:, None]) + zero[:, None], low, high)
    return quantized.reshape(-1, cols)[:rows], scale, zero


@pytest.mark.parametrize("to_numpy", [False, True])
@pytest.mark.parametrize(("shape", "block_size"), [((8, 5), 4), ((7, 3), 2), ((9, 4), 3)])
def test_grouped_matches_numpy(rng, shape, block_size, to_numpy):
    w = rng.standard_normal(shape)
    quantized, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(
        ops.convert_to_tensor(w), block_size, to_numpy=to_numpy
    )
    expected_quantized, expected_scale, expected_zero = _grouped_reference(w, block_size)
    assert tuple(quantized.shape) == shape
    assert tuple(scale.shape) == tuple(zero.shape) == (math.ceil(shape[0] / block_size), shape[1])
    assert backend.standardize_dtype(quantized.dtype) == "int8"
    assert backend.standardize_dtype(scale.dtype) == "float64"
    assert backend.standardize_dtype(zero.dtype) == "int8"
    np.testing.assert_array_equal(ops.convert_to_numpy(quantized), expected_quantized)
    np.testing.assert_array_equal(ops.convert_to_numpy(zero), expected_zero)
    assert_close(scale, expected_scale, rtol=1e-12)


@pytest.mark.parametrize("to_numpy", [False, True])
def test_grouped_keras_facts(to_numpy):
    quantized, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(
        ops.convert_to_tensor(W), block_size=2, to_numpy=to_numpy
    )
    np.testing.assert_array_equal(
        ops.convert_to_numpy(quantized),
        [[-5, -8, 6], [7, -8, -8], [-8, -8, -8], [5, -8, 7], [7, -8, -8]],
    )
    assert_close(
        scale,
        [[0.03933333978056908, 0.02760000340640545, 0.02860000729560852],
         [0.11106667667627335, 0.001533340197056532, 0.14086666703224182],
         [0.010466674342751503, 0.012466673739254475, 0.16779999434947968]],
        rtol=1e-6,
    )  # fmt: skip
    np.testing.assert_array_equal(ops.convert_to_numpy(zero), [[-8, 7, 7], [7, 7, 5], [-8, 7, 7]])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"block_size": 0}, "block_size"),
        ({"block_size": 2.0}, "block_size"),
        ({"block_size": 2, "value_range": (7, -8)}, "value_range"),
        ({"block_size": 2, "value_range": (-8,)}, "value_range"),
    ],
)
def test_grouped_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        quantizers.abs_max_quantize_grouped_with_zero_point(ops.convert_to_tensor(W), **kwargs)


def test_grouped_needs_2d():
    with pytest.raises(ValueError, match="2D"):
        quantizers.abs_max_quantize_grouped_with_zero_point(ops.convert_to_tensor(X[0]), 2)


def test_abs_max_quantize_bad_value_range():
    with pytest.raises(ValueError, match="value_range"):
        quantizers.abs_max_quantize(ops.convert_to_tensor(X), -1, value_range=(5, 5))
