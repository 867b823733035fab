import numpy as np
import pytest

import lamina as keras
from lamina import layers


class TwoLayer(keras.Model):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


class CustomStep(TwoLayer):
    """The Keras "customizing fit" guide's torch train_step, written against our API."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.steps_seen = 0

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = keras.losses.mean_squared_error(y, y_pred)
        loss = keras.ops.mean(loss)
        loss.backward()
        trainable_weights = list(self.trainable_weights)
        gradients = [v.value.grad for v in trainable_weights]
        self.optimizer.apply(gradients, trainable_weights)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        self.steps_seen += 1
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def regression_data(rng, n=128):
    x = rng.standard_normal((n, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]]) + 0.3).astype("float32")
    return x, y


@pytest.mark.training
def test_subclassed_model_trains(rng):
    x, y = regression_data(rng)
    model = TwoLayer()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.3
    assert model.predict(x, verbose=0).shape == (128, 1)


@pytest.mark.engine("torch")
def test_custom_train_step(rng):
    x, y = regression_data(rng)
    model = CustomStep()
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert model.steps_seen == 15 * 4
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.3


def test_subclassed_get_config_uses_constructor_arguments():
    model = TwoLayer(units=3, name="two")
    config = model.get_config()
    assert config["units"] == 3
    assert config["name"] == "two"


def test_predict_on_a_model_without_call_is_a_clear_error(rng):
    class NoCall(keras.Model):
        pass

    with pytest.raises(NotImplementedError, match="call"):
        NoCall().predict(rng.standard_normal((2, 3)).astype("float32"), verbose=0)


def test_predict_on_an_empty_sequential_is_a_clear_error(rng):
    with pytest.raises(ValueError, match="has no layers"):
        keras.Sequential().predict(rng.standard_normal((2, 3)).astype("float32"), verbose=0)


@pytest.mark.training
def test_subclass_built_from_inputs_and_outputs_is_functional(rng):
    class StepCounting(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.steps = 0

        def train_step(self, data):
            self.steps += 1
            return super().train_step(data)

    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(1)(inputs)
    model = StepCounting(inputs, outputs)
    assert isinstance(model, StepCounting)
    assert isinstance(model, keras.models.Functional)
    assert type(model) is type(StepCounting(inputs=inputs, outputs=outputs))
    assert len(model.layers) == 2
    model.compile(optimizer="sgd", loss="mse")
    x = rng.standard_normal((8, 3)).astype("float32")
    model.fit(x, x[:, :1], batch_size=4, epochs=1, verbose=0)
    assert model.steps == 2


def test_subclass_with_its_own_arguments_stays_subclassed():
    class TwoInts(keras.Model):
        def __init__(self, units, depth):
            super().__init__()
            self.units, self.depth = units, depth

    model = TwoInts(4, 2)
    assert not isinstance(model, keras.models.Functional)


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_to_json_and_model_from_json_rebuild_the_architecture(kind, rng):
    if kind == "sequential":
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"),
                                  layers.Dense(1)])  # fmt: skip
    else:
        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(1)(layers.Dense(3)(inputs)))
    clone = keras.models.model_from_json(model.to_json())
    assert type(clone) is type(model)
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    clone.set_weights(model.get_weights())
    x = rng.standard_normal((2, 4)).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_model_from_json_refuses_lambdas():
    bad = '{"module": "keras.layers", "class_name": "__lambda__", "config": {}}'
    with pytest.raises(ValueError, match="lambda"):
        keras.models.model_from_json(bad)
