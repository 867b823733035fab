"""keras.config.set_max_epochs / set_max_steps_per_epoch cap fit, evaluate and predict."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers


@pytest.fixture
def caps():
    yield lamina.config
    lamina.config.set_max_epochs(None)
    lamina.config.set_max_steps_per_epoch(None)


class _Count(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0
        self.batches = 0
        self.predict_batches = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_predict_batch_end(self, batch, logs=None):
        self.predict_batches += 1


def _model():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.mark.training
def test_caps_limit_epochs_and_steps(caps):
    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    caps.set_max_epochs(2)
    caps.set_max_steps_per_epoch(3)
    assert caps.max_epochs() == 2
    assert caps.max_steps_per_epoch() == 3
    count = _Count()
    with pytest.warns(UserWarning, match="Limiting"):
        history = _model().fit(x, y, epochs=5, batch_size=4, verbose=0, callbacks=[count])
    assert len(history.history["loss"]) == 2
    assert count.epochs == 2
    assert count.batches == 6
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        _model().predict(x, batch_size=4, verbose=0, callbacks=[count])
    assert count.predict_batches == 3


def test_caps_reject_bad_values(caps):
    with pytest.raises(ValueError, match="max_epochs must be a positive integer"):
        caps.set_max_epochs(0)
    with pytest.raises(ValueError, match="max_steps_per_epoch"):
        caps.set_max_steps_per_epoch(2.5)
    assert caps.max_epochs() is None
