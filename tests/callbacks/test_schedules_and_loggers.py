import csv

import numpy as np
import pytest

from lamina.callbacks import (
    CSVLogger,
    LearningRateScheduler,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from tests.callbacks.fake_model import FakeModel


def test_terminate_on_nan(capsys):
    model = FakeModel()
    callback = TerminateOnNaN()
    callback.set_model(model)
    callback.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    callback.on_train_batch_end(1, {"loss": float("nan")})
    assert model.stop_training
    assert "Batch 1: Invalid loss" in capsys.readouterr().out


def test_terminate_on_nan_can_raise():
    model = FakeModel()
    callback = TerminateOnNaN(raise_error=True)
    callback.set_model(model)
    callback.on_train_batch_end(0, {"loss": 1.0})
    with pytest.raises(RuntimeError, match="batch 1"):
        callback.on_train_batch_end(1, {"loss": float("inf")})
    assert not model.stop_training


def test_learning_rate_scheduler_new_and_old_signatures():
    model = FakeModel()
    callback = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    callback.set_model(model)
    callback.on_epoch_begin(0)
    assert model.optimizer.learning_rate == pytest.approx(0.05)
    logs = {}
    callback.on_epoch_end(0, logs)
    assert logs["learning_rate"] == pytest.approx(0.05)

    old = LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    old.set_model(model)
    old.on_epoch_begin(2)
    assert model.optimizer.learning_rate == pytest.approx(0.03)

    bad = LearningRateScheduler(lambda epoch, lr: "fast")
    bad.set_model(model)
    with pytest.raises(ValueError, match="should be a float"):
        bad.on_epoch_begin(0)


def test_reduce_lr_on_plateau():
    model = FakeModel()
    callback = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2, min_lr=0.02)
    callback.set_model(model)
    callback.on_train_begin()
    rates = []
    for epoch, loss in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        rates.append(model.optimizer.learning_rate)
    assert rates == pytest.approx([0.1, 0.05, 0.05, 0.025, 0.025, 0.02])
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=1.5)


def test_csv_logger(tmp_path):
    path = tmp_path / "log.csv"
    callback = CSVLogger(path)
    callback.on_train_begin()
    callback.on_epoch_end(0, {"loss": 0.5, "accuracy": np.float32(0.75)})
    callback.on_epoch_end(1, {"loss": 0.25, "accuracy": 0.875, "val_loss": 0.3})
    callback.on_train_end()
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert rows[1] == ["0", "0.75", "0.5", "NA", "NA"]
    assert rows[2] == ["1", "0.875", "0.25", "NA", "0.3"]

    again = CSVLogger(path, append=True)
    again.on_train_begin()
    again.on_epoch_end(0, {"loss": 0.1})
    again.on_train_end()
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 4  # no second header
