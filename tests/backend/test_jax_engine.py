"""JAX-specific behaviour: the stateless scope, stateless_call under jax.grad / jax.jit, and
the compiled training step (the default on JAX) agreeing with the eager one."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers

pytestmark = pytest.mark.engine("jax")


def regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype="float32")


def mlp(dropout=0.0):
    return keras.Sequential(
        [keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dropout(dropout),
         layers.BatchNormalization(), layers.Dense(1)]
    )  # fmt: skip


def test_stateless_scope_swaps_values_in_and_collects_writes():
    import jax.numpy as jnp

    from lamina.backend.jax import StatelessScope

    variable = keras.Variable(np.ones((2,), "float32"))
    with StatelessScope(state_mapping=[(variable, jnp.full((2,), 5.0))]) as scope:
        np.testing.assert_array_equal(np.asarray(variable.value), [5.0, 5.0])
        variable.assign(variable.value * 2)
        np.testing.assert_array_equal(np.asarray(variable.value), [10.0, 10.0])
    np.testing.assert_array_equal(variable.numpy(), [1.0, 1.0])  # untouched
    np.testing.assert_array_equal(np.asarray(scope.get_current_value(variable)), [10.0, 10.0])
    with pytest.raises(ValueError, match="shape"):
        StatelessScope(state_mapping=[(variable, jnp.ones((3,)))])


def test_assigning_a_tracer_outside_a_scope_is_a_clear_error():
    import jax

    variable = keras.Variable(np.ones((2,), "float32"))

    def leak(x):
        variable.assign(x)
        return x

    with pytest.raises(ValueError, match="stateless"):
        jax.jit(leak)(np.zeros((2,), "float32"))


def test_custom_jax_loop_over_stateless_call_trains():
    import jax

    x, y = regression()
    model = mlp(dropout=0.2)
    model.build((None, 4))
    loss_fn = keras.losses.MeanSquaredError()
    optimizer = keras.optimizers.SGD(0.05)
    optimizer.build(model.trainable_variables)

    def compute_loss(trainable, non_trainable, xb, yb):
        y_pred, non_trainable = model.stateless_call(trainable, non_trainable, xb, training=True)
        return loss_fn(yb, y_pred), non_trainable

    @jax.jit
    def step(trainable, non_trainable, xb, yb):
        (loss, non_trainable), grads = jax.value_and_grad(compute_loss, has_aux=True)(
            trainable, non_trainable, xb, yb
        )
        trainable = [w - 0.05 * g for w, g in zip(trainable, grads)]
        return loss, trainable, non_trainable

    before = model.get_weights()
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    losses = []
    for _epoch in range(30):
        for start in range(0, 64, 16):
            loss, trainable, non_trainable = step(
                trainable, non_trainable, x[start : start + 16], y[start : start + 16]
            )
        losses.append(float(loss))
    assert losses[-1] < losses[0] * 0.5
    for a, b in zip(model.get_weights(), before):  # stateless: the model did not change
        np.testing.assert_array_equal(a, b)
    # The seed state (a non-trainable variable, as in Keras) advanced with every step.
    seed_index = next(
        i for i, v in enumerate(model.non_trainable_variables) if "seed_generator" in v.path
    )
    assert not np.array_equal(
        np.asarray(non_trainable[seed_index]), model.non_trainable_variables[seed_index].numpy()
    )
    initial_error = np.mean((model.predict(x, verbose=0) - y) ** 2)
    for variable, value in zip(model.trainable_variables, trainable):
        variable.assign(value)
    assert np.mean((model.predict(x, verbose=0) - y) ** 2) < 0.5 * initial_error


def test_stateless_call_checks_its_arguments():
    dense = layers.Dense(2)
    with pytest.raises(ValueError, match="build"):
        dense.stateless_call([], [], np.zeros((1, 4), "float32"))
    model = mlp()
    with pytest.raises(ValueError, match="trainable_variables"):
        model.stateless_call([], [], np.zeros((1, 4), "float32"))


def test_compiled_fit_matches_eager_fit():
    x, y = regression()
    results = []
    for run_eagerly in (False, True):
        keras.backend.clear_session()
        keras.utils.set_random_seed(3)
        model = mlp(dropout=0.3)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"], run_eagerly=run_eagerly)
        assert model.jit_compile is (not run_eagerly)  # jit is the default on JAX
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
        results.append((history.history, model.get_weights()))
    (compiled_history, compiled), (eager_history, eager) = results
    for key in ("loss", "mae"):
        np.testing.assert_allclose(compiled_history[key], eager_history[key], rtol=1e-5)
    for a, b in zip(compiled, eager):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_compiled_step_records_again_when_state_is_swapped():
    x, y = regression()
    model = mlp(dropout=0.5)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    dropout = model.layers[1]
    dropout.seed_generator = keras.random.SeedGenerator(7)  # state the step never saw
    model.train_on_batch(x[:16], y[:16])
    model.train_on_batch(x[:16], y[:16])
    assert int(dropout.seed_generator.state.numpy()[1]) == 2  # advanced by both steps


def test_no_traced_value_outlives_a_compiled_step():
    import jax

    x, y = regression()
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(8, activity_regularizer="l2", kernel_regularizer="l2"),
         layers.Dense(1)]
    )  # fmt: skip
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    for loss in model.losses:  # the kernel regularizer's, computed now from the variable
        assert not isinstance(loss, jax.core.Tracer)
        assert np.isfinite(float(loss))
