"""JAX-style steps in fit / evaluate / predict: ``train_step(self, state, data)`` and its
kin, which take the model's state as arrays and return the new state (as Keras's JAX
backend runs them), on Lamina's stateful loop (``lamina.trainers.stateful_adapter``)."""

import numpy as np
import pytest

import lamina as keras
from lamina.trainers.stateful_adapter import takes_state

pytestmark = pytest.mark.training


class StatelessStepModel(keras.Model):
    """A compact JAX-style model: train, test and predict steps all take ``state``."""

    def _loss_and_updates(self, trainable, non_trainable, metrics_variables, x, y, training):
        y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, training=training)
        loss, (_, non_trainable, metrics_variables) = self.stateless_compute_loss(
            trainable, non_trainable, metrics_variables, x=x, y=y, y_pred=y_pred
        )
        return loss, (y_pred, non_trainable, metrics_variables)

    def _update_metrics(self, metrics_variables, loss, y, y_pred):
        new, logs = [], {}
        for metric in self.metrics:
            own = metrics_variables[len(new) : len(new) + len(metric.variables)]
            if metric.name == "loss":
                own = metric.stateless_update_state(own, loss)
            else:
                own = metric.stateless_update_state(own, y, y_pred)
            logs[metric.name] = metric.stateless_result(own)
            new += own
        return logs, new

    def train_step(self, state, data):
        import jax

        trainable, non_trainable, optimizer_variables, metrics_variables = state
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self._loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable, metrics_variables)), grads = grad_fn(
            trainable, non_trainable, metrics_variables, x, y, True
        )
        trainable, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable
        )
        logs, metrics_variables = self._update_metrics(metrics_variables, loss, y, y_pred)
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

    def test_step(self, state, data):
        trainable, non_trainable, metrics_variables = state
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        loss, (y_pred, non_trainable, metrics_variables) = self._loss_and_updates(
            trainable, non_trainable, metrics_variables, x, y, False
        )
        logs, metrics_variables = self._update_metrics(metrics_variables, loss, y, y_pred)
        return logs, (trainable, non_trainable, metrics_variables)

    def predict_step(self, state, data):
        trainable, non_trainable = state
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        outputs, non_trainable = self.stateless_call(trainable, non_trainable, x, training=False)
        return {"doubled": outputs * 2.0}, non_trainable


def _data(rng, n=96):
    x = rng.random((n, 8)).astype("float32")
    y = (x @ rng.random((8, 1)) + 0.1).astype("float32")
    return x, y


def _model(cls=StatelessStepModel, jit_compile=True):
    inputs = keras.Input(shape=(8,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    hidden = keras.layers.BatchNormalization()(hidden)
    hidden = keras.layers.Dropout(0.2)(hidden)
    outputs = keras.layers.Dense(1)(hidden)
    model = cls(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], jit_compile=jit_compile)
    return model


def test_step_signatures_are_told_apart():
    model = _model()
    assert takes_state(model.train_step)
    assert takes_state(model.predict_step)
    plain = _model(keras.Model)
    assert not takes_state(plain.train_step)
    assert not takes_state(plain.test_step)
    assert not takes_state(plain.predict_step)


@pytest.mark.engine("jax")
@pytest.mark.parametrize("jit_compile", [True, False], ids=["jit", "eager"])
def test_non_trainable_state_and_seeds_go_back_into_the_variables(rng, jit_compile):
    x, y = _data(rng)
    model = _model(jit_compile=jit_compile)
    batch_norm = next(
        layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)
    )
    history = model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # BatchNormalization's moving statistics moved (its state came back from the step).
    moving_mean = batch_norm.moving_mean.numpy()
    assert np.abs(moving_mean).sum() > 0.0
    assert int(model.optimizer.iterations.numpy()) == 12
    # Dropout drew fresh masks: the seed state advanced with every step.
    seeds = [v for v in model.non_trainable_variables if "seed" in v.path]
    before = [s.numpy().copy() for s in seeds]
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert seeds
    assert any(not np.array_equal(b, s.numpy()) for b, s in zip(before, seeds))


@pytest.mark.engine("jax")
def test_evaluate_and_predict_run_the_stateful_style_steps(rng):
    x, y = _data(rng)
    model = _model()
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    result = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    assert set(result) == {"loss", "mae"}
    predictions = model.predict(x, batch_size=32, verbose=0)
    assert set(predictions) == {"doubled"}
    assert predictions["doubled"].shape == (96, 1)
    plain = model(x, training=False)
    np.testing.assert_allclose(predictions["doubled"], 2.0 * np.asarray(plain), rtol=1e-5)
    mae = float(np.mean(np.abs(np.asarray(plain) - y)))
    assert result["mae"] == pytest.approx(mae, rel=1e-4)
    on_batch = model.predict_on_batch(x[:5])
    np.testing.assert_allclose(on_batch["doubled"], predictions["doubled"][:5], rtol=1e-5)
    assert set(model.test_on_batch(x, y, return_dict=True)) == {"loss", "mae"}


@pytest.mark.engine("jax")
def test_a_step_that_returns_the_wrong_state_is_told_so(rng):
    x, y = _data(rng)

    class ForgetsState(keras.Model):
        def train_step(self, state, data):
            return {}, state[:3]

    class LosesVariables(keras.Model):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            return {}, (trainable[:1], non_trainable, optimizer_variables, metrics_variables)

    class ReturnsLogsOnly(keras.Model):
        def test_step(self, state, data):
            return {}

    for cls, pattern in (
        (ForgetsState, r"state = \(trainable_variables, .*metrics_variables\)"),
        (LosesVariables, r"returned 1 values for trainable_variables; the model has 6"),
    ):
        with pytest.raises(ValueError, match=pattern):
            _model(cls).fit(x, y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"must return `\(logs, state\)`; received a dict"):
        _model(ReturnsLogsOnly).evaluate(x, y, verbose=0)


@pytest.mark.engine("torch")
def test_engines_without_a_stateless_scope_say_so(rng):
    x, y = _data(rng)
    model = _model()
    with pytest.raises(NotImplementedError, match=r"train_step\(self, state, data\).*'torch'"):
        model.fit(x, y, epochs=1, verbose=0)
    with pytest.raises(NotImplementedError, match=r"predict_step\(self, state, data\)"):
        model.predict(x, verbose=0)


@pytest.mark.engine("jax")
def test_a_subclassed_model_is_built_before_its_first_step(rng):
    x, y = _data(rng)

    class Subclassed(StatelessStepModel):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(16, activation="relu")
            self.out = keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = Subclassed()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert not model.built
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    assert model.built
    assert len(model.trainable_variables) == 4
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert int(model.optimizer.iterations.numpy()) == 9
