"""fit's callbacks and output, evaluate, predict, *_on_batch, compile options and errors,
each checked against what Keras 3 does."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers

pytestmark = pytest.mark.training


def regression(rng, n=64):
    x = rng.standard_normal((n, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3
    return x, y


def dense(units=1, loss="mse", optimizer="adam", **compile_kwargs):
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(units)])
    model.compile(optimizer=optimizer, loss=loss, **compile_kwargs)
    return model


def two_outputs(dict_outputs=False):
    inputs = keras.Input(shape=(3,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    reg, cls = layers.Dense(1, name="reg")(hidden), layers.Dense(2, name="cls")(hidden)
    return keras.Model(inputs, {"reg": reg, "cls": cls} if dict_outputs else [reg, cls])


def two_targets(rng, n=64):
    x, reg = regression(rng, n)
    return x, reg, (reg[:, 0] > 0).astype("int64")


LOSSES = {"reg": "mse", "cls": "sparse_categorical_crossentropy"}


# ---- fit: output and callbacks ------------------------------------------------------------


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_verbose_output_shape(rng, capsys, verbose):
    dense().fit(*regression(rng), epochs=2, verbose=verbose, validation_split=0.5)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    if verbose == 0:
        assert out == ""
        return
    assert [line for line in lines if line.startswith("Epoch")] == ["Epoch 1/2", "Epoch 2/2"]
    assert ("━" in out) == (verbose == 1)  # verbose=2: one line per epoch, no bar
    if verbose == 2:
        assert len(lines) == 4
        assert lines[1].startswith("1/1 - ")
        assert "val_loss:" in lines[1]


class Spy(keras.callbacks.Callback):
    def __init__(self, stop_at=None):
        super().__init__()
        self.stop_at = stop_at
        self.batch_keys, self.epoch_keys, self.test_keys, self.batches = [], [], [], 0

    def on_train_begin(self, logs=None):
        self.train_params = dict(self.params)

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        self.batch_keys.append(sorted(logs))
        if batch == self.stop_at:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_keys.append(sorted(logs))

    def on_test_end(self, logs=None):
        self.test_keys.append(sorted(logs))


def test_callbacks_get_params_and_logs(rng):
    x, y = regression(rng, n=40)
    spy = Spy()
    dense(metrics=["mae"]).fit(
        x, y, batch_size=10, epochs=2, verbose=2, validation_data=(x, y), callbacks=[spy]
    )
    assert spy.train_params == {"verbose": 2, "epochs": 2, "steps": 4}
    assert spy.batch_keys == [["loss", "mae"]] * 8
    assert spy.epoch_keys == [["loss", "mae", "val_loss", "val_mae"]] * 2


def test_stop_training_ends_the_epoch_after_the_current_batch(rng):
    spy = Spy(stop_at=1)
    history = dense().fit(*regression(rng), batch_size=8, epochs=5, verbose=0, callbacks=[spy])
    assert spy.batches == 2
    assert history.epoch == [0]


# ---- evaluate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [(None, float), (["mae"], ["loss", "mae"]), (["mae", "mse"], ["loss", "mae", "mse"])],
)
def test_evaluate_return_types(rng, metrics, expected):
    x, y = regression(rng)
    model = dense(metrics=metrics)
    result = model.evaluate(x, y, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    if expected is float:
        assert isinstance(result, float)
        assert list(logs) == ["loss"]
        return
    assert list(logs) == expected
    assert result == pytest.approx([logs[name] for name in expected])


def test_evaluate_multi_output_order_follows_keras(rng):
    x, reg, cls = two_targets(rng)
    model = two_outputs()
    model.compile(optimizer="adam", loss=list(LOSSES.values()), metrics=[["mae"], ["acc"]])
    logs = model.evaluate(x, [reg, cls], verbose=0, return_dict=True)
    # Keras 3: the loss, the compiled metrics, then each output's loss.
    order = ["loss", "reg_mae", "cls_acc", "reg_loss", "cls_loss"]
    assert model.evaluate(x, [reg, cls], verbose=0) == pytest.approx([logs[k] for k in order])


def test_evaluate_steps_and_sample_weight(rng):
    x, y = regression(rng, n=40)
    model = dense()
    assert model.evaluate(x, y, batch_size=8, steps=2, verbose=0) == pytest.approx(
        model.evaluate(x[:16], y[:16], verbose=0)
    )
    # Keras's "sum_over_batch_size": weighted losses are divided by the sample count,
    # not by the sum of the weights.
    weights = (np.arange(40) < 10).astype("float32")
    assert model.evaluate(x, y, sample_weight=weights, verbose=0) == pytest.approx(
        model.evaluate(x[:10], y[:10], verbose=0) * 10 / 40, rel=1e-5
    )


# ---- predict ------------------------------------------------------------------------------


@pytest.mark.parametrize(("batch_size", "steps", "rows"), [(3, None, 10), (7, None, 10), (4, 2, 8)])
def test_predict_batching(rng, batch_size, steps, rows):
    x, _ = regression(rng, n=10)
    model = dense()
    predicted = model.predict(x, batch_size=batch_size, steps=steps, verbose=0)
    assert predicted.shape == (rows, 1)
    np.testing.assert_allclose(predicted, model.predict_on_batch(x)[:rows], rtol=1e-6)


@pytest.mark.parametrize("dict_outputs", [False, True])
def test_predict_multi_output_structure(rng, dict_outputs):
    x, _ = regression(rng, n=10)
    predicted = two_outputs(dict_outputs).predict(x, batch_size=4, verbose=0)
    if dict_outputs:
        assert set(predicted) == {"reg", "cls"}
        assert predicted["reg"].shape == (10, 1)
        assert predicted["cls"].shape == (10, 2)
    else:
        assert isinstance(predicted, list)
        assert [p.shape for p in predicted] == [(10, 1), (10, 2)]


# ---- single batches -----------------------------------------------------------------------


def test_on_batch_methods_with_weights_and_return_dict(rng):
    x, y = regression(rng, n=16)
    model = dense(metrics=["mae"], optimizer="sgd")
    weights = np.r_[np.ones(8), np.zeros(8)].astype("float32")
    half = model.test_on_batch(x[:8], y[:8], return_dict=True)
    model.reset_metrics()
    weighted = model.test_on_batch(x, y, sample_weight=weights, return_dict=True)
    assert weighted["loss"] == pytest.approx(half["loss"] / 2, rel=1e-5)  # 8 of 16 count
    assert weighted["mae"] != pytest.approx(half["mae"])  # `metrics` ignore sample weights
    model.reset_metrics()
    loss, mae = model.train_on_batch(x, y, sample_weight=weights)
    assert loss == pytest.approx(half["loss"] / 2, rel=1e-5)
    assert isinstance(model.predict_on_batch(x), np.ndarray)
    losses = [model.train_on_batch(x, y) for _ in range(20)]
    assert losses[-1][0] < losses[0][0]


# ---- compile ------------------------------------------------------------------------------


@pytest.mark.parametrize("as_dict", [False, True])
def test_loss_weights_scale_the_total(rng, as_dict):
    x, reg, cls = two_targets(rng)
    model = two_outputs()
    loss_weights = {"reg": 0.5, "cls": 2.0} if as_dict else [0.5, 2.0]
    model.compile(optimizer="adam", loss=LOSSES, loss_weights=loss_weights)
    logs = model.evaluate(x, {"reg": reg, "cls": cls}, verbose=0, return_dict=True)
    # As Keras 3, each output's loss is logged unweighted; the total is the weighted sum.
    plain = two_outputs()
    plain.set_weights(model.get_weights())
    plain.compile(optimizer="adam", loss=LOSSES)
    unweighted = plain.evaluate(x, [reg, cls], verbose=0, return_dict=True)
    assert logs["reg_loss"] == pytest.approx(unweighted["reg_loss"], rel=1e-5)
    assert logs["cls_loss"] == pytest.approx(unweighted["cls_loss"], rel=1e-5)
    expected = 0.5 * logs["reg_loss"] + 2.0 * logs["cls_loss"]
    assert logs["loss"] == pytest.approx(expected, rel=1e-5)


def test_weighted_metrics_use_sample_weights(rng):
    x, y = regression(rng, n=20)
    model = dense(metrics=["mae"], weighted_metrics=["mae"])
    weights = (np.arange(20) < 5).astype("float32")
    logs = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    head = model.evaluate(x[:5], y[:5], verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "weighted_mae"]
    assert logs["weighted_mae"] == pytest.approx(head["mae"], rel=1e-5)
    assert logs["mae"] != pytest.approx(head["mae"])


@pytest.mark.parametrize(
    "metrics",
    [{"reg": "mae", "cls": ["acc", "crossentropy"]}, [["mae"], ["acc", "crossentropy"]]],
)
def test_metrics_per_output(rng, metrics):
    x, reg, cls = two_targets(rng)
    model = two_outputs()
    model.compile(optimizer="adam", loss=LOSSES, metrics=metrics)
    logs = model.evaluate(x, {"reg": reg, "cls": cls}, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "reg_loss", "cls_loss", "reg_mae", "cls_acc", "cls_crossentropy"}


def _mae(labels, probabilities):
    return np.mean(np.abs(labels - probabilities))


def _accuracy(labels, probabilities):
    return np.mean(np.argmax(probabilities, -1) == labels[:, 0])


def _crossentropy(labels, probabilities):
    return -np.mean(np.log(probabilities[np.arange(len(labels)), labels[:, 0]]))


@pytest.mark.parametrize(
    ("metric", "name", "reference"),
    [
        ("mae", "mae", _mae),
        ("acc", "acc", _accuracy),
        ("crossentropy", "crossentropy", _crossentropy),
        (keras.metrics.SparseCategoricalAccuracy(name="hits"), "hits", _accuracy),
    ],
)
def test_metric_names_and_objects(rng, metric, name, reference):
    x = rng.standard_normal((30, 3)).astype("float32")
    labels = (np.arange(30) % 3).reshape(-1, 1)
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[metric])
    logs = model.evaluate(x, labels, verbose=0, return_dict=True)
    assert list(logs) == sorted(["loss", name])  # Keras 3 sorts log keys
    expected = reference(labels, model.predict(x, verbose=0).astype("float64"))
    assert logs[name] == pytest.approx(expected, rel=1e-5)


def test_recompiling_keeps_weights_and_resets_metrics_and_optimizer(rng):
    x, y = regression(rng)
    model = dense(metrics=["mae"])
    model.fit(x, y, epochs=2, verbose=0)
    trained = model.get_weights()
    assert int(model.optimizer.iterations.numpy()) == 4
    model.compile(optimizer="adam", loss="mse", metrics=["mse"])
    assert int(model.optimizer.iterations.numpy()) == 0
    for before, after in zip(trained, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert list(model.evaluate(x, y, verbose=0, return_dict=True)) == ["loss", "mse"]
    history = model.fit(x, y, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "mse"]


# ---- errors -------------------------------------------------------------------------------


def test_fit_before_compile(rng):
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="compile"):
        model.fit(*regression(rng), verbose=0)


def test_targets_missing_for_a_compiled_loss(rng):
    x, _ = regression(rng)
    with pytest.raises(ValueError, match="target"):
        dense().fit(x, verbose=0)


@pytest.mark.parametrize("targets", ["three", "bad_key"])
def test_mismatched_multi_output_targets(rng, targets):
    x, reg, cls = two_targets(rng)
    model = two_outputs()
    model.compile(optimizer="adam", loss=LOSSES)
    y = [reg, cls, cls] if targets == "three" else {"reg": reg, "clss": cls}
    with pytest.raises(ValueError, match="output"):
        model.fit(x, y, verbose=0)


@pytest.mark.parametrize("split", [1.5, -0.2, 1.0])
def test_bad_validation_split(rng, split):
    with pytest.raises(ValueError, match="validation_split"):
        dense().fit(*regression(rng), validation_split=split, verbose=0)


def test_validation_split_needs_arrays(rng):
    x, y = regression(rng)
    batches = ((x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16))
    with pytest.raises(ValueError, match="validation_split"):
        dense().fit(batches, validation_split=0.2, verbose=0)


@pytest.mark.parametrize("batch_size", [-1, 0, 2.5, "32"])
def test_bad_batch_size(rng, batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        dense().fit(*regression(rng), batch_size=batch_size, verbose=0)
