import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.layers import RMSNormalization
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients


def reference(x, scale, axes=(-1,), epsilon=1e-6):
    axes = tuple(sorted(a % x.ndim for a in axes))
    shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
    return x / np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + epsilon) * scale.reshape(shape)


@pytest.mark.parametrize(("shape", "axis"), [((3, 6), -1), ((2, 3, 4), [1, 2]), ((2, 3, 4), 1)])
def test_rms_normalization_matches_numpy(rng, shape, axis):
    x = rng.standard_normal(shape) + 0.5
    layer = RMSNormalization(axis=axis, dtype="float64")
    layer.build(shape)
    scale = rng.uniform(0.5, 1.5, layer.scale.shape)
    layer.set_weights([scale])
    axes = axis if isinstance(axis, list) else [axis]
    assert_close(layer(x), reference(x, scale, axes))
    assert [v.path for v in layer.weights] == ["rms_normalization/scale"]


def test_rms_normalization_gradients_match_finite_differences(rng):
    x, weights = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    layer = RMSNormalization(dtype="float64")
    layer.build(x.shape)
    scale = rng.uniform(0.5, 1.5, (4,))
    layer.set_weights([scale])
    got = engine_gradients(lambda x: ops.multiply(layer(x), weights), [x], variables=layer.weights)
    want = numeric_gradients(lambda x, s: reference(x, s) * weights, [x, scale])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-7)


def test_rms_normalization_config_symbolic_and_errors(rng):
    layer = RMSNormalization(axis=[1, 2], epsilon=1e-4)
    assert check_config_roundtrip(layer).get_config()["axis"] == [1, 2]
    assert layer(keras.Input((3, 4))).shape == (None, 3, 4)
    with pytest.raises(TypeError, match="'axis'"):
        RMSNormalization(axis=1.5)
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        RMSNormalization(axis=3)(rng.standard_normal((2, 3)))
