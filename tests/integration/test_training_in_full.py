"""Issue 8's end-to-end training check: a two-output model with a dict of losses, loss
weights, weighted metrics and per-output sample weights trains under EarlyStopping,
ReduceLROnPlateau, CSVLogger, TensorBoard and BackupAndRestore, leaves the right files, and
a run killed mid-epoch then restarted ends with the uninterrupted run's weights."""

from __future__ import annotations

import csv

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers

event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator",
    reason="the tensorboard package is not installed",
)
pytestmark = pytest.mark.training

RNG = np.random.default_rng(12)
X = RNG.normal(size=(96, 6)).astype("float32")
Y = {
    "price": (X[:, :2].sum(axis=1, keepdims=True) + 0.1).astype("float32"),
    "kind": (X[:, 2] > 0).astype("int32") + (X[:, 3] > 1).astype("int32"),
}
WEIGHTS = {"price": np.ones(96, "float32"), "kind": RNG.uniform(0.5, 1.5, 96).astype("float32")}
EPOCHS = 4


def _model():
    lamina.utils.set_random_seed(3)
    inputs = lamina.Input((6,), name="features")
    hidden = layers.Dense(16, activation="relu")(inputs)
    hidden = layers.Dropout(0.1)(hidden)
    price = layers.Dense(1, name="price")(hidden)
    kind = layers.Dense(3, activation="softmax", name="kind")(hidden)
    model = lamina.Model(inputs, {"price": price, "kind": kind})
    model.compile(
        optimizer=lamina.optimizers.Adam(0.01),
        loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
        loss_weights={"price": 1.0, "kind": 0.5},
        metrics={"price": ["mae"]},
        weighted_metrics={"kind": ["accuracy"]},
    )
    return model


class _Interrupt(callbacks.Callback):
    """Raises once, in the middle of epoch ``epoch``, as a killed run would stop."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at, self.epoch = (epoch, batch), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise RuntimeError("killed")


def _fit(model, folder, extra=()):
    folder.mkdir(parents=True, exist_ok=True)
    return model.fit(
        X,
        Y,
        sample_weight=WEIGHTS,
        batch_size=16,
        epochs=EPOCHS,
        validation_split=0.25,
        shuffle=False,
        verbose=0,
        callbacks=[
            callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=False),
            callbacks.ReduceLROnPlateau(monitor="val_loss", patience=1, factor=0.5),
            callbacks.CSVLogger(str(folder / "log.csv")),
            callbacks.TensorBoard(str(folder / "tensorboard")),
            callbacks.BackupAndRestore(str(folder / "backup")),
            *extra,
        ],
    )


def test_two_output_model_trains_and_leaves_the_files(tmp_path):
    history = _fit(_model(), tmp_path)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    assert {"price_loss", "kind_loss", "price_mae", "kind_accuracy", "val_loss"} <= set(
        history.history
    )
    with open(tmp_path / "log.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(losses)
    assert [int(row["epoch"]) for row in rows] == list(range(len(losses)))
    np.testing.assert_allclose([float(row["loss"]) for row in rows], losses, rtol=1e-5)
    accumulator = event_accumulator.EventAccumulator(str(tmp_path / "tensorboard" / "train"))
    accumulator.Reload()
    logged = [event.value for event in accumulator.Scalars("epoch_loss")]
    np.testing.assert_allclose(logged, losses, rtol=1e-5)
    assert not (tmp_path / "backup").exists() or not any((tmp_path / "backup").iterdir())


def test_killed_run_restarts_to_the_uninterrupted_weights(tmp_path):
    reference = _model()
    _fit(reference, tmp_path / "reference")
    interrupted = _model()
    with pytest.raises(RuntimeError, match="killed"):
        _fit(interrupted, tmp_path / "run", extra=[_Interrupt(epoch=2, batch=1)])
    resumed = _model()  # a fresh process would rebuild the model, then fit again
    _fit(resumed, tmp_path / "run")
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
