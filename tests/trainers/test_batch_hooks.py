"""fit, evaluate and predict call a batch hook only when some callback implements it, and
a callback that does still gets every batch with the right logs; batches sliced from an
epoch gathered once are the batches gathered one by one."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.backend.common import tree
from lamina.callbacks import Callback, CallbackList, History, LambdaCallback, ProgbarLogger
from lamina.trainers.data_adapters import array_adapter

pytestmark = pytest.mark.training


def data(rng, n=70):
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3


def model(seed=0):
    keras.utils.set_random_seed(seed)
    result = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(1)])
    result.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return result


class BatchLogs(Callback):
    def __init__(self):
        super().__init__()
        self.begins, self.ends = [], []

    def on_train_batch_begin(self, batch, logs=None):
        self.begins.append(batch)

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append((batch, dict(logs)))


class OldStyle(Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_batch_end(self, batch, logs=None):  # Keras's older name still counts
        self.batches.append(batch)


def test_wants_only_hooks_some_callback_implements():
    assert not CallbackList([History(), Callback()]).wants("on_train_batch_end")
    assert CallbackList([BatchLogs()]).wants("on_train_batch_begin")
    assert CallbackList([OldStyle()]).wants("on_train_batch_end")
    assert not CallbackList([OldStyle()]).wants("on_test_batch_end")
    assert CallbackList([ProgbarLogger()]).wants("on_predict_batch_end")
    lambda_callback = LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    assert CallbackList([lambda_callback]).wants("on_train_batch_end")
    assert not CallbackList([lambda_callback]).wants("on_train_batch_begin")


def test_a_hook_set_on_an_instance_later_is_seen_at_train_begin():
    callback, seen = Callback(), []
    callbacks = CallbackList([callback])
    assert not callbacks.wants("on_train_batch_end")
    callback.on_train_batch_end = lambda batch, logs=None: seen.append(batch)
    callbacks.on_train_begin()
    assert callbacks.wants("on_train_batch_end")
    callbacks.on_train_batch_end(4)
    assert seen == [4]


def test_batch_callbacks_get_every_batch_with_its_logs(rng):
    x, y = data(rng)
    spy, old = BatchLogs(), OldStyle()
    lambda_batches = []
    lambda_callback = LambdaCallback(on_train_batch_end=lambda b, logs: lambda_batches.append(b))
    history = model().fit(
        x, y, batch_size=16, epochs=2, verbose=0, callbacks=[spy, old, lambda_callback]
    )
    assert spy.begins == [0, 1, 2, 3, 4] * 2
    assert [batch for batch, _ in spy.ends] == old.batches == lambda_batches == spy.begins
    for _, logs in spy.ends:
        assert sorted(logs) == ["loss", "mae"]
        assert all(isinstance(value, float) for value in logs.values())
    # The last batch's logs are the epoch's running means, as History records them.
    epoch_ends = [logs for batch, logs in spy.ends if batch == 4]
    assert [logs["loss"] for logs in epoch_ends] == pytest.approx(history.history["loss"])
    assert [logs["mae"] for logs in epoch_ends] == pytest.approx(history.history["mae"])


def test_history_is_the_same_with_and_without_batch_callbacks(rng):
    x, y = data(rng)
    np.random.seed(1)
    plain = model().fit(x, y, batch_size=16, epochs=3, verbose=0).history
    np.random.seed(1)
    watched = model().fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[BatchLogs()])
    assert plain.keys() == watched.history.keys()
    for name, values in plain.items():
        assert values == pytest.approx(watched.history[name], rel=1e-6)


def test_evaluate_and_predict_batch_hooks(rng):
    x, y = data(rng)
    trained = model()
    events = []
    callback = LambdaCallback(
        on_test_batch_end=lambda batch, logs: events.append(("test", batch, sorted(logs))),
        on_predict_batch_end=lambda batch, logs: events.append(("predict", batch, list(logs))),
    )
    trained.evaluate(x, y, batch_size=32, verbose=0, callbacks=[callback])
    trained.predict(x, batch_size=32, verbose=0, callbacks=[callback])
    test_events = [("test", batch, ["loss", "mae"]) for batch in range(3)]
    assert events == test_events + [("predict", batch, ["outputs"]) for batch in range(3)]


@pytest.mark.parametrize("shuffle", [True, "batch", False])
def test_epoch_gather_gives_the_batches_of_per_batch_gathers(rng, monkeypatch, shuffle):
    x, y = data(rng)
    weights = rng.random(len(x)).astype("float32")

    def batches():
        adapter = array_adapter.ArrayDataAdapter(
            {"a": x, "b": x[:, :1]}, y, weights, batch_size=16, shuffle=shuffle
        )
        np.random.seed(3)
        to_numpy = keras.ops.convert_to_numpy
        return [tree.map_structure(to_numpy, batch) for batch in adapter.get_iterator()]

    sliced = batches()
    monkeypatch.setattr(array_adapter, "_EPOCH_GATHER_BYTES", 0)
    gathered = batches()
    assert len(sliced) == len(gathered) == 5
    for one, other in zip(sliced, gathered):
        assert isinstance(one, tuple)
        assert sorted(one[0]) == ["a", "b"]
        for name in ("a", "b"):
            np.testing.assert_array_equal(one[0][name], other[0][name])
        for index in (1, 2):
            np.testing.assert_array_equal(one[index], other[index])
