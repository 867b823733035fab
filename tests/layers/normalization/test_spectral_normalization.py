import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.layers import SpectralNormalization
from tests.harness import assert_close, check_config_roundtrip


def power_iteration(kernel, u, iterations):
    """Keras's update in float64: (new u, kernel / estimated largest singular value)."""
    weights = kernel.reshape(-1, kernel.shape[-1])
    for _ in range(iterations):
        v = u @ weights.T
        v = v / np.linalg.norm(v)
        u = v @ weights
        u = u / np.linalg.norm(u)
    sigma = (v @ weights @ u.T).item()
    return u, kernel / sigma


@pytest.mark.parametrize(
    ("make", "shape"),
    [(lambda: layers.Dense(4, dtype="float64"), (3, 5)),
     (lambda: layers.Conv1D(3, 2, dtype="float64"), (2, 6, 4))],
    ids=["dense", "conv1d"],
)  # fmt: skip
def test_training_call_normalizes_the_kernel_like_numpy(rng, make, shape):
    inner = make()
    layer = SpectralNormalization(inner, power_iterations=3, dtype="float64")
    x = rng.standard_normal(shape)
    layer(x)  # builds; inference leaves the kernel alone
    kernel = np.array(inner.kernel.numpy(), np.float64)
    u = np.array(layer.vector_u.numpy(), np.float64)
    assert_close(inner.kernel.numpy(), kernel)
    y = layer(x, training=True)
    want_u, want_kernel = power_iteration(kernel, u, 3)
    assert_close(layer.vector_u.numpy(), want_u, rtol=1e-6, atol=1e-9)
    assert_close(inner.kernel.numpy(), want_kernel, rtol=1e-6, atol=1e-9)
    assert_close(y, inner(x))
    for _ in range(8):
        layer(x, training=True)
    kernel = np.array(inner.kernel.numpy(), np.float64)
    singular_values = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]))[1]
    assert singular_values[0] == pytest.approx(1.0, rel=1e-3)  # the power iteration converged


def test_weights_names_and_order_match_keras():
    layer = SpectralNormalization(layers.Dense(3))
    layer.build((None, 4))
    assert [v.path for v in layer.weights] == [
        "spectral_normalization/dense/kernel",
        "spectral_normalization/vector_u",
        "spectral_normalization/dense/bias",
    ]
    assert [v.trainable for v in layer.weights] == [True, False, True]
    assert layer.vector_u.shape == (1, 3)


def test_embedding_is_normalized_too(rng):
    layer = SpectralNormalization(layers.Embedding(6, 3))
    ids = np.array([[1, 2, 5]])
    assert tuple(layer(ids, training=True).shape) == (1, 3, 3)


def test_config_symbolic_shape_and_errors(rng):
    layer = SpectralNormalization(layers.Dense(2), power_iterations=2)
    clone = check_config_roundtrip(layer)
    assert isinstance(clone.layer, layers.Dense)
    assert clone.power_iterations == 2
    assert layer(keras.Input((5,))).shape == (None, 2)
    with pytest.raises(ValueError, match="power_iterations=0"):
        SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="neither"):
        SpectralNormalization(layers.LayerNormalization())(rng.standard_normal((2, 3)))
    with pytest.raises(ValueError, match="Layer instance"):
        SpectralNormalization("dense")


def test_an_all_zero_kernel_stays_zero(rng):
    inner = layers.Dense(3, kernel_initializer="zeros")
    layer = SpectralNormalization(inner)
    layer(rng.standard_normal((2, 4)), training=True)
    assert not np.isnan(layer.vector_u.numpy()).any()
    assert_close(inner.kernel.numpy(), np.zeros((4, 3)))


@pytest.mark.training
def test_fit_updates_the_kernel_and_keeps_it_near_spectral_norm_one(rng):
    x = rng.standard_normal((16, 5, 4)).astype("float32")
    y = rng.standard_normal((16, 5, 2)).astype("float32")
    inputs = keras.Input((5, 4))
    wrapped = layers.TimeDistributed(SpectralNormalization(layers.Dense(2), power_iterations=4))
    model = keras.Model(inputs, wrapped(inputs))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    kernel = np.asarray(wrapped.layer.layer.kernel.numpy(), np.float64)
    assert np.linalg.svd(kernel)[1][0] == pytest.approx(1.0, rel=0.05)
