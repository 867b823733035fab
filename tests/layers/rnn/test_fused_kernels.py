"""LSTM and GRU through the engine's fused kernel (torch's LSTM/GRU op) against the cell
loop (``use_cudnn=False``): outputs, states and gradients agree, with masks, go_backwards,
initial states and return_state. On engines without a fused kernel both run the loop."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.rnn import GRU, LSTM
from tests.harness import assert_close, engine_gradients, to_numpy

NUM_STATES = {LSTM: 2, GRU: 1}


def twin_layers(layer_cls, x, **kwargs):
    """A fused layer and a loop layer holding the same random weights."""
    fused = layer_cls(4, use_cudnn="auto", bias_initializer="random_normal", **kwargs)
    loop = layer_cls(4, use_cudnn=False, **kwargs)
    fused(x)
    loop(x)
    loop.set_weights(fused.get_weights())
    return fused, loop


def masks(batch=3, timesteps=5):
    right = np.ones((batch, timesteps), dtype=bool)
    right[0, 3:] = False
    right[2, 1:] = False
    gapped = right.copy()
    gapped[1, 2] = False  # a gap: the kernel cannot express it, the loop runs
    return {"none": None, "right_padded": right, "gapped": gapped}


@pytest.mark.parametrize("layer_cls", [LSTM, GRU])
@pytest.mark.parametrize("mask_kind", ["none", "right_padded", "gapped"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_fused_matches_loop(rng, layer_cls, mask_kind, go_backwards, zero_output_for_mask):
    x = rng.standard_normal((3, 5, 2))
    mask = masks()[mask_kind]
    kwargs = {"return_sequences": True, "return_state": True, "go_backwards": go_backwards,
              "zero_output_for_mask": zero_output_for_mask, "dtype": "float64"}  # fmt: skip
    fused, loop = twin_layers(layer_cls, x, **kwargs)
    initial = [rng.standard_normal((3, 4)) for _ in range(NUM_STATES[layer_cls])]
    got = fused(x, initial_state=initial, mask=mask)
    want = loop(x, initial_state=initial, mask=mask)
    assert len(got) == len(want) == 1 + NUM_STATES[layer_cls]
    for g, w in zip(got, want):
        assert_close(g, w, atol=1e-10)

    def gradients(layer):
        return engine_gradients(
            lambda t: layer(t, initial_state=initial, mask=mask)[0], [x], layer.weights
        )

    for g, w in zip(gradients(fused), gradients(loop)):
        assert_close(g, w, atol=1e-5)


@pytest.mark.parametrize("layer_cls", [LSTM, GRU])
def test_fused_float32_last_output(rng, layer_cls):
    x = rng.standard_normal((4, 6, 3)).astype("float32")
    fused, loop = twin_layers(layer_cls, x)
    assert_close(fused(x), loop(x), atol=1e-5)


@pytest.mark.engine("torch")
@pytest.mark.parametrize("kernel_name", ["lstm", "gru"])
def test_torch_runs_the_fused_kernel_where_it_can(rng, kernel_name):
    from lamina import backend

    kernel = getattr(backend.engine.rnn, kernel_name)
    gates = 4 if kernel_name == "lstm" else 3
    bias_shape = (gates * 4,) if kernel_name == "lstm" else (2, gates * 4)
    weights = [rng.standard_normal(s).astype("float32")
               for s in [(2, gates * 4), (4, gates * 4), bias_shape]]  # fmt: skip
    states = [np.zeros((3, 4), "float32")] * (2 if kernel_name == "lstm" else 1)
    x = rng.standard_normal((3, 5, 2)).astype("float32")
    for mask_kind, runs in [("none", True), ("right_padded", True), ("gapped", False)]:
        result = kernel(x, states, masks()[mask_kind], *weights, False, False)
        assert (result is not None) is runs, mask_kind


def test_use_cudnn_true_without_a_kernel_raises(rng):
    x = rng.standard_normal((2, 3, 2)).astype("float32")
    layer = LSTM(3, use_cudnn=True, activation="relu")
    with pytest.raises(ValueError, match="use_cudnn=True"):
        layer(x)


@pytest.mark.parametrize("layer_cls", [LSTM, GRU])
def test_input_dropout_in_training_keeps_the_fused_path_finite(rng, layer_cls):
    x = rng.standard_normal((4, 5, 3)).astype("float32")
    layer = layer_cls(3, dropout=0.5, seed=2)
    trained = to_numpy(layer(x, training=True))
    assert np.all(np.isfinite(trained))
    assert not np.allclose(trained, to_numpy(layer(x)))


@pytest.mark.parametrize("layer_cls", [LSTM, GRU, keras.layers.SimpleRNN])
@pytest.mark.parametrize("unroll", [False, True])
def test_compiled_predict_matches_eager(rng, layer_cls, unroll):
    """predict compiles on JAX (the loop is one lax.scan, or unrolled): same numbers."""
    ids = rng.integers(1, 9, size=(3, 5))
    ids[0, 3:] = 0
    ids[1, :1] = 0
    model = keras.Sequential([
        keras.Input((5,), dtype="int32"),
        keras.layers.Embedding(9, 3, mask_zero=True),
        layer_cls(4, return_sequences=True, go_backwards=True, unroll=unroll),
    ])  # fmt: skip
    assert_close(model.predict(ids, verbose=0), model(ids), atol=1e-5)
