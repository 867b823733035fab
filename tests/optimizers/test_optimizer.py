import numpy as np
import pytest

from lamina import backend, constraints, ops
from lamina.optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from tests.harness import assert_close, to_numpy
from tests.optimizers.reference import random_problem, run_lamina, run_reference
from tests.optimizers.test_adam import adam_rule
from tests.optimizers.test_sgd import sgd_rule


def make_variables(rng, shapes=((3,), (2, 2)), dtype="float32"):
    return [
        backend.Variable(rng.standard_normal(shape).astype(dtype), name=f"w{i}")
        for i, shape in enumerate(shapes)
    ]


def gradients_for(variables, rng):
    return [ops.convert_to_tensor(rng.standard_normal(v.shape).astype(v.dtype)) for v in variables]


# ---- state ----------------------------------------------------------------------------------


def test_iterations_is_a_non_trainable_int64_counter(rng):
    optimizer = SGD()
    assert optimizer.iterations.dtype == "int64"
    assert not optimizer.iterations.trainable
    assert optimizer.iterations.path == "sgd/iteration"
    variables = make_variables(rng)
    for step in range(3):
        assert int(to_numpy(optimizer.iterations)) == step
        optimizer.apply(gradients_for(variables, rng), variables)


def test_apply_after_build_needs_no_variables_and_apply_gradients_returns_iterations(rng):
    values, grads = random_problem(rng, num_steps=2)
    expected, _ = run_lamina(SGD(learning_rate=0.1), values, grads)
    optimizer = SGD(learning_rate=0.1)
    variables = [backend.Variable(v, name=f"w{i}") for i, v in enumerate(values)]
    optimizer.build(variables)
    optimizer.apply([ops.convert_to_tensor(g) for g in grads[0]])
    iterations = optimizer.apply_gradients(
        [(ops.convert_to_tensor(g), v) for g, v in zip(grads[1], variables)]
    )
    assert iterations is optimizer.iterations
    for variable, value in zip(variables, expected):
        assert_close(variable, value)


def test_learning_rate_is_a_settable_variable(rng):
    optimizer = SGD(learning_rate=0.5)
    assert optimizer.learning_rate.path == "sgd/learning_rate"
    optimizer.learning_rate = 0.25
    assert_close(optimizer.learning_rate, 0.25)
    variable = backend.Variable(np.ones(2, "float32"), name="w")
    optimizer.apply([ops.ones((2,))], [variable])
    assert_close(variable, [0.75, 0.75])


def test_callable_learning_rate_is_read_each_step():
    rates = iter([0.5, 0.25])
    optimizer = SGD(learning_rate=lambda: next(rates))
    variable = backend.Variable(np.ones(2, "float32"), name="w")
    optimizer.apply([ops.ones((2,))], [variable])
    optimizer.apply([ops.ones((2,))], [variable])
    assert_close(variable, [0.25, 0.25])


def test_float64_variables_keep_their_dtype(rng):
    values, grads = random_problem(rng, dtype="float64")
    actual, variables = run_lamina(Adam(learning_rate=0.05), values, grads)
    assert [v.dtype for v in variables] == ["float64"] * len(values)
    expected = run_reference(adam_rule(), values, grads, float(np.float32(0.05)))
    for a, e in zip(actual, expected):
        assert_close(a, e, rtol=1e-6, atol=1e-9)


def test_user_optimizer_with_only_update_step(rng):
    class HalfStep(Optimizer):
        def update_step(self, gradient, variable, learning_rate):
            self.assign_sub(variable, ops.multiply(gradient, ops.cast(learning_rate, "float32")))

    optimizer = HalfStep(learning_rate=0.5)
    assert optimizer.name == "half_step"
    variable = backend.Variable(np.ones(2, "float32"), name="w")
    optimizer.apply([ops.ones((2,))], [variable])
    assert_close(variable, [0.5, 0.5])


# ---- the pipeline around the update rule ----------------------------------------------------


def test_none_gradients_are_skipped_with_a_warning(rng):
    variables = make_variables(rng)
    before = to_numpy(variables[1])
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['w1'\]"):
        SGD(learning_rate=0.1).apply([ops.ones((3,)), None], variables)
    assert_close(variables[1], before)
    assert not np.allclose(to_numpy(variables[0]), 0)


def test_all_none_gradients_is_an_error(rng):
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        SGD().apply([None, None], make_variables(rng))


def test_constraint_applies_after_the_update(rng):
    variable = backend.Variable(np.array([0.5, -0.5, 2.0], "float32"), name="w")
    variable.constraint = constraints.NonNeg()
    SGD(learning_rate=1.0).apply(
        [ops.convert_to_tensor(np.array([1.0, 0.0, 1.0], "float32"))], [variable]
    )
    assert_close(variable, [0.0, 0.0, 1.0])


