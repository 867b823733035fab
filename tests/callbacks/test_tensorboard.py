import os

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import Callback, TensorBoard

event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator",
    reason="the tensorboard package is not installed",
)


class LogRecorder(Callback):
    """Keeps the logs every hook hands over, converted to floats."""

    def __init__(self):
        super().__init__()
        self.epochs, self.batches = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append({key: float(value) for key, value in logs.items()})

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs))


def read(folder):
    accumulator = event_accumulator.EventAccumulator(
        str(folder), size_guidance={event_accumulator.HISTOGRAMS: 0}
    )
    accumulator.Reload()
    return accumulator


def scalars(accumulator, tag):
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def train(log_dir, epochs=2, **kwargs):
    lamina.utils.set_random_seed(1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 3)).astype("float32")
    y = rng.standard_normal((12, 1)).astype("float32")
    model = lamina.Sequential([layers.Input((3,)), layers.Dense(2), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    recorder = LogRecorder()
    model.fit(
        x, y, batch_size=4, epochs=epochs, validation_data=(x[:4], y[:4]), verbose=0,
        callbacks=[recorder, TensorBoard(log_dir, **kwargs)],
    )  # fmt: skip
    return model, recorder


@pytest.mark.training
def test_epoch_scalars_learning_rate_and_validation(tmp_path):
    _, recorder = train(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train_events = read(tmp_path / "train")
    for name in ("loss", "mae"):
        expected = [(epoch, logs[name]) for epoch, logs in enumerate(recorder.epochs)]
        np.testing.assert_allclose(scalars(train_events, f"epoch_{name}"), expected, rtol=1e-6)
    np.testing.assert_allclose(scalars(train_events, "epoch_learning_rate"), [(0, 0.05), (1, 0.05)])
    validation = read(tmp_path / "validation")
    expected = [(epoch, logs["val_loss"]) for epoch, logs in enumerate(recorder.epochs)]
    np.testing.assert_allclose(scalars(validation, "epoch_loss"), expected, rtol=1e-6)
    # After each validation run, at the optimizer's step count (3 batches an epoch).
    evaluation = scalars(validation, "evaluation_loss_vs_iterations")
    np.testing.assert_allclose(evaluation, [(3, expected[0][1]), (6, expected[1][1])], rtol=1e-6)
    assert not any(tag.startswith("batch_") for tag in train_events.Tags()["scalars"])
    assert train_events.Tags()["histograms"] == []


@pytest.mark.training
def test_batch_scalars_every_update_freq_batches(tmp_path):
    _, recorder = train(tmp_path, update_freq=2)
    events = read(tmp_path / "train")
    # Global batch numbers from 1; every second of the 6 batches of the two epochs.
    expected = [(step, recorder.batches[step - 1]["loss"]) for step in (2, 4, 6)]
    np.testing.assert_allclose(scalars(events, "batch_loss"), expected, rtol=1e-6)


@pytest.mark.training
def test_weight_histograms(tmp_path):
    model, _ = train(tmp_path, epochs=3, histogram_freq=2)
    events = read(tmp_path / "train")
    kernel = model.layers[0].kernel
    tag = f"{kernel.path}/histogram"
    assert len(events.Tags()["histograms"]) == 4  # two kernels, two biases
    histograms = events.Histograms(tag)
    assert [event.step for event in histograms] == [0, 2]  # epochs 0 and 2
    last = histograms[-1].histogram_value
    values = np.asarray(kernel.numpy(), np.float64)
    assert last.num == values.size
    np.testing.assert_allclose(
        [last.min, last.max, last.sum], [values.min(), values.max(), values.sum()]
    )
    assert sum(last.bucket) == values.size


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(tmp_path, update_freq=0)
    with pytest.raises(ValueError, match="histogram_freq"):
        TensorBoard(tmp_path, histogram_freq=-1)
    with pytest.raises(ValueError, match="profile_batch"):
        TensorBoard(tmp_path, profile_batch=2)


def test_missing_package_names_the_install_command(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tensorboard(name, *args, **kwargs):
        if name.startswith("tensorboard"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tensorboard)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        TensorBoard(tmp_path)
