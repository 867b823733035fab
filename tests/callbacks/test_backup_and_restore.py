import json
import os

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import BackupAndRestore, Callback

EPOCHS = 3
NUM_SAMPLES, BATCH_SIZE = 24, 4  # six batches an epoch


class Interrupt(Callback):
    """Raises before training the batch ``batch`` of epoch ``epoch``."""

    def __init__(self, epoch, batch=0):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise RuntimeError("interrupted")


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((NUM_SAMPLES, 5)).astype("float32")
    y = rng.standard_normal((NUM_SAMPLES, 1)).astype("float32")
    return x, y


def make_model():
    lamina.utils.set_random_seed(7)  # same initial weights, dropout seeds and data order
    model = lamina.Sequential(
        [
            layers.Input((5,)),
            layers.Dense(6, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")
    return model


def fit(model, callbacks):
    x, y = data()
    return model.fit(
        x, y, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=True, callbacks=callbacks, verbose=0
    )


def uninterrupted_weights():
    model = make_model()
    fit(model, [])
    return model.get_weights()


def assert_same_weights(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-6, atol=1e-6)


@pytest.mark.training
@pytest.mark.parametrize(
    ("save_freq", "interrupt_at", "resumed_epochs"),
    [("epoch", (2, 3), 1), (4, (1, 3), 2)],  # with 4: the backup after epoch 1's batch 1
)
def test_resumed_run_ends_with_the_uninterrupted_weights(
    tmp_path, save_freq, interrupt_at, resumed_epochs
):
    expected = uninterrupted_weights()
    backup_dir = str(tmp_path / "backup")
    backup = BackupAndRestore(backup_dir, save_freq=save_freq)
    model = make_model()
    with pytest.raises(RuntimeError, match="interrupted"):
        fit(model, [backup, Interrupt(*interrupt_at)])
    assert os.path.exists(os.path.join(backup_dir, "latest.weights.h5"))
    # Training went past the backup, and the process's random state moved on.
    np.random.standard_normal(3)
    history = fit(model, [backup])
    assert len(history.history["loss"]) == resumed_epochs
    assert_same_weights(model.get_weights(), expected)
    assert not os.path.exists(backup_dir)  # delete_checkpoint=True


@pytest.mark.training
def test_a_fresh_model_and_callback_resume_from_the_files(tmp_path):
    expected = uninterrupted_weights()
    backup_dir = str(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="interrupted"):
        fit(make_model(), [BackupAndRestore(backup_dir, save_freq=5), Interrupt(2, 2)])
    with open(os.path.join(backup_dir, "training_metadata.json")) as file:
        metadata = json.load(file)
    assert (metadata["epoch"], metadata["steps_done"]) == (1, 4)  # after 10 of 14 batches
    model = make_model()  # a new process would build the model again
    fit(model, [BackupAndRestore(backup_dir, save_freq=5)])
    assert_same_weights(model.get_weights(), expected)


@pytest.mark.training
def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    backup_dir = str(tmp_path / "backup")
    backup = BackupAndRestore(backup_dir, double_checkpoint=True, delete_checkpoint=False)
    model = make_model()
    with pytest.raises(RuntimeError, match="interrupted"):
        fit(model, [backup, Interrupt(2)])
    assert os.path.exists(os.path.join(backup_dir, "latest.weights.h5.bkp"))
    with open(os.path.join(backup_dir, "latest.weights.h5"), "wb") as file:
        file.write(b"not an h5 file")  # the latest backup was cut short
    history = fit(model, [backup])
    assert len(history.history["loss"]) == 2  # the previous backup: after epoch 0
    assert os.path.exists(os.path.join(backup_dir, "latest.weights.h5"))  # kept


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="backup_dir"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore("/tmp/unused", save_freq="batch")
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore("/tmp/unused", save_freq=0)


class GlobalNoise(layers.Layer):
    """Noise from the engine's global stream (seed=None) while training."""

    def call(self, inputs, training=None):
        if training:
            return inputs + 0.5 * lamina.random.normal(lamina.ops.shape(inputs))
        return inputs


def make_noisy_model():
    lamina.utils.set_random_seed(7)
    model = lamina.Sequential([layers.Input((5,)), GlobalNoise(), layers.Dense(1)])
    # Eager: a compiled JAX step refuses unseeded draws (the global key cannot advance).
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse", jit_compile=False)
    return model


@pytest.mark.training
def test_resumed_run_draws_the_engine_global_stream_where_it_stopped(tmp_path):
    x, y = data()

    def fit_noisy(model, callbacks):
        model.fit(x, y, batch_size=BATCH_SIZE, epochs=2, callbacks=callbacks, verbose=0)

    uninterrupted = make_noisy_model()
    fit_noisy(uninterrupted, [])
    backup = BackupAndRestore(str(tmp_path / "backup"), save_freq=2)
    model = make_noisy_model()
    with pytest.raises(RuntimeError, match="interrupted"):
        fit_noisy(model, [backup, Interrupt(1, 3)])  # the backup after epoch 1's batch 1
    lamina.random.normal((3,))  # the global stream moved on after the backup
    fit_noisy(model, [backup])
    assert_same_weights(model.get_weights(), uninterrupted.get_weights())
