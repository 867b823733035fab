import numpy as np
import pytest

import lamina as keras
from lamina.layers.rnn import GRU, LSTM, Bidirectional, SimpleRNN
from tests.harness import assert_close, to_numpy
from tests.layers.rnn.numpy_reference import gru_step, lstm_step, run_rnn, simple_rnn_step

STEPS = {SimpleRNN: simple_rnn_step, LSTM: lstm_step, GRU: gru_step}
MERGES = {
    "concat": lambda f, b: np.concatenate([f, b], axis=-1),
    "sum": lambda f, b: f + b,
    "mul": lambda f, b: f * b,
    "ave": lambda f, b: (f + b) / 2,
}


def reference(layer, x, step, go_backwards, mask=None):
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    num_states = 2 if step is lstm_step else 1
    zeros = [np.zeros((x.shape[0], weights[1].shape[0]))] * num_states
    return run_rnn(lambda x_t, s: step(x_t, s, *weights), x, zeros, mask, go_backwards)


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_matches_numpy(rng, layer_cls, merge_mode, return_sequences):
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    wrapper = Bidirectional(layer_cls(4, return_sequences=return_sequences), merge_mode)
    output = wrapper(x)
    step = STEPS[layer_cls]
    f_seq, f_last, _ = reference(wrapper.forward_layer, x, step, go_backwards=False)
    b_seq, b_last, _ = reference(wrapper.backward_layer, x, step, go_backwards=True)
    if return_sequences:
        want = MERGES[merge_mode](f_seq, b_seq[:, ::-1])
    else:
        want = MERGES[merge_mode](f_last, b_last)
    assert_close(output, want, atol=1e-5)


def test_bidirectional_weights_paths_and_order():
    wrapper = Bidirectional(LSTM(3), name="bidirectional")
    wrapper.build((None, 4, 2))
    assert [v.path for v in wrapper.weights] == [
        f"bidirectional/{direction}_lstm/lstm_cell/{name}"
        for direction in ("forward", "backward")
        for name in ("kernel", "recurrent_kernel", "bias")
    ]


def test_bidirectional_return_state_and_none_merge(rng):
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    outputs = Bidirectional(LSTM(4, return_state=True), merge_mode=None)(x)
    assert [tuple(t.shape) for t in outputs] == [(2, 4)] * 6
    symbolic = Bidirectional(GRU(4, return_state=True, return_sequences=True))(
        keras.Input((None, 3))
    )
    assert [t.shape for t in symbolic] == [(None, None, 8), (None, 4), (None, 4)]


def test_bidirectional_masking_zeroes_padded_steps(rng):
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    keep = np.array([[True, True, True, False, False], [True] * 5])
    wrapper = Bidirectional(GRU(2, return_sequences=True))
    output = wrapper(x, mask=keep)
    f_seq, _, _ = reference(wrapper.forward_layer, x, gru_step, False, keep)
    b_seq, _, _ = reference(wrapper.backward_layer, x, gru_step, True, keep)
    want = np.concatenate([f_seq, b_seq[:, ::-1]], axis=-1) * keep[..., None]
    assert_close(output, want, atol=1e-5)
    np.testing.assert_array_equal(to_numpy(keras.backend.get_keras_mask(output)), keep)


def test_bidirectional_config_roundtrip(rng):
    wrapper = Bidirectional(LSTM(3, return_sequences=True), merge_mode="sum")
    x = rng.standard_normal((2, 4, 2)).astype("float32")
    y = wrapper(x)
    clone = Bidirectional.from_config(wrapper.get_config())
    assert clone.merge_mode == "sum"
    assert clone.backward_layer.go_backwards
    clone(x)
    clone.set_weights(wrapper.get_weights())
    assert_close(clone(x), y)


def test_bidirectional_rejects_bad_merge_mode():
    with pytest.raises(ValueError, match="merge_mode"):
        Bidirectional(LSTM(2), merge_mode="max")


@pytest.mark.training
def test_bidirectional_loss_falls_in_fit(rng):
    x = rng.standard_normal((64, 6, 2)).astype("float32")
    y = x[:, :, :1].sum(axis=1)
    model = keras.Sequential([keras.Input((6, 2)), Bidirectional(GRU(6)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    losses = model.fit(x, y, epochs=15, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]
