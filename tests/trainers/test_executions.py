"""compile(steps_per_execution=N): N batches per call of the step, one pair of batch hooks
per call numbered as Keras numbers them, and the same results as one batch per call."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.callbacks import Callback, ProgbarLogger
from lamina.trainers.executions import executions
from tests.harness import assert_close

# 40 samples in batches of 4: ten batches, so N=4 ends each epoch with a call of two.
SAMPLES, BATCH, STEPS = 40, 4, 4


def data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((SAMPLES, 3)).astype("float32")
    return x, rng.standard_normal((SAMPLES, 2)).astype("float32")


def model(steps_per_execution, dropout=True, jit_compile="auto"):
    keras.utils.set_random_seed(1)
    hidden = [layers.Dense(8, activation="relu")]
    if dropout:
        hidden.append(layers.Dropout(0.3, seed=3))  # the seed state must advance per step
    result = keras.Sequential([keras.Input(shape=(3,)), *hidden, layers.Dense(2)])
    result.compile(
        optimizer="adam",
        loss="mse",
        metrics=["mae"],
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,  # off where the test is of the loop, not the compiled step
    )
    return result


class Hooks(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(("train_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("train_end", batch, sorted(logs)))

    def on_test_batch_begin(self, batch, logs=None):
        self.calls.append(("test_begin", batch))

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("test_end", batch))

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append(("predict_end", batch, logs["outputs"].shape))


def test_executions_group_batches_and_number_them_as_keras():
    batches = [(step, f"batch{step}") for step in range(10)]
    grouped = list(executions(iter(batches), 4))
    assert [(first, last) for first, last, _ in grouped] == [(0, 3), (4, 7), (8, 9)]
    assert grouped[2][2] == ["batch8", "batch9"]  # the epoch's last, shorter call
    assert list(executions(iter(batches[:2]), 1)) == [(0, 0, "batch0"), (1, 1, "batch1")]
    resumed = list(executions(iter(batches[5:]), 4))  # a run resumed mid-epoch
    assert [(first, last) for first, last, _ in resumed] == [(5, 8), (9, 9)]


@pytest.mark.parametrize("value", [0, -2, 2.5, "4", True, None])
def test_compile_rejects_a_bad_steps_per_execution(value):
    bad = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"steps_per_execution.*Received: steps_per_execution"):
        bad.compile(optimizer="sgd", loss="mse", steps_per_execution=value)
    assert not bad.compiled  # refused before any state changed


def test_compile_config_keeps_steps_per_execution():
    original = model(STEPS, dropout=False)
    config = original.get_compile_config()
    assert config["steps_per_execution"] == STEPS
    rebuilt = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    rebuilt.compile_from_config(config)
    assert rebuilt.steps_per_execution == STEPS


@pytest.fixture(scope="module")
def fitted():
    """The same data fitted for two epochs one batch per call and N per call (JAX compiles
    each step once for the module)."""
    x, y = data()
    reference = model(1)
    reference_history = reference.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    grouped, hooks = model(STEPS), Hooks()
    history = grouped.fit(
        x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, callbacks=[hooks]
    )
    return reference, reference_history, grouped, history, hooks


@pytest.mark.training
def test_fit_matches_one_step_per_call(fitted):
    reference, reference_history, grouped, history, _ = fitted
    for actual, expected in zip(grouped.get_weights(), reference.get_weights()):
        assert_close(actual, expected, rtol=1e-5, atol=1e-6)
    for key in ("loss", "mae"):
        assert_close(history.history[key], reference_history.history[key], rtol=1e-5)
    assert int(grouped.optimizer.iterations.numpy()) == 20  # every batch trained, once


@pytest.mark.training
def test_fit_calls_the_batch_hooks_once_per_execution(fitted):
    one_epoch = [
        ("train_begin", 0), ("train_end", 3, ["loss", "mae"]),
        ("train_begin", 4), ("train_end", 7, ["loss", "mae"]),
        ("train_begin", 8), ("train_end", 9, ["loss", "mae"]),
    ]  # fmt: skip
    assert fitted[4].calls == one_epoch * 2


@pytest.mark.training
@pytest.mark.engine("jax")
def test_jax_runs_a_full_execution_as_one_compiled_scan(fitted):
    from lamina.backend.jax.trainer import ScanSteps

    steps = fitted[2]._executions["train"][1].function
    assert isinstance(steps, ScanSteps)
    assert steps._jitted is not None
    assert steps._jitted._cache_size() == 1


@pytest.mark.training
@pytest.mark.engine("tensorflow")
def test_tensorflow_runs_a_full_execution_as_one_graph_loop(fitted):
    from lamina.backend.tensorflow.trainer import GraphLoopSteps

    steps = fitted[2]._executions["train"][1].function
    assert isinstance(steps, GraphLoopSteps)
    assert steps.graph_function.experimental_get_tracing_count() == 1
    (traced,) = steps.graph_function._list_all_concrete_functions()
    op_types = [op.type for op in traced.graph.get_operations()]
    assert op_types.count("While") == 1  # the N steps: a loop, not N copies of the step


@pytest.mark.training
@pytest.mark.engine("tensorflow")
def test_tensorflow_graph_loop_returns_the_last_steps_outputs():
    x, y = data()

    class LastLoss(keras.Sequential):
        def train_step(self, data):  # logs as tensors, as a custom Keras train_step returns
            super().train_step(data)
            logs = {metric.name: metric.result() for metric in self.metrics}
            return {**logs, "step": self.optimizer.iterations + 0}

    def fitted_model(steps_per_execution):
        keras.utils.set_random_seed(1)
        result = LastLoss([keras.Input(shape=(3,)), layers.Dense(2)])
        result.compile(optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution)
        steps_seen = []
        at_end = keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: steps_seen.append((batch, int(logs["step"])))
        )
        result.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, callbacks=[at_end])
        return result, steps_seen

    (grouped, steps_seen), (reference, _) = fitted_model(STEPS), fitted_model(1)
    for actual, expected in zip(grouped.get_weights(), reference.get_weights()):
        assert_close(actual, expected, rtol=1e-6, atol=1e-7)
    # Each call's logs are its last step's: batch 3 ran as the 4th step, batch 7 the 8th ...
    assert steps_seen == [(3, 4), (7, 8), (9, 10), (3, 14), (7, 18), (9, 20)]


@pytest.mark.training
def test_stop_training_takes_effect_after_the_execution():
    x, y = data()
    trained = model(STEPS, dropout=False, jit_compile=False)

    class StopAtFirstEnd(Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = True

    trained.fit(x, y, batch_size=BATCH, epochs=3, verbose=0, callbacks=[StopAtFirstEnd()])
    assert int(trained.optimizer.iterations.numpy()) == STEPS


@pytest.mark.training
def test_progress_bar_advances_by_an_execution(capsys):
    x, y = data()
    trained = model(STEPS, dropout=False, jit_compile=False)

    class Seen(ProgbarLogger):
        def __init__(self):
            super().__init__()
            self.seen_after = []

        def on_train_batch_end(self, batch, logs=None):
            super().on_train_batch_end(batch, logs)
            self.seen_after.append(self.seen)

    progbar = Seen()
    trained.fit(x, y, batch_size=BATCH, epochs=1, verbose=1, callbacks=[progbar])
    assert progbar.seen_after == [4, 8, 10]
    assert "10/10" in capsys.readouterr().out


def test_evaluate_and_predict_group_batches_and_match_one_step_per_call():
    x, y = data()
    reference, grouped = model(1, dropout=False), model(STEPS, dropout=False)
    grouped.set_weights(reference.get_weights())
    expected = reference.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
    hooks = Hooks()
    logs = grouped.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True, callbacks=[hooks])
    assert logs.keys() == expected.keys()
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-5)
    predictions = grouped.predict(x, batch_size=BATCH, verbose=0, callbacks=[hooks])
    assert_close(predictions, reference.predict(x, batch_size=BATCH, verbose=0))
    assert hooks.calls == [
        ("test_begin", 0), ("test_end", 3), ("test_begin", 4), ("test_end", 7),
        ("test_begin", 8), ("test_end", 9),
        ("predict_end", 3, (16, 2)), ("predict_end", 7, (16, 2)), ("predict_end", 9, (8, 2)),
    ]  # fmt: skip
