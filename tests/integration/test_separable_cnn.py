"""A depthwise-separable CNN (SeparableConv2D blocks, pooling, Dense) trains with a falling
loss and comes back whole from a .keras file."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers


def separable_cnn():
    return keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            layers.SeparableConv2D(8, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.SeparableConv2D(8, 3, padding="same", depth_multiplier=2, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2, activation="softmax"),
        ]
    )


def bright_or_dark(rng, n=32):
    """Label 1 where the first channel is bright on average: learnable in a few steps."""
    x = rng.standard_normal((n, 8, 8, 3)).astype("float32")
    y = (x[..., 0].mean(axis=(1, 2)) > 0).astype("int32")
    x[..., 0] += np.where(y == 1, 0.5, -0.5)[:, None, None]
    return x, y


@pytest.mark.training
def test_separable_cnn_trains_and_round_trips_through_a_keras_file(tmp_path, rng):
    x, y = bright_or_dark(rng)
    model = separable_cnn()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0], losses
    first = model.layers[0]
    weights = ("depthwise_kernel", "pointwise_kernel", "bias")
    assert [v.path for v in first.weights] == [f"{first.name}/{name}" for name in weights]
    model.save(tmp_path / "separable.keras")
    loaded = keras.saving.load_model(tmp_path / "separable.keras")
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6
    )
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Training continues from the restored optimizer state: one more step agrees.
    model.train_on_batch(x[:8], y[:8])
    loaded.train_on_batch(x[:8], y[:8])
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
