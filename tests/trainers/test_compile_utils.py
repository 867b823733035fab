"""compile(metrics=..., weighted_metrics=...): Keras 3.15's log names and arguments, and
weighted metrics that take the sample weights (per sample or per timestep)."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers

SAMPLES = 8


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((SAMPLES, 3)).astype("float32")
    y = rng.standard_normal((SAMPLES, 1)).astype("float32")
    return x, y, rng.uniform(0.1, 2.0, SAMPLES).astype("float32")


def one_output():
    return keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])


def two_outputs():
    inputs = keras.Input(shape=(3,))
    return keras.Model(
        inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(1, name="b")(inputs)]
    )


# The names Keras 3.15.1 logs for these arguments (torch backend, evaluate with weights).
SINGLE_OUTPUT_NAMES = [
    (["mae"], ["mae"], ["loss", "mae", "weighted_mae"]),
    (["mae", "mae"], ["mae"], ["loss", "mae", "mae_1", "weighted_mae"]),
    (None, ["mae", "mae"], ["loss", "mae", "weighted_mae"]),
    (["mae"], ["mae", "mae"], ["loss", "mae", "weighted_mae", "weighted_mae_1"]),
]
TWO_OUTPUT_NAMES = [
    (["mae", "mae"], ["mae", "mae"],
     ["a_loss", "a_mae", "a_weighted_mae", "b_loss", "b_mae", "b_weighted_mae", "loss"]),
    ({"a": "mae"}, {"a": "mae", "b": ["mae", "mse"]},
     ["a_loss", "a_mae", "a_weighted_mae", "b_loss", "b_mae", "b_mse", "loss"]),
    (None, ["mae", "mse"], ["a_loss", "a_mae", "b_loss", "b_mse", "loss"]),
]  # fmt: skip


@pytest.mark.parametrize(("metrics", "weighted_metrics", "names"), SINGLE_OUTPUT_NAMES)
def test_log_names_with_one_output_are_keras(batch, metrics, weighted_metrics, names):
    x, y, weights = batch
    model = one_output()
    model.compile(loss="mse", metrics=metrics, weighted_metrics=weighted_metrics, jit_compile=False)
    logs = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    assert sorted(logs) == names


@pytest.mark.parametrize(("metrics", "weighted_metrics", "names"), TWO_OUTPUT_NAMES)
def test_log_names_with_two_outputs_are_keras(batch, metrics, weighted_metrics, names):
    x, y, weights = batch
    model = two_outputs()
    model.compile(
        loss=["mse", "mse"], metrics=metrics, weighted_metrics=weighted_metrics, jit_compile=False
    )
    logs = model.evaluate(x, [y, 2 * y], sample_weight=weights, verbose=0, return_dict=True)
    assert sorted(logs) == names


def test_weighted_metrics_of_each_output_take_the_sample_weights(batch):
    x, y, weights = batch
    model = two_outputs()
    model.compile(
        loss=["mse", "mse"], metrics=["mae", "mae"], weighted_metrics=["mae", "mae"],
        jit_compile=False,
    )  # fmt: skip
    targets = [y, 2 * y]
    logs = model.evaluate(x, targets, sample_weight=weights, verbose=0, return_dict=True)
    predictions = model.predict(x, verbose=0)
    for name, target, prediction in zip("ab", targets, predictions):
        error = np.abs(target.astype("float64") - prediction).mean(axis=-1)
        expected = np.sum(weights * error) / np.sum(weights)
        assert logs[f"{name}_weighted_mae"] == pytest.approx(expected, rel=1e-5)
        assert logs[f"{name}_mae"] == pytest.approx(error.mean(), rel=1e-5)


def test_weighted_metrics_with_a_weight_per_timestep():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5, 3)).astype("float32")  # (batch, timesteps, features)
    y = rng.standard_normal((4, 5, 2)).astype("float32")
    weights = rng.uniform(0.0, 1.0, (4, 5)).astype("float32")  # one weight per timestep
    model = keras.Sequential([keras.Input(shape=(5, 3)), layers.Dense(2)])
    model.compile(loss="mse", weighted_metrics=["mae"], jit_compile=False)
    logs = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    error = np.abs(y.astype("float64") - model.predict(x, verbose=0)).mean(axis=-1)  # (4, 5)
    assert logs["mae"] == pytest.approx(np.sum(weights * error) / np.sum(weights), rel=1e-5)


@pytest.mark.parametrize("argument", ["metrics", "weighted_metrics"])
def test_a_bare_metric_is_refused_before_compiling(argument):
    model = one_output()
    with pytest.raises(ValueError, match=rf"Expected `{argument}` argument to be a list"):
        model.compile(loss="mse", **{argument: "mae"})
    assert not model.compiled
    assert model.optimizer is None
