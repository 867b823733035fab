"""The Keras 3 guide "Customizing what happens in fit() with JAX", run through Lamina.

Data sizes are cut from 1000 rows to 128; the models and steps are the guide's: stateless
steps ``train_step(self, state, data)`` / ``test_step(self, state, data)`` returning
``(logs, state)``, built on ``stateless_call``, ``stateless_compute_loss``,
``optimizer.stateless_apply`` and the metrics' ``stateless_update_state`` /
``stateless_result``.
"""

import numpy as np
import pytest

import lamina as keras

jax = pytest.importorskip("jax")
pytestmark = [pytest.mark.training, pytest.mark.engine("jax")]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.random((128, 32)), rng.random((128, 1))


# ---- A first simple example (the guide's code) ---------------------------------------------


class CustomModel(keras.Model):
    def compute_loss_and_updates(
        self,
        trainable_variables,
        non_trainable_variables,
        metrics_variables,
        x,
        y,
        sample_weight,
        training=False,
    ):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables,
            non_trainable_variables,
            x,
            training=training,
        )
        (
            loss,
            (
                trainable_variables,
                non_trainable_variables,
                metrics_variables,
            ),
        ) = self.stateless_compute_loss(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x=x,
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
            training=training,
        )
        return loss, (y_pred, non_trainable_variables, metrics_variables)

    def train_step(self, state, data):
        (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metrics_variables,
        ) = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)

        # Get the gradient function.
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)

        # Compute the gradients.
        (loss, (y_pred, non_trainable_variables, metrics_variables)), grads = grad_fn(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x,
            y,
            sample_weight,
            training=True,
        )

        # Update trainable variables and optimizer variables.
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )

        # Update metrics.
        new_metrics_vars = []
        logs = {}
        for metric in self.metrics:
            this_metric_vars = metrics_variables[
                len(new_metrics_vars) : len(new_metrics_vars) + len(metric.variables)
            ]
            if metric.name == "loss":
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, loss, sample_weight=sample_weight
                )
            else:
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, y, y_pred, sample_weight=sample_weight
                )
            logs[metric.name] = metric.stateless_result(this_metric_vars)
            new_metrics_vars += this_metric_vars

        # Return metric logs and updated state variables.
        state = (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            new_metrics_vars,
        )
        return logs, state


def _guide_model(cls, **compile_kwargs):
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = cls(inputs, outputs)
    model.compile(**compile_kwargs)
    return model


class BatchLogs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(dict(logs))


@pytest.mark.parametrize("jit_compile", [True, False], ids=["jit", "eager"])
def test_a_first_simple_example(data, jit_compile):
    x, y = data
    model = _guide_model(
        CustomModel, optimizer="adam", loss="mse", metrics=["mae"], jit_compile=jit_compile
    )
    batch_logs = BatchLogs()
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[batch_logs])
    assert set(history.history) == {"loss", "mae"}
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    assert all(np.isfinite(history.history["mae"]))
    # The state went back into the variables: the optimizer stepped once per batch, and
    # the metrics hold this epoch's totals.
    assert int(model.optimizer.iterations.numpy()) == 3 * 4
    assert model.get_metrics_result()["loss"] == pytest.approx(losses[-1], rel=1e-5)
    # Callbacks saw the step's own logs, flattened (compile_metrics -> mae), as numbers.
    assert len(batch_logs.batches) == 12
    assert set(batch_logs.batches[-1]) == {"loss", "mae"}
    assert isinstance(batch_logs.batches[-1]["loss"], float)
    assert batch_logs.batches[-1]["loss"] == pytest.approx(losses[-1], rel=1e-5)
    # The trained variables are the model's: evaluate (the built-in test step) agrees.
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(result) == {"loss", "mae"}
    assert result["loss"] < losses[0]


def test_the_guide_step_trains_as_the_built_in_step(data):
    # The same model, data and seed trained by the guide's stateless step and by Lamina's
    # own step: the same numbers.
    x, y = data
    histories, weights = [], []
    for cls in (CustomModel, keras.Model):
        keras.utils.set_random_seed(7)
        model = _guide_model(cls, optimizer="adam", loss="mse", metrics=["mae"])
        history = model.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)
        histories.append(history.history)
        weights.append(model.get_weights())
    for key in ("loss", "mae"):
        np.testing.assert_allclose(histories[0][key], histories[1][key], rtol=1e-5)
    for ours, theirs in zip(*weights):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_train_on_batch_with_the_guide_step(data):
    x, y = data
    model = _guide_model(CustomModel, optimizer="adam", loss="mse", metrics=["mae"])
    first = model.train_on_batch(x[:32], y[:32], return_dict=True)
    assert set(first) == {"loss", "mae"}
    for _ in range(20):
        last = model.train_on_batch(x[:32], y[:32], return_dict=True)
    assert last["loss"] < first["loss"]
    assert int(model.optimizer.iterations.numpy()) == 21


