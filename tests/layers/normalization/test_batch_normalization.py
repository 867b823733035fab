import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.layers.normalization import BatchNormalization
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)

EPSILON = 1e-3


def reference(x, gamma, beta, mean, variance, axis):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    gamma, beta, mean, variance = (np.reshape(v, shape) for v in (gamma, beta, mean, variance))
    return gamma * (x - mean) / np.sqrt(variance + EPSILON) + beta


def batch_moments(x, axis):
    axes = tuple(i for i in range(x.ndim) if i != axis % x.ndim)
    return x.mean(axis=axes), x.var(axis=axes)


def randomized(layer, rng, num_features):
    """Random gamma, beta and moving statistics, so that none of them is trivial."""
    layer.set_weights(
        [
            rng.uniform(0.5, 1.5, num_features),
            rng.standard_normal(num_features),
            rng.standard_normal(num_features),
            rng.uniform(0.5, 2.0, num_features),
        ]
    )
    # np.array copies: on CPU get_weights() may share memory with the variables.
    return [np.array(w, np.float64) for w in layer.get_weights()]


@pytest.mark.parametrize(("shape", "axis"), [((6, 4), -1), ((5, 3, 4), -1), ((4, 3, 2, 2), 1)])
def test_batch_normalization_training_matches_numpy(rng, shape, axis):
    x = rng.standard_normal(shape) * 3.0 + 1.0
    layer = BatchNormalization(axis=axis, dtype="float64")
    layer.build(shape)
    gamma, beta, _, _ = randomized(layer, rng, shape[axis])
    mean, variance = batch_moments(x, axis)
    assert_close(layer(x, training=True), reference(x, gamma, beta, mean, variance, axis))


@pytest.mark.parametrize("training", [False, None])
def test_batch_normalization_inference_uses_moving_statistics(rng, training):
    x = rng.standard_normal((5, 3)).astype("float32")
    layer = BatchNormalization()
    layer.build(x.shape)
    gamma, beta, moving_mean, moving_variance = randomized(layer, rng, 3)
    expected = reference(x, gamma, beta, moving_mean, moving_variance, -1)
    assert_close(layer(x, training=training), expected, rtol=1e-5, atol=1e-5)
    assert_close(layer.moving_mean, moving_mean)  # inference leaves the statistics alone


def test_batch_normalization_moving_statistics_update(rng):
    layer = BatchNormalization(momentum=0.9, dtype="float64")
    layer.build((8, 3))
    _, _, moving_mean, moving_variance = randomized(layer, rng, 3)
    for _ in range(2):
        x = rng.standard_normal((8, 3)) * 2.0 + 0.5
        # An explicit float64 tensor: autocast of a NumPy array goes through float32.
        layer(ops.convert_to_tensor(x, dtype="float64"), training=True)
        mean, variance = batch_moments(x, -1)
        moving_mean = moving_mean * 0.9 + mean * 0.1
        moving_variance = moving_variance * 0.9 + variance * 0.1
    assert_close(layer.moving_mean, moving_mean, rtol=1e-12, atol=1e-12)
    assert_close(layer.moving_variance, moving_variance, rtol=1e-12, atol=1e-12)


def test_batch_normalization_frozen_runs_in_inference_mode(rng):
    x = rng.standard_normal((6, 4))
    layer = BatchNormalization(dtype="float64")
    layer.build(x.shape)
    weights = randomized(layer, rng, 4)
    layer.trainable = False
    assert_close(layer(x, training=True), reference(x, *weights, -1))
    for before, after in zip(weights, layer.get_weights()):
        assert_close(after, before)


def test_batch_normalization_gradients_match_finite_differences(rng):
    x = rng.standard_normal((5, 3))
    weights = rng.standard_normal((5, 3))  # so that d(sum)/dx is not trivially zero
    layer = BatchNormalization(dtype="float64")
    layer.build(x.shape)
    gamma, beta, _, _ = randomized(layer, rng, 3)

    def forward(x):
        return ops.multiply(layer(x, training=True), weights)

    def forward_reference(x, gamma, beta):
        return reference(x, gamma, beta, *batch_moments(x, -1), -1) * weights

    got = engine_gradients(forward, [x], variables=[layer.gamma, layer.beta])
    want = numeric_gradients(forward_reference, [x, gamma, beta])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-8)


def test_batch_normalization_masked_moments(rng):
    x = rng.standard_normal((2, 5, 3))
    mask = np.array([[True, True, True, False, False], [True, True, False, False, False]])
    layer = BatchNormalization(dtype="float64", center=False, scale=False)
    y = layer(x, training=True, mask=mask)
    valid = x[mask]  # (5, 3)
    mean, variance = valid.mean(axis=0), valid.var(axis=0)
    expected = (x - mean) / np.sqrt(variance + EPSILON)
    assert_close(y, expected, rtol=1e-5, atol=1e-5)  # Keras adds epsilon() to the counts


@pytest.mark.parametrize(
    ("center", "scale", "names"),
    [
        (True, True, ["gamma", "beta", "moving_mean", "moving_variance"]),
        (False, True, ["gamma", "moving_mean", "moving_variance"]),
        (True, False, ["beta", "moving_mean", "moving_variance"]),
    ],
)
def test_batch_normalization_weights_order_and_names(center, scale, names):
    layer = BatchNormalization(center=center, scale=scale)
    layer.build((None, 7))
    assert [v.path for v in layer.weights] == [f"batch_normalization/{n}" for n in names]
    assert all(w.shape == (7,) for w in layer.get_weights())
    assert [v.name for v in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_batch_normalization_config_roundtrip():
    layer = BatchNormalization(
        axis=1, momentum=0.9, epsilon=1e-5, center=False, gamma_regularizer="l2", name="bn"
    )
    config = check_config_roundtrip(layer).get_config()
    assert config["synchronized"] is False
    assert (config["axis"], config["momentum"], config["epsilon"]) == (1, 0.9, 1e-5)


def test_batch_normalization_symbolic_shape_equals_eager(rng):
    layer = BatchNormalization(axis=1)
    symbolic = layer(keras.Input((3, 4)))
    eager = layer(rng.standard_normal((2, 3, 4)), training=True)
    assert symbolic.shape == (None, 3, 4)
    assert tuple(eager.shape) == (2, 3, 4)


def test_batch_normalization_errors(rng):
    with pytest.raises(ValueError, match="synchronized"):
        BatchNormalization(synchronized=True)
    with pytest.raises(TypeError, match="axis"):
        BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="out of range"):
        BatchNormalization(axis=3)(rng.standard_normal((2, 3)))
    layer = BatchNormalization()
    layer(rng.standard_normal((2, 3)))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(rng.standard_normal((2, 4)))


def test_batch_normalization_float16_input_is_computed_in_float32(rng):
    x = rng.standard_normal((4, 3)).astype("float16")
    layer = BatchNormalization(dtype="float16")
    y = layer(x, training=True)
    mean, variance = batch_moments(x.astype(np.float64), -1)
    assert_close(to_numpy(y), (x - mean) / np.sqrt(variance + EPSILON), rtol=1e-2, atol=1e-2)
