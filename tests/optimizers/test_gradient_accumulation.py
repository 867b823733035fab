"""gradient_accumulation_steps: the host-side branch and the device-side (`where`) path that
compiled or replayed steps take must give the same result."""

import numpy as np
import pytest

from lamina import backend, ops
from lamina.optimizers import Adam, Nadam, Optimizer
from tests.harness import assert_close, to_numpy
from tests.optimizers.reference import random_problem, run_lamina


def run(optimizer, values, grads, monkeypatch, on_host):
    if not on_host:
        monkeypatch.setattr(backend.engine.core, "step_counters_on_host", lambda: False)
    try:
        return run_lamina(optimizer, values, grads)
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("optimizer_class", [Adam, Nadam])
def test_device_path_equals_host_path(rng, monkeypatch, optimizer_class):
    values, grads = random_problem(rng, num_steps=5)
    results = []
    for on_host in (True, False):
        optimizer = optimizer_class(learning_rate=0.05, gradient_accumulation_steps=2)
        weights, _ = run(optimizer, values, grads, monkeypatch, on_host)
        results.append(weights + [to_numpy(v) for v in optimizer.variables])
    for host, device in zip(*results):
        assert_close(device, host, rtol=1e-6, atol=1e-7)


def test_accumulators_follow_keras_names_and_iterations_count_updates(rng):
    optimizer = Adam(gradient_accumulation_steps=3)
    variable = backend.Variable(np.ones(2, "float32"), name="w")
    optimizer.build([variable])
    names = [v.name for v in optimizer.variables[2:]]
    assert names == ["w_gradient_accumulator", "w_momentum", "w_velocity"]
    for call in range(7):
        optimizer.apply([ops.ones((2,))], [variable])
        assert int(to_numpy(optimizer.iterations)) == (call + 1) // 3
    assert_close(optimizer.variables[2], [1.0, 1.0])  # one gradient since the last update


@pytest.mark.parametrize("steps", [1, 2.5, True])
def test_bad_gradient_accumulation_steps(steps):
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        Optimizer(learning_rate=0.1, gradient_accumulation_steps=steps)
