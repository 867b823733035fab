import numpy as np
import pytest

from lamina import backend
from lamina.callbacks import EarlyStopping
from tests.callbacks.fake_model import FakeModel


def run(callback, values, monitor="val_loss", model=None):
    """Feeds one value per epoch; each epoch writes its index into the weights."""
    model = model or FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    epochs_run = 0
    for epoch, value in enumerate(values):
        model.weights = [np.full((2, 2), epoch, float), np.full(2, epoch, float)]
        callback.on_epoch_end(epoch, {monitor: value})
        epochs_run += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return model, epochs_run


def test_stops_after_patience_epochs_without_improvement():
    model, epochs_run = run(EarlyStopping(patience=2), [1.0, 0.5, 0.6, 0.7, 0.1])
    assert model.stop_training
    assert epochs_run == 4


def test_min_delta_counts_small_gains_as_none():
    _, epochs_run = run(EarlyStopping(patience=1, min_delta=0.1), [1.0, 0.95, 0.92, 0.5])
    assert epochs_run == 2


def test_accuracy_is_maximised_in_auto_mode():
    _, epochs_run = run(
        EarlyStopping(monitor="accuracy", patience=1), [0.5, 0.6, 0.7, 0.65], "accuracy"
    )
    assert epochs_run == 4
    with pytest.raises(ValueError, match="mode='max'"):
        run(EarlyStopping(monitor="val_weird"), [1.0], "val_weird")


def test_restores_best_weights(capsys):
    callback = EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    model, _ = run(callback, [1.0, 0.2, 0.5, 0.6])
    assert callback.best_epoch == 1
    np.testing.assert_array_equal(model.weights[0], np.full((2, 2), 1.0))
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "best epoch: 2" in out


def test_baseline_and_start_from_epoch():
    _, epochs_run = run(EarlyStopping(patience=2, baseline=0.1), [1.0, 1.1, 1.2, 1.3])
    assert epochs_run == 2  # the wait counts from the first epoch, which missed the baseline
    _, epochs_run = run(EarlyStopping(patience=0, start_from_epoch=2), [1.0, 2.0, 3.0, 4.0])
    assert epochs_run == 4  # epochs 0 and 1 are warm-up; epoch 2 sets the best


def test_device_tensor_logs_are_read():
    losses = [backend.convert_to_tensor(1.0), backend.convert_to_tensor(2.0)]
    model, epochs_run = run(EarlyStopping(patience=0), losses)
    assert model.stop_training
    assert epochs_run == 2


def test_missing_metric_warns_and_unknown_mode_falls_back():
    with pytest.warns(UserWarning, match="not available"):
        run(EarlyStopping(monitor="val_loss"), [1.0], monitor="loss")
    with pytest.warns(UserWarning, match="unknown"):
        assert EarlyStopping(mode="bogus").mode == "auto"
