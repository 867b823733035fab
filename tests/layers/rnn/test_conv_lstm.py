"""ConvLSTM1D/2D/3D against a float64 NumPy convolutional LSTM."""

import itertools
import math

import numpy as np
import pytest

import lamina as keras
from lamina.layers.rnn import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)
from tests.layers.rnn.numpy_reference import run_rnn, sigmoid

LAYERS = {1: ConvLSTM1D, 2: ConvLSTM2D, 3: ConvLSTM3D}


def conv(x, kernel, strides, padding, dilation):
    """Channels-last N-d cross-correlation: x (B, *S, C), kernel (*K, C, O)."""
    rank = kernel.ndim - 2
    if padding == "same":
        pads = []
        for length, size, stride, rate in zip(x.shape[1:-1], kernel.shape, strides, dilation):
            total = max(
                (math.ceil(length / stride) - 1) * stride + (size - 1) * rate + 1 - length, 0
            )
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0), *pads, (0, 0)])
    spans = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:rank], dilation)]
    out_shape = [(length - span) // s + 1
                 for length, span, s in zip(x.shape[1:-1], spans, strides)]  # fmt: skip
    out = np.zeros((x.shape[0], *out_shape, kernel.shape[-1]))
    for position in itertools.product(*(range(n) for n in out_shape)):
        window = tuple(slice(p * s, p * s + span, d)
                       for p, s, span, d in zip(position, strides, spans, dilation))  # fmt: skip
        patch = x[(slice(None), *window)]  # (B, *K, C)
        out[(slice(None), *position)] = np.tensordot(patch, kernel, axes=rank + 1)
    return out


def conv_lstm_step(x, states, kernel, recurrent_kernel, bias, strides, padding, dilation):
    h, c = states
    ones = (1,) * (kernel.ndim - 2)
    z = conv(x, kernel, strides, padding, dilation) + conv(h, recurrent_kernel, ones, "same", ones)
    z = z + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
    h = sigmoid(z_o) * np.tanh(c)
    return h, [h, c]


CASES = [
    (1, (2, 4, 7, 3), {"strides": 2, "padding": "same"}),
    (2, (2, 3, 5, 6, 2), {"dilation_rate": 2}),
    (3, (1, 2, 4, 4, 5, 2), {"padding": "same"}),
]


@pytest.mark.parametrize(("rank", "shape", "kwargs"), CASES)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_matches_numpy(rng, rank, shape, kwargs, go_backwards):
    x = rng.standard_normal(shape).astype("float32")
    layer = LAYERS[rank](3, 3, return_sequences=True, return_state=True,
                         go_backwards=go_backwards, bias_initializer="random_normal",
                         **kwargs)  # fmt: skip
    output, h, c = layer(x)
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    cell = layer.cell
    zeros = [np.zeros(tuple(h.shape))] * 2

    def step(x_t, states):
        return conv_lstm_step(x_t, states, *weights, cell.strides, cell.padding, cell.dilation_rate)

    sequence, _, (want_h, want_c) = run_rnn(step, x, zeros, go_backwards=go_backwards)
    assert_close(output, sequence, atol=1e-5)
    assert_close(h, want_h, atol=1e-5)
    assert_close(c, want_c, atol=1e-5)
    symbolic = layer(keras.Input(shape[1:]))
    assert [t.shape[1:] for t in symbolic] == [tuple(t.shape[1:]) for t in (output, h, c)]


def test_channels_first_matches_channels_last(rng):
    x = rng.standard_normal((2, 3, 5, 5, 2)).astype("float32")
    last = ConvLSTM2D(3, (3, 2), padding="same", return_sequences=True)
    first = ConvLSTM2D(3, (3, 2), padding="same", return_sequences=True,
                       data_format="channels_first")  # fmt: skip
    want = last(x)
    first(np.transpose(x, (0, 1, 4, 2, 3)))
    first.set_weights(last.get_weights())
    got = first(np.transpose(x, (0, 1, 4, 2, 3)))
    assert_close(np.transpose(to_numpy(got), (0, 1, 3, 4, 2)), want, atol=1e-5)


def test_mask_carries_states(rng):
    x = rng.standard_normal((2, 4, 5, 2)).astype("float32")
    keep = np.array([[True, True, False, False], [True, True, True, True]])
    layer = ConvLSTM1D(2, 3)
    got = layer(x, mask=keep)
    assert_close(got[:1], layer(x[:1, :2]), atol=1e-5)


def test_gradients_match_finite_differences(rng):
    x = rng.standard_normal((1, 2, 4, 1))
    layer = ConvLSTM1D(1, 2, dtype="float64", bias_initializer="random_normal")
    layer(x)
    weights = [np.ascontiguousarray(w, np.float64) for w in layer.get_weights()]

    def reference(x, *weights):
        def step(x_t, states):
            return conv_lstm_step(x_t, states, *weights, (1,), "valid", (1,))

        return run_rnn(step, x, [np.zeros((1, 3, 1))] * 2)[1]

    got = engine_gradients(layer, [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, *weights])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-8)


def test_weights_config_and_errors():
    layer = ConvLSTM2D(4, 3, strides=(1, 2), unit_forget_bias=True, recurrent_dropout=0.1)
    layer.build((None, 3, 8, 8, 2))
    assert [v.path for v in layer.weights] == [
        "conv_lstm2d/conv_lstm_cell/kernel", "conv_lstm2d/conv_lstm_cell/recurrent_kernel",
        "conv_lstm2d/conv_lstm_cell/bias",
    ]  # fmt: skip
    np.testing.assert_array_equal(to_numpy(layer.cell.bias)[4:8], 1.0)  # forget gate
    config = layer.get_config()
    assert (config["filters"], config["kernel_size"], config["strides"]) == (4, (3, 3), (1, 2))
    assert "cell" not in config
    check_config_roundtrip(layer)
    with pytest.raises(ValueError, match="ndim"):
        ConvLSTM2D(2, 3)(np.zeros((2, 3, 4, 2), "float32"))
    with pytest.raises(ValueError, match="padding"):
        ConvLSTM1D(2, 3, padding="full")


@pytest.mark.training
def test_conv_lstm2d_model_trains_and_survives_a_file(rng, tmp_path):
    x = rng.standard_normal((16, 3, 6, 6, 1)).astype("float32")
    y = x.mean(axis=(1, 2, 3))
    model = keras.Sequential([
        keras.Input((3, 6, 6, 1)), ConvLSTM2D(4, 3, padding="same"),
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(1),
    ])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    losses = model.fit(x, y, epochs=6, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    path = str(tmp_path / "conv_lstm.keras")
    model.save(path)
    assert_close(keras.models.load_model(path)(x), model(x), atol=1e-5)
