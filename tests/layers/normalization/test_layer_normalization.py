import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.layers.normalization import LayerNormalization
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)

EPSILON = 1e-3


def reference(x, gamma, beta, axes, rms_scaling=False):
    axes = tuple(sorted(a % x.ndim for a in axes))
    shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
    variance = x.var(axis=axes, keepdims=True)
    if rms_scaling:  # Keras 3's rms_scaling: no centering, variance in the denominator
        return x / np.sqrt(variance + EPSILON) * gamma.reshape(shape)
    normalized = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(variance + EPSILON)
    return normalized * gamma.reshape(shape) + beta.reshape(shape)


def randomize(layer, rng):
    layer.set_weights([rng.uniform(0.5, 1.5, w.shape) for w in layer.get_weights()])
    return [np.array(w, np.float64) for w in layer.get_weights()]


@pytest.mark.parametrize(
    ("shape", "axis"), [((4, 6), -1), ((3, 4, 5), -1), ((3, 4, 5), [1, 2]), ((2, 3, 4), 1)]
)
def test_layer_normalization_matches_numpy(rng, shape, axis):
    x = rng.standard_normal(shape) * 2.0 + 0.5
    layer = LayerNormalization(axis=axis, dtype="float64")
    layer.build(shape)
    gamma, beta = randomize(layer, rng)
    axes = axis if isinstance(axis, list) else [axis]
    assert_close(layer(x), reference(x, gamma, beta, axes))


def test_layer_normalization_rms_scaling(rng):
    x = rng.standard_normal((3, 5)) + 1.0
    layer = LayerNormalization(rms_scaling=True, dtype="float64")
    layer.build(x.shape)
    assert [v.name for v in layer.weights] == ["gamma"]
    (gamma,) = randomize(layer, rng)
    assert_close(layer(x), reference(x, gamma, None, [-1], rms_scaling=True))


@pytest.mark.parametrize("rms_scaling", [False, True])
def test_layer_normalization_gradients_match_finite_differences(rng, rms_scaling):
    x = rng.standard_normal((3, 4))
    weights = rng.standard_normal((3, 4))  # so that d(sum)/dx is not trivially zero
    layer = LayerNormalization(rms_scaling=rms_scaling, dtype="float64")
    layer.build(x.shape)
    params = randomize(layer, rng)

    def forward_reference(x, gamma, beta=None):
        return reference(x, gamma, beta, [-1], rms_scaling) * weights

    got = engine_gradients(lambda x: ops.multiply(layer(x), weights), [x], variables=layer.weights)
    want = numeric_gradients(forward_reference, [x, *params])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    ("center", "scale", "names"),
    [(True, True, ["gamma", "beta"]), (False, True, ["gamma"]), (True, False, ["beta"])],
)
def test_layer_normalization_weights(center, scale, names):
    layer = LayerNormalization(axis=[1, 2], center=center, scale=scale)
    layer.build((None, 3, 4))
    assert [v.path for v in layer.weights] == [f"layer_normalization/{n}" for n in names]
    assert all(w.shape == (3, 4) for w in layer.get_weights())


def test_layer_normalization_config_roundtrip():
    layer = LayerNormalization(
        axis=(1, 2), epsilon=1e-5, rms_scaling=True, beta_constraint="non_neg"
    )
    config = check_config_roundtrip(layer).get_config()
    assert config["axis"] == [1, 2]
    assert config["rms_scaling"] is True


def test_layer_normalization_symbolic_shape_equals_eager(rng):
    layer = LayerNormalization(axis=[1, 2])
    symbolic = layer(keras.Input((3, 4)))
    assert symbolic.shape == (None, 3, 4)
    assert tuple(layer(rng.standard_normal((2, 3, 4))).shape) == (2, 3, 4)


def test_layer_normalization_float16_output_dtype(rng):
    x = rng.standard_normal((2, 8)).astype("float16")
    y = LayerNormalization(dtype="float16")(x)
    assert keras.ops.dtype(y) == "float16"
    assert_close(to_numpy(y), reference(x.astype(np.float64), np.ones(8), np.zeros(8), [-1]),
                 rtol=1e-2, atol=1e-2)  # fmt: skip


def test_layer_normalization_errors(rng):
    with pytest.raises(TypeError, match="axis"):
        LayerNormalization(axis="last")
    with pytest.raises(TypeError, match="axis"):
        LayerNormalization(axis=[])
    with pytest.raises(ValueError, match="out of range"):
        LayerNormalization(axis=2)(rng.standard_normal((2, 3)))
