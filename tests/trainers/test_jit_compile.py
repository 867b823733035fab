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
    "ignore::DeprecationWarning",  # from torch.compile internals
    "ignore::UserWarning",
    # ... but a step that could not be captured as a CUDA graph (it then runs eagerly and
    # would pass as a graph run) fails the test: the later filter takes precedence.
    "error:jit_compile. this step could not be captured as a CUDA graph:UserWarning",
)
def test_jit_compile_matches_eager(rng):
    x = rng.standard_normal((64, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0).astype("int64")
    start, eager_history, eager_weights = train(False, None, x, y)
    _, jit_history, jit_weights = train(True, start, x, y)
    for key, values in eager_history.items():
        np.testing.assert_allclose(jit_history[key], values, rtol=1e-5, atol=1e-6)
    for got, want in zip(jit_weights, eager_weights):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.training
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_jit_compile_with_seeded_dropout_between_dense_layers(rng):
    """Issue 8: on torch, a seeded Dropout breaks the compiled graph (it makes a
    torch.Generator); the resumed layer calls used to take Dropout's call signature, and
    the next Dense got ``training=``."""
    x = rng.standard_normal((32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                              layers.Dropout(0.5, seed=1), layers.Dense(1)])  # fmt: skip
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], jit_compile=True)
    start = model.get_weights()
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0).history
    assert set(history) == {"loss", "mae"}
    assert np.isfinite(history["loss"] + history["mae"]).all()
    assert any(not np.allclose(a, b) for a, b in zip(start, model.get_weights()))
    np.testing.assert_allclose(
        model.predict(x, verbose=0),
        keras.ops.convert_to_numpy(model(x, training=False)),
        rtol=1e-5,
        atol=1e-6,
    )


def test_an_uncompiled_model_predicts_compiled_where_the_engine_compiles_by_default(rng):
    """As Keras: before compile, jit_compile is the engine's default ("auto": JAX and
    TensorFlow compile predict, torch and NumPy run eagerly), and predict follows it."""
    from lamina import backend

    model = keras.Sequential([keras.Input((6,)), layers.Dense(4, activation="tanh")])
    expected = backend.engine.trainer.default_jit_compile()
    assert model.jit_compile is expected
    x = rng.standard_normal((10, 6)).astype("float32")
    eager = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(
        model.predict(x, batch_size=4, verbose=0), eager, rtol=1e-5, atol=1e-6
    )
    if expected:
        assert model.predict_function is not model.predict_step  # a compiled step
    model.jit_compile = False  # the setter, as Keras's: predict then runs eagerly
    assert model.predict_function is None
    assert model.jit_compile is False
    np.testing.assert_allclose(
        model.predict(x, batch_size=4, verbose=0), eager, rtol=1e-5, atol=1e-6
    )
    assert model.predict_function == model.predict_step