@pytest.mark.parametrize("how", ["var_list", "var_names"])
def test_exclude_from_weight_decay(rng, how):
    values, grads = random_problem(rng)
    optimizer = SGD(learning_rate=0.1, weight_decay=0.5)
    names = ["kernel", "bias", "scale"]
    variables = [backend.Variable(v, name=n) for v, n in zip(values, names)]
    if how == "var_list":
        optimizer.exclude_from_weight_decay(var_list=[variables[1]])
    else:
        optimizer.exclude_from_weight_decay(var_names=["bia"])
    for step_grads in grads:
        optimizer.apply([ops.convert_to_tensor(g) for g in step_grads], variables)
    expected = run_reference(sgd_rule(), values, grads, 0.1, weight_decay=0.5, excluded={1})
    for variable, value in zip(variables, expected):
        assert_close(variable, value)


def test_exclude_from_weight_decay_after_build_is_an_error(rng):
    optimizer = AdamW()
    optimizer.build(make_variables(rng))
    with pytest.raises(ValueError, match="before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_names=["bias"])


def test_loss_scale_factor_unscales_gradients(rng):
    values, grads = random_problem(rng)
    scaled = [[g * 8 for g in step] for step in grads]
    optimizer = Adam(learning_rate=0.05, loss_scale_factor=8.0)
    assert_close(optimizer.scale_loss(ops.convert_to_tensor(np.float32(2.0))), 16.0)
    actual, _ = run_lamina(optimizer, values, scaled)
    for a, e in zip(actual, run_reference(adam_rule(), values, grads, 0.05)):
        assert_close(a, e, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("ema_overwrite_frequency", [None, 3])
def test_ema_matches_numpy(rng, ema_overwrite_frequency):
    values, grads = random_problem(rng, num_steps=7)
    optimizer = SGD(
        learning_rate=0.1, use_ema=True, ema_momentum=0.8,
        ema_overwrite_frequency=ema_overwrite_frequency,
    )  # fmt: skip
    actual, variables = run_lamina(optimizer, values, grads)
    weights = [np.asarray(v, np.float64) for v in values]
    averages = [None] * len(weights)
    for step, step_grads in enumerate(grads):
        for i, g in enumerate(step_grads):
            weights[i] = weights[i] - 0.1 * g
            momentum = 0.0 if step == 0 else 0.8
            averages[i] = weights[i] if averages[i] is None else averages[i]
            averages[i] = momentum * averages[i] + (1 - momentum) * weights[i]
            if ema_overwrite_frequency and (step + 1) % ema_overwrite_frequency == 0:
                weights[i] = averages[i].copy()
    for a, e in zip(actual, weights):
        assert_close(a, e)
    optimizer.finalize_variable_values(variables)
    for variable, average in zip(variables, averages):
        assert_close(variable, average)


def test_weights_save_and_load(rng):
    values, grads = random_problem(rng)
    first = Adam(learning_rate=0.05)
    run_lamina(first, values, grads)
    store = {}
    first.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(len(first.variables))]
    second = Adam(learning_rate=0.05)
    second.build([backend.Variable(v, name=f"w{i}") for i, v in enumerate(values)])
    second.load_own_variables(store)
    for a, b in zip(first.variables, second.variables):
        assert_close(to_numpy(b), to_numpy(a))
    third = Adam(learning_rate=0.05)
    third.build([backend.Variable(v, name=f"w{i}") for i, v in enumerate(values)])
    third.set_weights([store[str(i)] for i in range(len(store))])
    assert int(to_numpy(third.iterations)) == len(grads)


def test_loading_a_different_optimizer_state_warns_and_skips(rng):
    optimizer = Adam()
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        optimizer.load_own_variables({"0": np.zeros(())})
    assert int(to_numpy(optimizer.iterations)) == 0


# ---- training -------------------------------------------------------------------------------

LEAST_SQUARES = {
    "sgd": SGD(learning_rate=0.05, momentum=0.5),
    "adam": Adam(learning_rate=0.05),
    "adamw": AdamW(learning_rate=0.05),
    "rmsprop": RMSprop(learning_rate=0.01),
    "adagrad": Adagrad(learning_rate=0.5),
}


@pytest.mark.parametrize("name", LEAST_SQUARES)
def test_least_squares_loss_falls(rng, name):
    optimizer = type(LEAST_SQUARES[name]).from_config(LEAST_SQUARES[name].get_config())
    inputs = rng.standard_normal((64, 4)).astype("float32")
    targets = inputs @ rng.standard_normal(4).astype("float32") + 0.5
    x, y = ops.convert_to_tensor(inputs), ops.convert_to_tensor(targets)
    kernel = backend.Variable(rng.standard_normal(4).astype("float32"), name="kernel")
    bias = backend.Variable(np.float32(-1.0), name="bias")

    def loss_and_gradients():
        residual = ops.subtract(ops.add(ops.matmul(x, kernel), bias), y)  # (64,)
        loss = ops.mean(ops.square(residual))
        scale = 2.0 / len(inputs)
        return loss, [ops.multiply(ops.matmul(residual, x), scale), ops.sum(residual) * scale]

    initial_loss, _ = loss_and_gradients()
    for _ in range(200):
        _, gradients = loss_and_gradients()
        optimizer.apply(gradients, [kernel, bias])
    final_loss, _ = loss_and_gradients()
    assert float(to_numpy(final_loss)) < 0.05 * float(to_numpy(initial_loss))


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"clipnorm": 1.0, "clipvalue": 1.0}, ValueError, "Only one of `clipnorm`"),
        ({"clipnorm": -1.0}, ValueError, "clipnorm"),
        ({"learning_rate": "fast"}, ValueError, "learning_rate"),
        ({"learning_rate": None}, ValueError, "learning_rate"),
        ({"momentum_typo": 0.9}, ValueError, "not recognized.*momentum_typo"),
        ({"gradient_accumulation_steps": 1}, ValueError, "gradient_accumulation_steps"),
        ({"use_ema": True, "ema_momentum": 1.5}, ValueError, "ema_momentum"),
        ({"use_ema": True, "ema_overwrite_frequency": 0}, ValueError, "ema_overwrite_frequency"),
        ({"loss_scale_factor": 0.0}, ValueError, "loss_scale_factor"),
        ({"weight_decay": "l2"}, ValueError, "weight_decay"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, error, message):
    with pytest.raises(error, match=message):
        Adam(**kwargs)


