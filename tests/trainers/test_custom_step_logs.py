"""A custom step that returns its own log keys: the epoch's logs are that step's last logs,
as in Keras (its metrics' results only when the keys match)."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers


class OwnLogs(keras.Sequential):
    def train_step(self, data):
        super().train_step(data)
        loss_tracker = self.metrics[0]  # the compiled loss's Mean, first as in Keras
        return {"tracked_loss": loss_tracker.result()}

    def test_step(self, data):
        super().test_step(data)
        return {"tracked_loss": self.metrics[0].result(), "batch_rows": data[0].shape[0]}


def model_and_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = OwnLogs([keras.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model, x, y


@pytest.mark.training
def test_history_holds_the_keys_the_step_returns():
    model, x, y = model_and_data()
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0)
    assert set(history.history) == {"tracked_loss"}
    values = history.history["tracked_loss"]
    assert all(np.isfinite(values))
    assert values[-1] < values[0]


def test_evaluate_returns_the_last_step_logs():
    model, x, y = model_and_data()
    logs = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert set(logs) == {"tracked_loss", "batch_rows"}
    expected = np.mean((model.predict(x, verbose=0) - y) ** 2)
    np.testing.assert_allclose(logs["tracked_loss"], expected, rtol=1e-5)
    assert logs["batch_rows"] == 16
