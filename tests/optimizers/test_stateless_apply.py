"""``Optimizer.stateless_apply``: an update on given values, with no variable changed."""

import numpy as np
import pytest

from lamina import backend, constraints, ops
from lamina.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from lamina.optimizers.schedules import ExponentialDecay
from tests.harness import assert_close, to_numpy

SHAPES = ((3,), (2, 2))


def make_variables(rng):
    return [
        backend.Variable(rng.standard_normal(shape).astype("float32"), name=f"w{i}")
        for i, shape in enumerate(SHAPES)
    ]


def gradients(rng):
    return [ops.convert_to_tensor(rng.standard_normal(s).astype("float32")) for s in SHAPES]


def snapshot(variables):
    return [to_numpy(variable) for variable in variables]


OPTIMIZERS = [
    lambda: SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
    lambda: Adam(learning_rate=0.01, amsgrad=True),
    lambda: AdamW(learning_rate=0.01, weight_decay=0.1),
    lambda: RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
    lambda: Adagrad(learning_rate=0.1),
    lambda: Adam(learning_rate=ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)),
    lambda: SGD(learning_rate=0.1, clipnorm=0.5, use_ema=True, ema_overwrite_frequency=2),
]
IDS = ["sgd-nesterov", "adam-amsgrad", "adamw", "rmsprop-centered", "adagrad", "schedule", "ema"]


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS, ids=IDS)
def test_equals_a_stateful_apply_and_changes_nothing(make_optimizer, rng):
    steps = [gradients(rng) for _ in range(3)]
    initial = [rng.standard_normal(shape).astype("float32") for shape in SHAPES]

    # The reference: the stateful update on its own copy.
    stateful = make_optimizer()
    reference = [backend.Variable(v, name=f"ref{i}") for i, v in enumerate(initial)]
    for grads in steps:
        stateful.apply(grads, reference)

    optimizer = make_optimizer()
    variables = [backend.Variable(v, name=f"w{i}") for i, v in enumerate(initial)]
    optimizer.build(variables)
    optimizer_before = snapshot(optimizer.variables)
    trainable = [variable.value for variable in variables]
    optimizer_values = [variable.value for variable in optimizer.variables]
    for grads in steps:
        trainable, optimizer_values = optimizer.stateless_apply(optimizer_values, grads, trainable)

    for value, expected in zip(trainable, reference):
        assert_close(value, expected)
    for value, expected in zip(optimizer_values, stateful.variables):
        assert_close(value, expected)
    assert int(to_numpy(optimizer_values[0])) == 3  # iterations comes first
    # Nothing changed: the model's variables, the optimizer's, its step count.
    for variable, value in zip(variables, initial):
        assert_close(variable, value)
    for variable, value in zip(optimizer.variables, optimizer_before):
        assert_close(variable, value)
    assert int(to_numpy(optimizer.iterations)) == 0


@pytest.mark.engine("jax")
def test_under_jit_and_the_optimizer_still_applies_statefully_afterwards(rng):
    import jax

    variables = make_variables(rng)
    initial = snapshot(variables)
    optimizer = Adam(learning_rate=0.01)
    optimizer.build(variables)
    grads = gradients(rng)

    @jax.jit
    def step(optimizer_values, grads, trainable):
        return optimizer.stateless_apply(optimizer_values, grads, trainable)

    trainable, optimizer_values = step(
        [v.value for v in optimizer.variables], grads, [v.value for v in variables]
    )
    trainable, optimizer_values = step(optimizer_values, grads, trainable)
    assert int(to_numpy(optimizer_values[0])) == 2
    # The stateful optimizer, untouched by the jitted calls, counts from 0: its first two
    # steps give the same values.
    optimizer.apply(grads, variables)
    optimizer.apply(grads, variables)
    assert int(to_numpy(optimizer.iterations)) == 2
    for variable, value in zip(variables, trainable):
        assert_close(variable, value)
    assert not np.allclose(to_numpy(variables[0]), initial[0])


def test_constraints_apply_to_the_returned_values(rng):
    variables = make_variables(rng)
    for variable in variables:
        variable.constraint = constraints.NonNeg()
    optimizer = SGD(learning_rate=10.0)
    optimizer.build(variables)
    grads = [ops.ones(shape) for shape in SHAPES]  # a big step down: below zero
    trainable, _ = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], grads, [v.value for v in variables]
    )
    for value in trainable:
        assert float(np.min(to_numpy(value))) >= 0.0


def test_needs_a_built_optimizer_and_one_value_per_variable(rng):
    variables = make_variables(rng)
    optimizer = Adam()
    with pytest.raises(ValueError, match=r"must be built.*optimizer\.build"):
        optimizer.stateless_apply([], gradients(rng), [v.value for v in variables])
    optimizer.build(variables)
    optimizer_values = [v.value for v in optimizer.variables]
    with pytest.raises(ValueError, match="expects 6 values in optimizer_variables"):
        optimizer.stateless_apply(optimizer_values[:-1], gradients(rng), variables)
    with pytest.raises(ValueError, match="expects 2 values in trainable_variables"):
        optimizer.stateless_apply(optimizer_values, gradients(rng), [variables[0].value])
