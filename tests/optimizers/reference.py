"""Shared pieces of the optimizer tests: a float64 NumPy reference of the update pipeline, and
a runner that drives a Lamina optimizer on the same seeded variables and gradients.

A reference rule is ``update(slots, w, g, lr, t) -> new w``: ``slots`` is a per-variable dict
it may fill on first use, ``t`` the 1-based step. The pipeline around it (clipping, weight
decay, learning-rate schedule) is Keras 3's, written here independently in NumPy.
"""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from tests.harness import to_numpy

SHAPES = [(3, 4), (5,), ()]  # a matrix, a vector and a scalar variable
NUM_STEPS = 5

# Options of the base Optimizer, each exercised with every optimizer.
BASE_OPTIONS = {
    "weight_decay": {"weight_decay": 0.05},
    "clipnorm": {"clipnorm": 1.0},
    "clipvalue": {"clipvalue": 0.5},
    "global_clipnorm": {"global_clipnorm": 2.0},
    "gradient_accumulation": {"gradient_accumulation_steps": 2},
    "schedule": {"schedule": True},
}


def inverse_time_schedule(learning_rate):
    """The schedule the "schedule" option runs: (a Lamina schedule, its NumPy formula)."""
    from lamina.optimizers.schedules import InverseTimeDecay

    schedule = InverseTimeDecay(learning_rate, decay_steps=2, decay_rate=0.5)
    return schedule, lambda step: learning_rate / (1 + 0.5 * step / 2)


def random_problem(rng, shapes=SHAPES, num_steps=NUM_STEPS, dtype="float32"):
    """Initial values and one list of gradients per step, all standard normal (never zeros)."""

    def sample(shape):
        return np.asarray(rng.standard_normal(shape), dtype=dtype)

    values = [sample(shape) for shape in shapes]
    grads = [[sample(shape) for shape in shapes] for _ in range(num_steps)]
    return values, grads


def run_lamina(optimizer, values, grads_per_step, names=None):
    """Apply ``grads_per_step`` to fresh Variables holding ``values``; return the final values."""
    names = names or [f"w{i}" for i in range(len(values))]
    variables = [
        backend.Variable(value, name=name, dtype=str(value.dtype))
        for value, name in zip(values, names)
    ]
    for grads in grads_per_step:
        optimizer.apply([ops.convert_to_tensor(g) for g in grads], variables)
    return [to_numpy(v) for v in variables], variables


def _clip(grads, clipnorm=None, clipvalue=None, global_clipnorm=None):
    if clipnorm:
        return [g * clipnorm / max(np.sqrt(np.sum(g**2)), clipnorm) for g in grads]
    if global_clipnorm:
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g * global_clipnorm / max(norm, global_clipnorm) for g in grads]
    if clipvalue:
        return [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def run_reference(
    update,
    values,
    grads_per_step,
    learning_rate,
    weight_decay=None,
    clipnorm=None,
    clipvalue=None,
    global_clipnorm=None,
    excluded=(),
    gradient_accumulation_steps=None,
):
    """The NumPy float64 result of Keras 3's pipeline; ``learning_rate`` may be a function of
    the 0-based update count. Variables whose index is in ``excluded`` skip weight decay.
    With ``gradient_accumulation_steps``, every that many calls update with the mean of the
    summed gradients."""
    weights = [np.asarray(v, np.float64) for v in values]
    slots = [{} for _ in weights]
    accumulated = [np.zeros_like(w) for w in weights]
    step = -1
    for call, grads in enumerate(grads_per_step):
        grads = [np.asarray(g, np.float64) for g in grads]
        if gradient_accumulation_steps:
            accumulated = [a + g for a, g in zip(accumulated, grads)]
            if (call + 1) % gradient_accumulation_steps:
                continue
            grads = [a / gradient_accumulation_steps for a in accumulated]
            accumulated = [np.zeros_like(w) for w in weights]
        step += 1
        lr = learning_rate(step) if callable(learning_rate) else learning_rate
        grads = _clip(grads, clipnorm, clipvalue, global_clipnorm)
        for index, (w, g) in enumerate(zip(weights, grads)):
            if weight_decay and index not in excluded:
                w = w - w * weight_decay * lr
            weights[index] = update(slots[index], w, g, lr, step + 1)
    return weights


def optimizer_options(own_options: dict) -> dict:
    """An optimizer's own option sets merged with the base options, for parametrize ids."""
    return {"defaults": {}, **own_options, **BASE_OPTIONS}


def split_options(options: dict, own_names) -> tuple[dict, dict]:
    """(options of the rule itself, options of the base pipeline)."""
    own = {k: v for k, v in options.items() if k in own_names}
    base = {k: v for k, v in options.items() if k not in own_names}
    return own, base


def assert_matches_reference(
    rng, optimizer_class, rule, options, own_names, learning_rate, rtol=2e-5, atol=2e-6
):
    """Run ``optimizer_class(learning_rate, **options)`` and the NumPy pipeline around
    ``rule(**own options)`` on one random problem, and compare every variable. The option
    ``schedule=True`` runs ``inverse_time_schedule(learning_rate)`` instead of a constant."""
    from tests.harness import assert_close

    values, grads = random_problem(rng)
    options = dict(options)
    reference_learning_rate = learning_rate
    if options.pop("schedule", False):
        learning_rate, reference_learning_rate = inverse_time_schedule(learning_rate)
    own, base = split_options(options, own_names)
    optimizer = optimizer_class(learning_rate=learning_rate, **options)
    actual, _ = run_lamina(optimizer, values, grads)
    expected = run_reference(rule(**own), values, grads, reference_learning_rate, **base)
    for index, (a, e) in enumerate(zip(actual, expected)):
        assert_close(a, e, rtol=rtol, atol=atol, err_msg=f"variable w{index}")
    steps = options.get("gradient_accumulation_steps") or 1
    assert int(to_numpy(optimizer.iterations)) == len(grads) // steps
