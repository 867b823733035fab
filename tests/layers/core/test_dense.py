import numpy as np
import pytest

import lamina as keras
from lamina.layers import Dense
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
)


def test_dense_matches_numpy(rng):
    x, layer = rng.standard_normal((4, 3)).astype("float32"), Dense(5, activation="tanh")
    y = layer(x)  # the first call builds the weights
    kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
    assert_close(y, np.tanh(x @ kernel + bias), rtol=1e-5, atol=1e-6)


def test_dense_on_3d_input(rng):
    x, layer = rng.standard_normal((2, 4, 3)).astype("float32"), Dense(2)
    y = layer(x)
    kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
    assert_close(y, x @ kernel + bias, atol=1e-5)


def test_dense_gradients_match_finite_differences(rng):
    x = rng.standard_normal((3, 4))
    layer = Dense(2, activation="sigmoid", dtype="float64")
    layer(x)
    kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())

    def reference(x, kernel, bias):
        return 1.0 / (1.0 + np.exp(-(x @ kernel + bias)))

    got = engine_gradients(layer, [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, kernel, bias])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-8)


def test_dense_weights_order_and_names():
    layer = Dense(3)
    layer.build((None, 2))
    assert [v.path for v in layer.weights] == ["dense/kernel", "dense/bias"]
    assert [w.shape for w in layer.get_weights()] == [(2, 3), (3,)]


def test_dense_config_roundtrip():
    layer = Dense(7, activation="relu", use_bias=False, kernel_regularizer="l2")
    clone = check_config_roundtrip(layer)
    assert clone.units == 7
    assert not clone.use_bias


def test_dense_wrong_last_dimension_after_build(rng):
    layer = Dense(2)
    layer(rng.standard_normal((1, 3)).astype("float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(rng.standard_normal((1, 4)).astype("float32"))


@pytest.mark.parametrize("units", [0, -1, 2.5, "3"])
def test_dense_rejects_bad_units(units):
    with pytest.raises(ValueError, match="units must be a positive integer"):
        Dense(units)


def test_dense_symbolic_shape():
    out = Dense(4)(keras.Input((None, 3)))
    assert out.shape == (None, None, 4)


def test_dense_casts_float64_arrays_to_its_compute_dtype(rng):
    # As Keras: ops keep a float64 array float64, a layer computes in its compute dtype.
    x, layer = rng.standard_normal((4, 3)), Dense(2)
    y = layer(x)
    kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
    assert keras.ops.dtype(y) == "float32"
    assert_close(y, x.astype(np.float32) @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_dense_without_autocast_promotes_mixed_dtypes_as_matmul_and_add(rng):
    # float64 inputs and float32 weights: no fused kernel applies; the result promotes.
    x, layer = rng.standard_normal((4, 3)), Dense(2, autocast=False)
    y = layer(x)
    kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
    unfused = keras.ops.add(keras.ops.matmul(x, layer.kernel), layer.bias)
    assert keras.ops.dtype(y) == keras.ops.dtype(unfused)  # float64 where the engine has it
    assert_close(y, x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_engine_fused_matmul_add_agrees_with_matmul_and_add(rng):
    from lamina.backend import engine

    fused = getattr(engine.nn, "matmul_add", None)
    if fused is None:
        pytest.skip(f"the {keras.backend.backend()} engine has no fused matmul_add")
    x, kernel, bias = (rng.standard_normal(s).astype("float32") for s in ((4, 3), (3, 2), (2,)))
    assert_close(fused(x, kernel, bias), x.astype(np.float64) @ kernel + bias, atol=1e-5)
    # Calls it cannot fuse are declined (None), for Dense's matmul + add to run.
    assert fused(x[None], kernel, bias) is None
    assert fused(keras.ops.convert_to_tensor(x, "float64"), kernel, bias) is None
