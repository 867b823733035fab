"""Callbacks read and change the real weights at every batch boundary, on every engine that
trains (Keras 3 on JAX shows callbacks stale weights during an epoch: its issue #19054), and
``set_random_seed`` makes a training run repeat exactly, dropout included."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers

pytestmark = pytest.mark.training


def regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype="float32")


def small_model(optimizer="sgd", dropout=0.0):
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dropout(dropout),
         layers.Dense(1)]
    )  # fmt: skip
    model.compile(optimizer=optimizer, loss="mse")
    return model


def test_callback_sees_the_weights_of_every_step():
    x, y = regression()
    model = small_model(keras.optimizers.SGD(0.05))
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(model.get_weights()[0])
    )
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[record], shuffle=False)
    assert len(seen) == 8
    for before, after in zip(seen, seen[1:]):
        assert not np.array_equal(before, after)  # every step's update is visible at once
    np.testing.assert_array_equal(seen[-1], model.get_weights()[0])


def test_weights_set_by_a_callback_are_the_ones_training_continues_from():
    x, y = regression()
    model = small_model(keras.optimizers.SGD(0.0))  # steps change nothing themselves
    model.build((None, 4))
    target = [np.full(w.shape, 0.25, dtype=w.dtype) for w in model.get_weights()]

    def on_batch_begin(batch, logs):
        if batch == 2:
            model.set_weights(target)

    reset = keras.callbacks.LambdaCallback(on_train_batch_begin=on_batch_begin)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[reset])
    for actual, expected in zip(model.get_weights(), target):
        np.testing.assert_array_equal(actual, expected)


def test_loss_after_a_callback_reset_is_the_loss_of_the_reset_weights():
    x, y = regression()
    model = small_model(keras.optimizers.SGD(0.0))
    model.build((None, 4))
    target = [np.full(w.shape, 0.1, dtype=w.dtype) for w in model.get_weights()]
    losses = []

    def on_batch_begin(batch, logs):
        if batch == 1:
            model.set_weights(target)

    def on_batch_end(batch, logs):
        losses.append(logs["loss"])

    callback = keras.callbacks.LambdaCallback(
        on_train_batch_begin=on_batch_begin, on_train_batch_end=on_batch_end
    )
    model.fit(x[:32], y[:32], batch_size=16, epochs=1, verbose=0, callbacks=[callback],
              shuffle=False)  # fmt: skip
    probe = small_model()
    probe.set_weights(target)
    second_batch_loss = probe.evaluate(x[16:32], y[16:32], verbose=0)
    # logs["loss"] is the running mean over the epoch's batches.
    first = losses[0]
    np.testing.assert_allclose((first + second_batch_loss) / 2, losses[1], rtol=1e-5)


def test_early_stopping_restores_the_best_weights():
    x, y = regression()
    model = small_model(keras.optimizers.SGD(0.01))
    per_epoch = []
    spy = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: per_epoch.append(model.get_weights())
    )
    # min_delta larger than any change: only the first epoch counts as an improvement.
    stopper = keras.callbacks.EarlyStopping(
        monitor="loss", patience=1, restore_best_weights=True, min_delta=1e6
    )
    history = model.fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[spy, stopper])
    assert len(history.history["loss"]) == 2
    assert not np.array_equal(per_epoch[0][0], per_epoch[1][0])
    for actual, expected in zip(model.get_weights(), per_epoch[0]):
        np.testing.assert_array_equal(actual, expected)


def _train_once(seed):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    x, y = regression()
    model = small_model(keras.optimizers.Adam(0.01), dropout=0.5)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model.get_weights()


def test_set_random_seed_makes_training_repeat_exactly():
    first, second, other = _train_once(11), _train_once(11), _train_once(12)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, c) for a, c in zip(first, other))
