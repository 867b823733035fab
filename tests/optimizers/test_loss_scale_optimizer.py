"""LossScaleOptimizer: Keras 3's dynamic loss scaling, against a hand computation."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops, optimizers
from lamina.optimizers import SGD, Adam, LossScaleOptimizer
from tests.harness import assert_close, check_config_roundtrip, to_numpy

# Gradients fed to apply (already scaled, as a train step makes them): finite, finite (the
# 2nd finite step in a row doubles the scale), inf (skipped, halves), finite, NaN (skipped).
BAD = {2: np.inf, 4: np.nan}


def scaled_gradients(rng, num_steps=5):
    grads = [rng.standard_normal(3).astype("float32") for _ in range(num_steps)]
    for step, value in BAD.items():
        grads[step][1] = value
    return grads


def hand_computed(w, grads, learning_rate, initial_scale, growth_steps):
    """Keras's rule, step by step in float64: the weights, scales and counters after each."""
    w, scale, counter = np.asarray(w, np.float64), initial_scale, 0
    history = []
    for g in grads:
        if np.all(np.isfinite(g)):
            w = w - learning_rate * g / scale
            counter += 1
            if counter == growth_steps:
                scale, counter = scale * 2, 0
        else:
            scale, counter = scale / 2, 0
        history.append((w.copy(), scale, counter))
    return history


@pytest.fixture(params=[True, False], ids=["eager-branch", "device-where"])
def step_mode(request, monkeypatch):
    """Both ways a step can go: a host branch (eager steps) or a `where` on the device
    (compiled and traced steps, where the engine's host counters are not trusted)."""
    if not request.param:
        monkeypatch.setattr(backend.engine.core, "step_counters_on_host", lambda: False)
    return request.param


def test_scale_schedule_and_skipped_steps_match_hand_computation(rng, step_mode):
    w0 = rng.standard_normal(3).astype("float32")
    grads = scaled_gradients(rng)
    optimizer = LossScaleOptimizer(SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2)
    variable = backend.Variable(w0, name="w")
    expected = hand_computed(w0, grads, 0.1, 8.0, 2)
    for g, (w, scale, counter) in zip(grads, expected):
        optimizer.apply([ops.convert_to_tensor(g)], [variable])
        assert_close(variable, w, rtol=1e-6)
        assert float(optimizer.dynamic_scale.numpy()) == scale
        assert int(optimizer.step_counter.numpy()) == counter
    assert [e[1] for e in expected] == [8.0, 16.0, 8.0, 8.0, 4.0]
    # The inner optimizer's count: skipped steps are not counted.
    assert int(to_numpy(optimizer.iterations)) == 3


def test_skipped_step_leaves_inner_slots_untouched(rng, step_mode):
    optimizer = LossScaleOptimizer(Adam(0.01), initial_scale=4.0)
    variable = backend.Variable(rng.standard_normal((2, 2)).astype("float32"), name="w")
    first = rng.standard_normal((2, 2)).astype("float32")
    optimizer.apply([ops.convert_to_tensor(first)], [variable])  # builds the Adam slots
    before = [to_numpy(v) for v in optimizer.inner_optimizer.variables] + [to_numpy(variable)]
    bad = np.full((2, 2), np.inf, "float32")
    optimizer.apply([ops.convert_to_tensor(bad)], [variable])
    after = [to_numpy(v) for v in optimizer.inner_optimizer.variables] + [to_numpy(variable)]
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)
    assert float(optimizer.dynamic_scale.numpy()) == 2.0


def test_scale_loss_uses_the_current_scale():
    optimizer = LossScaleOptimizer(SGD(), initial_scale=32.0)
    assert_close(optimizer.scale_loss(ops.convert_to_tensor(1.5)), 48.0)  # before the build
    optimizer.build([backend.Variable(np.ones(2, "float32"), name="w")])
    optimizer.dynamic_scale.assign(4.0)
    assert_close(optimizer.scale_loss(ops.convert_to_tensor(1.5)), 6.0)


