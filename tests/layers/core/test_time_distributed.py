import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops
from lamina.backend.common.masking import get_keras_mask
from lamina.layers import TimeDistributed
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)


def test_dense_on_every_step_matches_numpy(rng):
    x = rng.standard_normal((2, 5, 3))
    layer = TimeDistributed(layers.Dense(4, dtype="float64"), dtype="float64")
    y = layer(x)
    kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
    assert_close(y, x @ kernel + bias)
    assert [v.path for v in layer.weights] == [
        "time_distributed/dense/kernel",
        "time_distributed/dense/bias",
    ]


def test_conv_on_every_frame_matches_per_frame_calls(rng):
    x = rng.standard_normal((2, 3, 6, 6, 2)).astype("float32")
    conv = layers.Conv2D(4, 3)
    y = TimeDistributed(conv)(x)
    assert tuple(y.shape) == (2, 3, 4, 4, 4)
    for t in range(3):
        assert_close(y[:, t], conv(x[:, t]), rtol=1e-5, atol=1e-5)


def test_gradients_match_finite_differences(rng):
    x = rng.standard_normal((2, 3, 2))
    layer = TimeDistributed(layers.Dense(2, dtype="float64"), dtype="float64")
    layer.build(x.shape)
    kernel, bias = rng.standard_normal((2, 2)), rng.standard_normal((2,))
    layer.set_weights([kernel, bias])
    weights = rng.standard_normal((2, 3, 2))
    got = engine_gradients(lambda x: ops.multiply(layer(x), weights), [x], variables=layer.weights)
    want = numeric_gradients(lambda x, k, b: (x @ k + b) * weights, [x, kernel, bias])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-7)


def test_symbolic_shape_config_and_mask_propagation(rng):
    inputs = keras.Input((5, 3))
    layer = TimeDistributed(layers.Dense(2))
    assert layer(inputs).shape == (None, 5, 2)
    clone = check_config_roundtrip(layer)
    assert isinstance(clone.layer, layers.Dense)
    x = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], "int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(x)  # carries the (batch, time) mask
    outputs = TimeDistributed(layers.Dense(2))(embedded)
    assert tuple(outputs.shape) == (2, 4, 2)
    assert to_numpy(get_keras_mask(outputs)).tolist() == (x != 0).tolist()


def test_mask_is_folded_for_a_layer_that_takes_one(rng):
    x = rng.standard_normal((2, 3, 4, 2)).astype("float32")  # (batch, time, steps, features)
    mask = rng.random((2, 3, 4)) < 0.7
    mask[..., 0] = True
    y = TimeDistributed(layers.GlobalAveragePooling1D())(x, mask=ops.convert_to_tensor(mask))
    assert tuple(y.shape) == (2, 3, 2)
    weights = mask[..., None].astype(np.float64)
    assert_close(y, (x * weights).sum(axis=2) / weights.sum(axis=2), rtol=1e-5)  # masked mean


def test_errors_name_the_layer(rng):
    with pytest.raises(ValueError, match="time_distributed.*rank >= 3"):
        TimeDistributed(layers.Dense(2), name="time_distributed")(rng.standard_normal((2, 3)))
    with pytest.raises(ValueError, match="Layer instance"):
        TimeDistributed(3)
    layer = TimeDistributed(layers.GlobalAveragePooling1D())
    with pytest.raises(ValueError, match="mask must start with"):
        layer(rng.standard_normal((2, 3, 4, 2)), mask=np.ones((2, 4, 4), bool))
