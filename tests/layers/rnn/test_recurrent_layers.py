"""SimpleRNN, LSTM and GRU against float64 NumPy references (``numpy_reference``)."""

import functools

import numpy as np
import pytest

import lamina as keras
from lamina.layers.rnn import GRU, LSTM, SimpleRNN
from tests.harness import assert_close, engine_gradients, numeric_gradients, to_numpy
from tests.layers.rnn.numpy_reference import gru_step, lstm_step, run_rnn, simple_rnn_step

NUM_STATES = {SimpleRNN: 1, LSTM: 2, GRU: 1}
LAYERS = [
    pytest.param(SimpleRNN, {}, simple_rnn_step, id="simple_rnn"),
    pytest.param(LSTM, {}, lstm_step, id="lstm"),
    pytest.param(GRU, {}, gru_step, id="gru"),
    pytest.param(
        GRU, {"reset_after": False}, functools.partial(gru_step, reset_after=False), id="gru_v1"
    ),
    pytest.param(LSTM, {"use_bias": False}, lstm_step, id="lstm_no_bias"),
]


def reference_step(layer, step):
    """The NumPy step bound to the layer's current weights, in float64."""
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    return lambda x, states: step(x, states, *weights)


def random_states(rng, layer_cls, batch, units):
    return [rng.standard_normal((batch, units)) for _ in range(NUM_STATES[layer_cls])]