def test_state_variables_learning_rate_and_inner_scale_factor():
    inner = SGD(0.25, loss_scale_factor=10.0)
    optimizer = LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None  # the wrapper owns the scale: never scaled twice
    optimizer.build([backend.Variable(np.ones(2, "float32"), name="w")])
    paths = [v.path for v in optimizer.variables]
    name = optimizer.name
    assert paths[:4] == [f"{name}/iteration", f"{name}/learning_rate", f"{name}/step_counter",
                         f"{name}/dynamic_scale"]  # fmt: skip
    assert paths[4:] == [v.path for v in inner.variables]
    assert float(to_numpy(optimizer.learning_rate)) == pytest.approx(0.25)
    optimizer.learning_rate = 0.5
    assert float(to_numpy(inner.learning_rate)) == pytest.approx(0.5)
    assert (optimizer.initial_scale, optimizer.dynamic_growth_steps) == (2.0**15, 2000)


def test_config_has_keras_keys_and_round_trips():
    optimizer = LossScaleOptimizer(Adam(0.003), initial_scale=128.0, dynamic_growth_steps=7)
    config = optimizer.get_config()
    assert set(config) == {"name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"}
    assert config["inner_optimizer"]["class_name"] == "Adam"
    clone = check_config_roundtrip(optimizer)
    assert isinstance(clone.inner_optimizer, Adam)
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert isinstance(restored, LossScaleOptimizer)
    assert restored.dynamic_growth_steps == 7
    assert lamina.mixed_precision.LossScaleOptimizer is LossScaleOptimizer


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"inner_optimizer": "adam"}, TypeError, "inner_optimizer.*Optimizer instance"),
        ({"initial_scale": 0}, ValueError, "initial_scale.*> 0.*Received: initial_scale=0"),
        ({"initial_scale": "big"}, TypeError, "initial_scale.*number"),
        ({"dynamic_growth_steps": 0}, ValueError, "dynamic_growth_steps.*>= 1"),
        ({"dynamic": False}, ValueError, "dynamic=False"),
        ({"clipnorm": 1.0}, ValueError, "does not support `clipnorm`"),
        ({"momentum": 0.9}, ValueError, "does not support arguments.*momentum"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    arguments = {"inner_optimizer": SGD(), **kwargs}
    with pytest.raises(error, match=match):
        LossScaleOptimizer(**arguments)


def test_keras_defaults_of_old_configs_are_accepted():
    optimizer = LossScaleOptimizer(SGD(), clipnorm=None, use_ema=False, ema_momentum=0.99)
    assert optimizer.inner_optimizer.clipnorm is None


@pytest.mark.training
def test_mixed_float16_fit_with_loss_scaling_trains_without_nans(rng):
    # The engine's default step: eager on torch (the host branch), compiled on JAX (`where`).
    x = rng.standard_normal((64, 6)).astype("float32")
    y = (x @ rng.standard_normal((6, 1))).astype("float32")
    policy = "mixed_float16"  # the model's policy makes compile wrap; the layers' computes
    model = lamina.Sequential(
        [
            lamina.Input((6,)),
            layers.Dense(16, activation="tanh", dtype=policy),
            layers.Dense(1, dtype=policy),
        ],
        dtype=policy,
    )
    # 2**20 overflows float16 gradients at first: those steps are skipped and halve the scale.
    model.compile(Adam(0.02), "mse")
    model.optimizer.initial_scale = 2.0**20
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0)
    losses = history.history["loss"]
    assert isinstance(model.optimizer, LossScaleOptimizer)
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 0.6 * losses[0]
    assert float(model.optimizer.dynamic_scale.numpy()) < 2.0**20  # some steps overflowed
    assert 0 < int(to_numpy(model.optimizer.iterations)) < 24  # ... and were skipped
    for weight in model.weights:
        assert weight.dtype == "float32"
        assert np.all(np.isfinite(to_numpy(weight)))
