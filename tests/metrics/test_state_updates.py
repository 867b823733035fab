"""Metric adds deferred to the end of a batched_state_updates scope (the trainer's steps)."""

import numpy as np
import pytest

import lamina as keras
from lamina import metrics
from lamina.metrics import state_updates
from tests.harness import assert_close


def test_adds_wait_for_the_scope_and_a_result_read_inside_sees_them(rng):
    values = rng.standard_normal((2, 5)).astype("float32")
    mean = metrics.Mean()
    with state_updates.batched_state_updates():
        mean.update_state(values[0])
        assert float(mean.count.numpy()) == 0.0  # waiting
        assert_close(mean.result(), values[0].mean())  # a read makes the waiting adds
        mean.update_state(values[1], sample_weight=3)
        assert float(mean.count.numpy()) == 5.0
    assert float(mean.count.numpy()) == 20.0
    assert_close(mean.result(), (values[0].sum() + 3 * values[1].sum()) / 20.0)


def test_an_inner_scope_leaves_its_adds_to_the_outer_one(rng):
    mean = metrics.Mean()
    values = rng.standard_normal(4).astype("float32")
    with state_updates.batched_state_updates():
        with state_updates.batched_state_updates():
            mean.update_state(values)
        assert float(mean.total.numpy()) == 0.0
    assert_close(mean.total.numpy(), values.sum())


def test_a_failing_scope_keeps_none_of_its_adds(rng):
    mean = metrics.Mean()

    def failing_step():
        with state_updates.batched_state_updates():
            mean.update_state(rng.standard_normal(3).astype("float32"))
            raise RuntimeError("step failed")

    with pytest.raises(RuntimeError, match="step failed"):
        failing_step()
    assert float(mean.count.numpy()) == 0.0
    mean.update_state(np.float32(2.0))  # outside any scope: added at once
    assert float(mean.result()) == 2.0


@pytest.mark.training
def test_a_training_step_adds_the_loss_and_accuracy_state_in_one_call(monkeypatch, rng):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    x = rng.standard_normal((8, 3)).astype("float32")
    y = np.eye(4, dtype="float32")[rng.integers(0, 4, size=8)]
    calls = []
    apply = state_updates._assign_add_all
    monkeypatch.setattr(
        state_updates,
        "_assign_add_all",
        lambda variables, values: (calls.append(len(variables)), apply(variables, values)),
    )
    logs = model.train_on_batch(x, y, return_dict=True)
    assert calls == [4]  # loss total and count, accuracy total and count
    predictions = model.predict_on_batch(x)
    assert 0.0 <= logs["accuracy"] <= 1.0
    evaluation = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    expected = np.mean(np.argmax(predictions, -1) == np.argmax(y, -1))
    assert_close(evaluation["accuracy"], expected)
