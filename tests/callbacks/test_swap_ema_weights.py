import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import Callback, SwapEMAWeights


def make_model(use_ema=True):
    lamina.utils.set_random_seed(3)
    model = lamina.Sequential([layers.Input((3,)), layers.Dense(1)])
    optimizer = lamina.optimizers.SGD(0.1, use_ema=use_ema, ema_momentum=0.5)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((8, 3)).astype("float32"), rng.standard_normal((8, 1)).astype(
        "float32"
    )


def averages(model):
    return [np.array(v.numpy()) for v in model.optimizer._model_variables_moving_average]


def trained(model, steps=3):
    x, y = data()
    for _ in range(steps):
        model.train_on_batch(x, y)  # no end-of-fit finalisation: weights and EMA differ
    return x, y


class Snapshot(Callback):
    def __init__(self):
        super().__init__()
        self.seen = {}

    def _keep(self, hook):
        self.seen[hook] = (self.model.get_weights(), averages(self.model))

    def on_test_begin(self, logs=None):
        self._keep("test_begin")

    def on_predict_begin(self, logs=None):
        self._keep("predict_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self._keep(f"epoch_begin_{epoch}")

    def on_epoch_end(self, epoch, logs=None):
        self._keep(f"epoch_end_{epoch}")


def assert_all_close(actual, expected):
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-6)


@pytest.mark.training
def test_evaluate_and_predict_use_the_averages_then_restore(tmp_path):
    model = make_model()
    x, y = trained(model)
    weights, ema = model.get_weights(), averages(model)
    assert not np.allclose(weights[0], ema[0])
    snapshot = Snapshot()
    loss = model.evaluate(x, y, callbacks=[SwapEMAWeights(), snapshot], verbose=0)
    assert_all_close(snapshot.seen["test_begin"][0], ema)
    kernel, bias = (np.asarray(w, np.float64) for w in ema)
    np.testing.assert_allclose(loss, np.mean((x @ kernel + bias - y) ** 2), rtol=1e-5)
    assert_all_close(model.get_weights(), weights)
    assert_all_close(averages(model), ema)
    outputs = model.predict(x, callbacks=[SwapEMAWeights()], verbose=0)
    np.testing.assert_allclose(outputs, x @ kernel + bias, rtol=1e-5, atol=1e-6)
    assert_all_close(model.get_weights(), weights)


@pytest.mark.training
def test_swap_on_epoch(tmp_path):
    model = make_model()
    x, y = trained(model)
    before, after = Snapshot(), Snapshot()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[before, SwapEMAWeights(True), after])
    # At the end of an epoch the callbacks after the swap see the EMA weights, and the
    # model's own weights come back at the start of the next epoch.
    weights, ema = before.seen["epoch_end_0"]
    assert_all_close(after.seen["epoch_end_0"][0], ema)
    assert_all_close(after.seen["epoch_begin_1"][0], weights)
    # After the last epoch the averages stay in the model.
    assert_all_close(model.get_weights(), before.seen["epoch_end_1"][1])


@pytest.mark.training
def test_needs_an_ema_optimizer():
    model = make_model(use_ema=False)
    x, y = trained(model, steps=1)
    with pytest.raises(ValueError, match="use_ema"):
        model.evaluate(x, y, callbacks=[SwapEMAWeights()], verbose=0)
