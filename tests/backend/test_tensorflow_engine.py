"""TensorFlow-specific behaviour: Variables that TensorFlow itself takes (GradientTape,
tf.convert_to_tensor), shape inference on graph placeholders, stateless random draws, the
compiled step (tf.function; XLA only for an explicit jit_compile=True). Keras's TF guides
run in tests/examples (test_guide_*_tensorflow.py)."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops

pytestmark = pytest.mark.engine("tensorflow")
if keras.backend.backend() != "tensorflow":  # skip before importing TensorFlow (seconds)
    pytest.skip("tensorflow-specific tests", allow_module_level=True)
tf = pytest.importorskip("tensorflow")


def regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype="float32")


def mlp(dropout=0.0):
    return keras.Sequential(
        [keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dropout(dropout),
         layers.Dense(1)]
    )  # fmt: skip


def test_variable_holds_a_tf_variable_that_tensorflow_takes(rng):
    value = rng.standard_normal((3, 2)).astype("float32")
    variable = keras.Variable(value, name="kernel")
    assert isinstance(variable.value, tf.Variable)
    np.testing.assert_array_equal(tf.convert_to_tensor(variable).numpy(), value)
    x = rng.standard_normal((4, 3)).astype("float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.matmul(x, variable.value) ** 2)
    (gradient,) = tape.gradient(loss, [variable])  # the Lamina Variable as a source
    np.testing.assert_allclose(gradient.numpy(), 2 * x.T @ (x @ value), rtol=1e-5)


def test_assign_add_and_sub_in_place_and_shape_errors():
    variable = keras.Variable(np.ones((2, 2), "float32"))
    inner = variable.value
    variable.assign_add(np.full((2, 2), 2.0, "float32"))
    variable.assign_sub(1.0)
    assert variable.value is inner  # the same tf.Variable, written in place
    np.testing.assert_array_equal(variable.numpy(), np.full((2, 2), 2.0))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        variable.assign_add(np.ones((3,), "float32"))
    with pytest.raises(ValueError, match="shape"):
        variable.assign(np.ones((3,), "float32"))
    np.testing.assert_array_equal(variable.numpy(), np.full((2, 2), 2.0))  # unchanged


def test_non_trainable_variable_is_not_watched():
    variable = keras.Variable(np.ones((2,), "float32"), trainable=False)
    assert not variable.value.trainable
    variable.trainable = True
    assert variable.value.trainable


def test_conversion_follows_keras_dtype_rules():
    from lamina.backend.tensorflow import core

    assert core.convert_to_tensor(1.5).dtype == tf.float32
    assert core.convert_to_tensor(3).dtype == tf.int32
    assert core.convert_to_tensor(np.ones(2)).dtype == tf.float64  # an array keeps it
    assert core.convert_to_tensor([1, 2]).dtype == tf.int32
    assert core.convert_to_tensor([1.7, 2.2], dtype="int32").numpy().tolist() == [1, 2]
    with pytest.raises(TypeError, match="numeric"):
        core.convert_to_tensor(np.array(["a"]))


def test_symbolic_shapes_come_from_graph_placeholders():
    inputs = keras.Input((None, 3))
    outputs = ops.reshape(ops.matmul(inputs, np.ones((3, 5), "float32")), (-1, 5))
    assert outputs.shape == (None, 5)
    dense = layers.Dense(4)
    symbolic = dense(keras.Input((7,)))
    assert symbolic.shape == (None, 4)
    assert isinstance(dense.kernel.value, tf.Variable)  # built eagerly, outside the graph


def test_seeded_draws_repeat_and_seed_generators_advance():
    from lamina import random

    first = random.normal((3,), seed=7)
    np.testing.assert_array_equal(ops.convert_to_numpy(first), random.normal((3,), seed=7))
    generator = keras.random.SeedGenerator(3)

    @tf.function
    def draw():
        return random.uniform((4,), seed=generator)

    a, b = draw().numpy(), draw().numpy()  # the state variable advances inside the graph
    assert not np.array_equal(a, b)
    assert a.min() >= 0.0
    assert a.max() < 1.0


def test_unseeded_draws_differ_per_call_inside_a_graph_and_state_restores():
    from lamina.backend.tensorflow import random as engine_random

    engine_random.set_global_seed(1)
    state = engine_random.get_global_state()

    @tf.function
    def draw():
        return engine_random.normal((2,))

    a, b = draw().numpy(), draw().numpy()
    assert not np.array_equal(a, b)
    engine_random.set_global_state(state)
    np.testing.assert_array_equal(draw().numpy(), a)
    with pytest.raises(ValueError, match="get_global_state"):
        engine_random.set_global_state([1, 2])


@pytest.mark.training
def test_auto_compiles_a_tf_function_without_xla_and_true_with_xla():
    from lamina.backend.tensorflow.trainer import GraphStep

    x, y = regression()
    for jit_compile, xla in (("auto", False), (True, True)):
        model = mlp()
        model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        step = model.train_function.function
        assert isinstance(step, GraphStep)
        assert step.xla is xla
        assert step.graph_function is not None  # traced from the second batch on


@pytest.mark.training
def test_compiled_step_matches_eager_with_dropout_and_callback_writes():
    x, y = regression()
    histories, weights = [], []
    for run_eagerly in (True, False):
        keras.utils.set_random_seed(0)
        model = mlp(dropout=0.3)
        model.compile(optimizer="adam", loss="mse", run_eagerly=run_eagerly)
        history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        histories.append(history.history["loss"])
        weights.append(model.get_weights())
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-5)
    for eager, compiled in zip(*weights):
        np.testing.assert_allclose(eager, compiled, rtol=1e-5, atol=1e-6)


def test_steps_per_execution_stacks_only_batches_alike_in_a_graph_loop(rng):
    from lamina.backend.tensorflow.trainer import _stack_batches

    x = rng.standard_normal((2, 3)).astype("float32")
    first, second = (tf.constant(x), None), (tf.constant(x + 1.0), None)
    stacked, absent = _stack_batches([first, second])
    np.testing.assert_array_equal(stacked.numpy(), np.stack([x, x + 1.0]))
    assert absent is None  # a batch without sample weights stays without
    assert _stack_batches([first, (tf.constant(x[:1]), None)]) is None  # a smaller batch
    assert _stack_batches([first, (tf.constant(x),)]) is None  # another structure
    text = np.array([b"a", b"b"], dtype=object)  # text runs through the step as it is
    assert _stack_batches([(text,), (text,)]) is None
