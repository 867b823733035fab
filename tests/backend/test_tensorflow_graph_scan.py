"""``scan`` in a graph being traced on TensorFlow: one ``tf.while_loop`` (the graph does not
grow with the sequence), the same values and gradients as the eager loop, and the recurrent
layers' time loop on it under ``tf.function``."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops
from tests.harness import assert_close

pytestmark = pytest.mark.engine("tensorflow")
if keras.backend.backend() != "tensorflow":  # skip before importing TensorFlow (seconds)
    pytest.skip("tensorflow-specific tests", allow_module_level=True)
tf = pytest.importorskip("tensorflow")


def decaying_sum(carry, x):
    carry = 0.5 * carry + x
    return carry, carry * x


def reference_decaying_sum(init, xs, reverse=False):
    carry, ys = np.asarray(init, np.float64), np.zeros(xs.shape)
    for index in reversed(range(len(xs))) if reverse else range(len(xs)):
        carry = 0.5 * carry + xs[index]
        ys[index] = carry * xs[index]
    return carry, ys


def op_count(function, *specs) -> tuple[int, int]:
    """(all ops, while loops) in the graph ``function`` traces for ``specs``."""
    graph = tf.function(function).get_concrete_function(*specs).graph
    types = [operation.type for operation in graph.get_operations()]
    return len(types), types.count("While") + types.count("StatelessWhile")


@pytest.mark.parametrize("reverse", [False, True])
def test_traced_scan_matches_numpy(rng, reverse):
    xs = rng.standard_normal((6, 3)).astype("float32")
    init = rng.standard_normal((3,)).astype("float32")
    carry, ys = tf.function(lambda xs: ops.scan(decaying_sum, init, xs, reverse=reverse))(xs)
    expected_carry, expected_ys = reference_decaying_sum(init, xs.astype(np.float64), reverse)
    assert_close(carry, expected_carry)
    assert_close(ys, expected_ys)
    assert tuple(ys.shape) == (6, 3)


def test_traced_scan_is_one_loop_whatever_the_length():
    short = op_count(lambda xs: ops.scan(decaying_sum, tf.zeros(3), xs), tf.TensorSpec((3, 3)))
    long = op_count(lambda xs: ops.scan(decaying_sum, tf.zeros(3), xs), tf.TensorSpec((40, 3)))
    assert short == long
    assert short[1] == 1


def test_traced_scan_over_several_sequences_of_unknown_length(rng):
    xs = rng.standard_normal((5, 2)).astype("float32")
    weights = rng.standard_normal((5, 2)).astype("float32")

    def weighted(carry, items):
        x, weight = items  # a tuple per step, as the eager loop gives
        return carry + x * weight, x

    spec = tf.TensorSpec((None, 2))
    traced = tf.function(lambda a, b: ops.scan(weighted, tf.zeros(2), [a, b]))
    traced = traced.get_concrete_function(spec, spec)
    carry, ys = traced(xs, weights)
    assert_close(carry, (xs.astype(np.float64) * weights).sum(axis=0))
    assert_close(ys, xs)
    carry, ys = traced(xs[:0], weights[:0])  # empty: init back, no outputs (as lax.scan)
    assert_close(carry, np.zeros(2))
    assert tuple(ys.shape) == (0, 2)


def test_traced_scan_with_length_only_and_no_outputs():
    carry, ys = tf.function(
        lambda: ops.scan(lambda c, _: (c * 2.0, None), tf.constant(1.0), length=5)
    )()
    assert float(carry) == 32.0
    assert ys is None


def test_traced_scan_gradient_matches_eager(rng):
    xs = tf.constant(rng.standard_normal((4, 3)).astype("float32"))
    init = tf.constant(rng.standard_normal((3,)).astype("float32"))

    def gradient(xs, init):
        with tf.GradientTape() as tape:
            tape.watch([xs, init])
            carry, ys = ops.scan(decaying_sum, init, xs)
            loss = tf.reduce_sum(carry**2) + tf.reduce_sum(ys)
        return tape.gradient(loss, [xs, init])

    for traced, eager in zip(tf.function(gradient)(xs, init), gradient(xs, init)):
        assert_close(traced, eager, rtol=1e-5, atol=1e-6)


def test_lstm_in_a_tf_function_loops_in_the_graph(rng):
    layer = layers.LSTM(4, return_sequences=True)
    x = rng.standard_normal((2, 7, 3)).astype("float32")
    eager = layer(x)  # builds the weights; eager steps in Python
    traced = tf.function(lambda x: layer(x))
    assert_close(traced(x), eager, rtol=1e-5, atol=1e-6)
    short = op_count(lambda x: layer(x), tf.TensorSpec((2, 3, 3)))
    long = op_count(lambda x: layer(x), tf.TensorSpec((2, 30, 3)))
    assert short == long
    assert short[1] >= 1


def test_gru_in_a_tf_function_takes_a_free_time_axis(rng):
    layer = layers.GRU(4, return_sequences=True)
    traced = tf.function(lambda x: layer(x), input_signature=[tf.TensorSpec((None, None, 3))])
    for timesteps in (5, 1):  # one trace serves every length
        x = rng.standard_normal((2, timesteps, 3)).astype("float32")
        eager = layer(x)  # the first call builds the weights
        assert_close(traced(x), eager, rtol=1e-5, atol=1e-6)
    assert traced.experimental_get_tracing_count() == 1
