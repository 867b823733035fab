"""compile(jit_compile=True) trains exactly like the eager loop (torch: torch.compile on the
CPU from the second step, CUDA graphs on a GPU)."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers


def train(jit_compile, weights, x, y):
    model = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])  # fmt: skip
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)  # fmt: skip
    if weights is not None:
        model.set_weights(weights)
    start = model.get_weights()
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    return start, history.history, model.get_weights()


@pytest.mark.training
@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::UserWarning"
)  # from torch.compile internals
def test_jit_compile_matches_eager(rng):
    x = rng.standard_normal((64, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0).astype("int64")
    start, eager_history, eager_weights = train(False, None, x, y)
    _, jit_history, jit_weights = train(True, start, x, y)
    for key, values in eager_history.items():
        np.testing.assert_allclose(jit_history[key], values, rtol=1e-5, atol=1e-6)
    for got, want in zip(jit_weights, eager_weights):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
