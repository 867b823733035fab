import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.layers.core import Masking
from tests.harness import assert_close, check_config_roundtrip


def padded_steps(rng, mask_value, shape=(3, 5, 4)):
    """Random steps, some of them (and a step that only partly matches) set to mask_value."""
    x = rng.standard_normal(shape).astype("float32")
    x[0, 1:3] = mask_value
    x[1, -1] = mask_value
    x[2, 0, :2] = mask_value  # only part of the features: this step is kept
    keep = np.ones(shape[:2], dtype=bool)
    keep[0, 1:3] = keep[1, -1] = False
    return x, keep


@pytest.mark.parametrize("mask_value", [0.0, -1.0, 2.5])
def test_masking_matches_numpy_and_carries_the_mask(rng, mask_value):
    x, keep = padded_steps(rng, mask_value)
    outputs = Masking(mask_value=mask_value)(x)
    assert_close(outputs, x.astype(np.float64) * keep[..., None])
    np.testing.assert_array_equal(np.asarray(keras.backend.get_keras_mask(outputs)), keep)


@pytest.mark.parametrize("mask_value", [0.0, -1.0])
def test_masking_compute_mask_is_the_boolean_step_mask(rng, mask_value):
    x, keep = padded_steps(rng, mask_value)
    mask = Masking(mask_value=mask_value).compute_mask(keras.ops.convert_to_tensor(x))
    assert keras.ops.dtype(mask) == "bool"
    np.testing.assert_array_equal(np.asarray(mask), keep)


def masked_mean_reference(x, keep):
    weights = keep[..., None].astype(np.float64)  # (B, T, 1)
    return (x * weights).sum(axis=1) / weights.sum(axis=1)


@pytest.mark.parametrize("mask_value", [0.0, -1.0])
def test_masking_then_average_pooling_is_a_masked_mean(rng, mask_value):
    x, keep = padded_steps(rng, mask_value)
    model = keras.Sequential(
        [keras.Input((5, 4)), Masking(mask_value=mask_value), layers.GlobalAveragePooling1D()]
    )
    assert_close(model(x), masked_mean_reference(x.astype(np.float64), keep))


def test_masking_in_a_functional_model(rng):
    x, keep = padded_steps(rng, 0.0)
    inputs = keras.Input((5, 4))
    outputs = layers.GlobalAveragePooling1D()(layers.Dense(3)(Masking()(inputs)))
    model = keras.Model(inputs, outputs)
    dense = model.layers[2]
    kernel, bias = (np.asarray(w, np.float64) for w in dense.get_weights())
    projected = x.astype(np.float64) @ kernel + bias  # Dense passes the mask on
    assert_close(model(x), masked_mean_reference(projected, keep), atol=1e-5)


def test_masking_symbolic_shape_and_mask():
    outputs = Masking()(keras.Input((5, 4)))
    assert outputs.shape == (None, 5, 4)
    assert outputs._keras_mask.shape == (None, 5)


def test_masking_config_roundtrip():
    clone = check_config_roundtrip(Masking(mask_value=-1.0, name="pad"))
    assert clone.get_config()["mask_value"] == -1.0
    assert clone.supports_masking