# ---- Going lower-level (the guide's code) --------------------------------------------------


class LowLevelModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def compute_loss_and_updates(
        self,
        trainable_variables,
        non_trainable_variables,
        x,
        y,
        sample_weight,
        training=False,
    ):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables,
            non_trainable_variables,
            x,
            training=training,
        )
        loss = self.loss_fn(y, y_pred, sample_weight=sample_weight)
        return loss, (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metrics_variables,
        ) = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)

        # Get the gradient function.
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)

        # Compute the gradients.
        (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
            trainable_variables,
            non_trainable_variables,
            x,
            y,
            sample_weight,
            training=True,
        )

        # Update trainable variables and optimizer variables.
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )

        # Update metrics.
        loss_tracker_vars = metrics_variables[: len(self.loss_tracker.variables)]
        mae_metric_vars = metrics_variables[len(self.loss_tracker.variables) :]

        loss_tracker_vars = self.loss_tracker.stateless_update_state(
            loss_tracker_vars, loss, sample_weight=sample_weight
        )
        mae_metric_vars = self.mae_metric.stateless_update_state(
            mae_metric_vars, y, y_pred, sample_weight=sample_weight
        )

        logs = {}
        logs[self.loss_tracker.name] = self.loss_tracker.stateless_result(loss_tracker_vars)
        logs[self.mae_metric.name] = self.mae_metric.stateless_result(mae_metric_vars)

        new_metrics_vars = loss_tracker_vars + mae_metric_vars

        # Return metric logs and updated state variables.
        state = (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            new_metrics_vars,
        )
        return logs, state

    @property
    def metrics(self):
        # We list our `Metric` objects here so that `reset_states()` can be
        # called automatically at the start of each epoch
        # or at the start of `evaluate()`.
        return [self.loss_tracker, self.mae_metric]


def test_going_lower_level(data):
    x, y = data
    # We don't pass a loss or metrics here.
    model = _guide_model(LowLevelModel, optimizer="adam")
    history = model.fit(x, y, epochs=5, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    losses, maes = history.history["loss"], history.history["mae"]
    assert losses[-1] < losses[0]
    assert maes[-1] < maes[0]
    # The metrics are reset at each epoch (counts are of one epoch's batches), and hold
    # the last epoch's mean.
    assert float(model.loss_tracker.count.numpy()) == 4.0
    assert float(model.loss_tracker.result()) == pytest.approx(losses[-1], rel=1e-5)
    assert float(model.mae_metric.result()) == pytest.approx(maes[-1], rel=1e-5)


# ---- Providing your own evaluation step (the guide's code) ---------------------------------


class EvalModel(keras.Model):
    def test_step(self, state, data):
        # Unpack the data.
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        (
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
        ) = state

        # Compute predictions and loss.
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables,
            non_trainable_variables,
            x,
            training=False,
        )
        (
            loss,
            (
                trainable_variables,
                non_trainable_variables,
                metrics_variables,
            ),
        ) = self.stateless_compute_loss(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x=x,
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
            training=False,
        )

        # Update metrics.
        new_metrics_vars = []
        logs = {}
        for metric in self.metrics:
            this_metric_vars = metrics_variables[
                len(new_metrics_vars) : len(new_metrics_vars) + len(metric.variables)
            ]
            if metric.name == "loss":
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, loss, sample_weight=sample_weight
                )
            else:
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, y, y_pred, sample_weight=sample_weight
                )
            logs[metric.name] = metric.stateless_result(this_metric_vars)
            new_metrics_vars += this_metric_vars

        # Return metric logs and updated state variables.
        state = (
            trainable_variables,
            non_trainable_variables,
            new_metrics_vars,
        )
        return logs, state


def test_providing_your_own_evaluation_step(data):
    x, y = data
    model = _guide_model(EvalModel, loss="mse", metrics=["mae"])
    # Evaluate with our custom test_step
    result = model.evaluate(x, y, return_dict=True, verbose=0)
    assert set(result) == {"loss", "mae"}
    predictions = model.predict(x, verbose=0)
    assert result["loss"] == pytest.approx(float(np.mean((predictions - y) ** 2)), rel=1e-4)
    assert result["mae"] == pytest.approx(float(np.mean(np.abs(predictions - y))), rel=1e-4)
    # The list form, in Keras's order; with a batch size that leaves a partial batch. The
    # guide's loss tracker gets no weights: it averages the batches' losses.
    loss, mae = model.evaluate(x, y, batch_size=48, verbose=0)
    batch_losses = [np.mean((predictions[i : i + 48] - y[i : i + 48]) ** 2) for i in (0, 48, 96)]
    assert loss == pytest.approx(float(np.mean(batch_losses)), rel=1e-4)
    assert mae == pytest.approx(result["mae"], rel=1e-4)
    # fit's validation runs the custom test step too.
    history = model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0)
    assert {"val_loss", "val_mae"} <= set(history.history)
