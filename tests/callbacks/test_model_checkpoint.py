import os

import pytest

from lamina import backend
from lamina.callbacks import ModelCheckpoint
from tests.callbacks.fake_model import FakeModel


def fit(callback, losses, steps=2, monitor="val_loss"):
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(losses):
        callback.on_epoch_begin(epoch)
        for step in range(steps):
            callback.on_train_batch_end(step, {"loss": value})
        callback.on_epoch_end(epoch, {"loss": value, monitor: value})
    return model.saved


def test_formats_epoch_and_metrics_in_the_path(tmp_path):
    pattern = str(tmp_path / "sub" / "ckpt-{epoch:02d}-{val_loss:.2f}.weights.h5")
    saved = fit(ModelCheckpoint(pattern, save_weights_only=True), [0.5, 0.25])
    assert saved == [
        ("weights", str(tmp_path / "sub" / "ckpt-01-0.50.weights.h5")),
        ("weights", str(tmp_path / "sub" / "ckpt-02-0.25.weights.h5")),
    ]
    assert os.path.isdir(tmp_path / "sub")


def test_save_best_only(tmp_path, capsys):
    path = str(tmp_path / "best.keras")
    callback = ModelCheckpoint(path, save_best_only=True, verbose=1)
    saved = fit(callback, [0.5, 0.7, 0.3])
    assert saved == [("model", path), ("model", path)]
    assert callback.best == pytest.approx(0.3)
    out = capsys.readouterr().out
    assert "val_loss improved from inf to 0.50000" in out
    assert "val_loss did not improve from 0.50000" in out


def test_max_mode_and_initial_threshold(tmp_path):
    path = str(tmp_path / "m.keras")
    callback = ModelCheckpoint(
        path, monitor="val_accuracy", save_best_only=True, initial_value_threshold=0.6
    )
    assert callback.mode == "max"
    saved = fit(callback, [0.5, 0.7, 0.65], monitor="val_accuracy")
    assert saved == [("model", path)]


def test_save_freq_in_batches(tmp_path):
    path = str(tmp_path / "b-{epoch}-{batch}.keras")
    saved = fit(ModelCheckpoint(path, save_freq=3), [1.0, 1.0], steps=2)
    assert [p for _, p in saved] == [str(tmp_path / "b-2-1.keras")]


def test_device_tensor_logs(tmp_path):
    path = str(tmp_path / "{val_loss:.1f}.keras")
    callback = ModelCheckpoint(path, save_best_only=True)
    saved = fit(callback, [backend.convert_to_tensor(0.5)])
    assert saved == [("model", str(tmp_path / "0.5.keras"))]


@pytest.mark.parametrize(
    ("filepath", "kwargs", "message"),
    [
        ("model.h5", {}, r"must end in `\.keras`"),
        ("model.keras", {"save_weights_only": True}, r"must end in `\.weights\.h5`"),
        ("model.keras", {"save_freq": "batch"}, "save_freq"),
    ],
)
def test_bad_arguments(filepath, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ModelCheckpoint(filepath, **kwargs)


def test_missing_monitor_warns(tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "x.keras"), monitor="val_auc", save_best_only=True)
    callback.set_model(FakeModel())
    with pytest.warns(UserWarning, match="val_auc available"):
        callback.on_epoch_end(0, {"loss": 1.0})
    with pytest.raises(KeyError, match="Failed to format"):
        ModelCheckpoint(str(tmp_path / "{nope}.keras")).on_epoch_end(0, {})