def test_decay_argument_warns_that_it_is_ignored():
    with pytest.warns(UserWarning, match="`decay` is no longer supported"):
        SGD(decay=0.1)


def test_apply_errors(rng):
    variables = make_variables(rng)
    optimizer = SGD()
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply(gradients_for(variables, rng))
    with pytest.raises(ValueError, match="one gradient per variable"):
        optimizer.apply(gradients_for(variables, rng)[:1], variables)
    optimizer.apply(gradients_for(variables, rng), variables)
    stranger = make_variables(rng, shapes=((3,),))
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply(gradients_for(stranger, rng), stranger)


def test_schedule_learning_rate_cannot_be_set():
    from lamina.optimizers.schedules import ExponentialDecay

    optimizer = SGD(learning_rate=ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5))
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.1


def test_update_step_must_be_overridden(rng):
    variables = make_variables(rng)
    with pytest.raises(NotImplementedError, match="update_step"):
        Optimizer(learning_rate=0.1).apply(gradients_for(variables, rng), variables)


# ---- a subclass's update_step (Keras calls it; only the unmodified classes take fused paths)


@pytest.mark.parametrize("cls", [SGD, Adam, AdamW, RMSprop, Adagrad])
def test_an_overridden_update_step_is_called(rng, cls):
    class Plain(cls):
        calls: list = []

        def update_step(self, gradient, variable, learning_rate):
            self.calls.append(variable.name)
            lr = ops.cast(learning_rate, variable.dtype)
            self.assign_sub(variable, ops.multiply(ops.cast(gradient, variable.dtype), lr))

    values, grads = random_problem(rng, num_steps=2)
    optimizer = Plain(learning_rate=0.1, **({"weight_decay": 0.0} if cls is AdamW else {}))
    actual, _ = run_lamina(optimizer, values, grads)
    assert optimizer.calls == ["w0", "w1", "w2"] * 2
    for a, e in zip(actual, run_reference(sgd_rule(), values, grads, 0.1)):
        assert_close(a, e, rtol=1e-5, atol=1e-6)


def test_default_names_are_unique_snake_case_as_keras():
    # Keras 3.15: SGD(), SGD(), AdamW(), RMSprop() are named sgd, sgd_1, adam_w, rm_sprop.
    names = [cls().name for cls in (SGD, SGD, Adam, AdamW, RMSprop, Adagrad)]
    assert names == ["sgd", "sgd_1", "adam", "adam_w", "rm_sprop", "adagrad"]
    assert SGD(name="mine").name == "mine"


def test_add_variable_takes_keras_arguments():
    optimizer = SGD()
    variable = optimizer.add_variable((2,), aggregation="sum", name="total")
    assert variable.aggregation == "sum"
    assert optimizer.add_variable((2,)).aggregation == "none"  # Keras's default
    assert variable.path == f"{optimizer.name}/total"
    with pytest.raises(TypeError, match="layout must be a lamina.distribution.TensorLayout"):
        optimizer.add_variable((2,), layout=object())