@pytest.mark.parametrize(("layer_cls", "kwargs", "step"), LAYERS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_layer_matches_numpy(rng, layer_cls, kwargs, step, return_sequences, go_backwards):
    x = rng.standard_normal((3, 5, 4)).astype("float32")
    layer = layer_cls(
        6, return_sequences=return_sequences, return_state=True, go_backwards=go_backwards,
        bias_initializer="random_normal", **kwargs,
    )  # fmt: skip
    output, *states = layer(x)
    zeros = [np.zeros((3, 6))] * NUM_STATES[layer_cls]
    sequence, last, want_states = run_rnn(
        reference_step(layer, step), x, zeros, go_backwards=go_backwards
    )
    assert_close(output, sequence if return_sequences else last, atol=1e-5)
    assert len(states) == len(want_states)
    for got, want in zip(states, want_states):
        assert_close(got, want, atol=1e-5)


@pytest.mark.parametrize(("layer_cls", "kwargs", "step"), LAYERS)
def test_layer_without_return_state_gives_one_tensor(rng, layer_cls, kwargs, step):
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    layer = layer_cls(5, **kwargs)
    output = layer(x)
    _, last, _ = run_rnn(reference_step(layer, step), x, [np.zeros((2, 5))] * NUM_STATES[layer_cls])
    assert tuple(output.shape) == (2, 5)
    assert_close(output, last, atol=1e-5)


@pytest.mark.parametrize(("layer_cls", "kwargs", "step"), LAYERS)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_initial_state(rng, layer_cls, kwargs, step, go_backwards):
    x = rng.standard_normal((3, 4, 2)).astype("float32")
    initial = random_states(rng, layer_cls, 3, 5)
    layer = layer_cls(
        5, return_sequences=True, return_state=True, go_backwards=go_backwards, **kwargs
    )
    output, *states = layer(x, initial_state=[s.astype("float32") for s in initial])
    sequence, _, want_states = run_rnn(
        reference_step(layer, step), x, initial, go_backwards=go_backwards
    )
    assert_close(output, sequence, atol=1e-5)
    for got, want in zip(states, want_states):
        assert_close(got, want, atol=1e-5)


def padded_batch(rng, shape=(3, 6, 4)):
    """Random steps and a keep-mask: right padding, left padding and an inner gap."""
    x = rng.standard_normal(shape).astype("float32")
    keep = np.ones(shape[:2], dtype=bool)
    keep[0, 4:] = False
    keep[1, :2] = False
    keep[2, 2] = False
    return x, keep


@pytest.mark.parametrize(("layer_cls", "kwargs", "step"), LAYERS)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_mask_argument_carries_states_over_masked_steps(rng, layer_cls, kwargs, step, go_backwards):
    x, keep = padded_batch(rng)
    layer = layer_cls(
        5, return_sequences=True, return_state=True, go_backwards=go_backwards, **kwargs
    )
    output, *states = layer(x, mask=keep)
    sequence, _, want_states = run_rnn(
        reference_step(layer, step), x, [np.zeros((3, 5))] * NUM_STATES[layer_cls],
        mask=keep, go_backwards=go_backwards,
    )  # fmt: skip
    assert_close(output, sequence, atol=1e-5)
    for got, want in zip(states, want_states):
        assert_close(got, want, atol=1e-5)
    # The padded steps are ignored: the first sequence equals its unpadded prefix alone.
    prefix = layer_cls(5, return_state=True, go_backwards=go_backwards, **kwargs)
    prefix(x[:1, :4])
    prefix.set_weights(layer.get_weights())
    assert_close(prefix(x[:1, :4])[0], to_numpy(output)[:1, -1], atol=1e-5)
    np.testing.assert_array_equal(to_numpy(keras.backend.get_keras_mask(output)), keep)


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_mask_from_embedding_mask_zero(rng, layer_cls):
    ids = rng.integers(1, 10, size=(3, 6))
    ids[0, 4:] = 0
    ids[1, 1:] = 0
    model = keras.Sequential(
        [keras.Input((6,), dtype="int32"), keras.layers.Embedding(10, 4, mask_zero=True),
         layer_cls(5)]
    )  # fmt: skip
    got = to_numpy(model(ids))
    for row, length in enumerate([4, 1, 6]):  # each row equals its unpadded prefix alone
        assert_close(got[row], to_numpy(model(ids[row : row + 1, :length]))[0], atol=1e-5)


def test_zero_output_for_mask(rng):
    x, keep = padded_batch(rng)
    layer = LSTM(3, return_sequences=True, zero_output_for_mask=True)
    output = to_numpy(layer(x, mask=keep))
    assert np.all(output[~keep] == 0)
    assert np.all(output[keep] != 0)


@pytest.mark.parametrize(("layer_cls", "kwargs", "step"), LAYERS)
def test_gradients_match_finite_differences(rng, layer_cls, kwargs, step):
    x = rng.standard_normal((2, 3, 2))
    layer = layer_cls(
        3, return_sequences=True, dtype="float64", bias_initializer="random_normal", **kwargs
    )
    layer(x)
    # C order: the harness perturbs a reshape(-1) view, a copy for the orthogonal
    # initializer's column-major arrays.
    weights = [np.ascontiguousarray(w, np.float64) for w in layer.get_weights()]
    zeros = [np.zeros((2, 3))] * NUM_STATES[layer_cls]

    def reference(x, *weights):
        return run_rnn(lambda x_t, s: step(x_t, s, *weights), x, zeros)[0]

    got = engine_gradients(layer, [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, *weights])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("layer_cls", "kwargs", "step"), LAYERS)
def test_masked_gradients_match_finite_differences(rng, layer_cls, kwargs, step):
    x = rng.standard_normal((2, 4, 2))
    keep = np.array([[True, True, False, False], [False, True, True, True]])
    layer = layer_cls(2, dtype="float64", **kwargs)
    layer(x)
    # C order: the harness perturbs a reshape(-1) view, a copy for the orthogonal
    # initializer's column-major arrays.
    weights = [np.ascontiguousarray(w, np.float64) for w in layer.get_weights()]
    zeros = [np.zeros((2, 2))] * NUM_STATES[layer_cls]

    def reference(x, *weights):
        return run_rnn(lambda x_t, s: step(x_t, s, *weights), x, zeros, mask=keep)[1]

    got = engine_gradients(lambda t: layer(t, mask=keep), [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, *weights])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-8)
