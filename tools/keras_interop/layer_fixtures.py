"""Write per-layer weight-interop fixtures with real Keras 3 (not part of CI).

Run with a Keras venv (see run.sh for how one is made), never with Lamina's:

    KERAS_BACKEND=torch <keras venv>/bin/python tools/keras_interop/layer_fixtures.py OUT_DIR

For each case Keras builds the layer on small shapes, gets seeded random non-zero weights,
calls it, and one compressed ``<case>.npz`` is written holding:

- ``config``: ``keras.saving.serialize_keras_object(layer)`` as JSON text;
- ``calls``: JSON list, one entry per call made after the weights were set, each
  ``{"style": "single"|"list"|"positional", "num_inputs": n, "kwargs": {...},
  "num_outputs": m}``; an array keyword (a mask) appears as ``{"array": key}``;
- ``call{i}_input{j}``, ``call{i}_kwarg_{name}``, ``call{i}_output{j}`` (outputs flattened
  in order when the layer returns a list or tuple);
- ``weight{k}``: the weights in ``get_weights()`` order, as set before the first call.

tests/layers/test_keras_weight_interop.py replays each case in Lamina.
"""

from __future__ import annotations

import json
import os
import sys

import keras
import numpy as np

SEED = 20261130


def normal(rng, shape, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype("float32")


def ints(rng, shape, high, low=0):
    return rng.integers(low, high, size=shape).astype("int32")


def lengths_mask(shape, lengths):
    """(batch, time) boolean mask with the given number of leading True steps per row."""
    mask = np.zeros(shape, bool)
    for row, length in enumerate(lengths):
        mask[row, :length] = True
    return mask


def random_weights(layer, rng, scale):
    weights = []
    for variable in layer.weights:
        shape = tuple(variable.shape)
        if variable.dtype not in ("float32", "float64"):
            weights.append(np.asarray(variable.numpy()))
        elif "variance" in variable.path:
            weights.append(rng.uniform(0.5, 1.5, shape).astype("float32"))
        else:
            weights.append(normal(rng, shape, scale))
    return weights


# Each case: name -> (factory, calls, weight scale). A call is (style, inputs, kwargs); kwargs
# values that are NumPy arrays (masks, or lists of them) are stored as arrays, the rest as JSON.
def cases(rng):
    def x(*shape):
        return normal(rng, shape)

    L = keras.layers
    table = {
        # core
        "dense": (lambda: L.Dense(4, activation="tanh"), [("single", [x(2, 3, 5)], {})], 0.5),
        "dense_no_bias": (lambda: L.Dense(3, use_bias=False), [("single", [x(4, 5)], {})], 0.5),
        "dense_lora": (
            lambda: L.Dense(4, lora_rank=2, lora_alpha=3.0),
            [("single", [x(3, 5)], {})],
            0.5,
        ),
        "einsum_dense_3d": (
            lambda: L.EinsumDense("abc,cde->abde", output_shape=(None, 3, 4), bias_axes="de"),
            [("single", [x(2, 5, 6)], {})],
            0.5,
        ),
        "einsum_dense_2d": (
            lambda: L.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c", activation="relu"),
            [("single", [x(3, 5)], {})],
            0.5,
        ),
        "embedding": (
            lambda: L.Embedding(10, 4, mask_zero=True),
            [("single", [ints(rng, (2, 5), 10)], {})],
            1.0,
        ),
        "reversible_embedding_tied": (
            lambda: L.ReversibleEmbedding(10, 4, logit_soft_cap=2.0),
            [("single", [ints(rng, (2, 5), 10)], {}), ("single", [x(2, 3, 4)], {"reverse": True})],
            1.0,
        ),
        "reversible_embedding_untied": (
            lambda: L.ReversibleEmbedding(9, 4, tie_weights=False),
            [("single", [ints(rng, (2, 5), 9)], {}), ("single", [x(2, 3, 4)], {"reverse": True})],
            1.0,
        ),
        "time_distributed_dense": (
            lambda: L.TimeDistributed(L.Dense(3, activation="sigmoid")),
            [("single", [x(2, 4, 5)], {})],
            0.5,
        ),
        # convolution
        "conv1d_causal_dilated": (
            lambda: L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu"),
            [("single", [x(2, 9, 3)], {})],
            0.5,
        ),
        "conv1d_groups_strided": (
            lambda: L.Conv1D(4, 3, strides=2, groups=2),
            [("single", [x(2, 9, 4)], {})],
            0.5,
        ),
        "conv2d_same_strided": (
            lambda: L.Conv2D(4, (3, 2), strides=(2, 1), padding="same"),
            [("single", [x(2, 7, 6, 3)], {})],
            0.5,
        ),
        "conv2d_channels_first": (
            lambda: L.Conv2D(4, 3, dilation_rate=2, data_format="channels_first"),
            [("single", [x(2, 3, 8, 8)], {})],
            0.5,
        ),
        "conv3d": (
            lambda: L.Conv3D(3, 2, padding="same", use_bias=True),
            [("single", [x(1, 4, 5, 4, 2)], {})],
            0.5,
        ),
        "conv1d_transpose": (
            lambda: L.Conv1DTranspose(3, 3, strides=2, padding="same"),
            [("single", [x(2, 5, 4)], {})],
            0.5,
        ),
        "conv2d_transpose_output_padding": (
            lambda: L.Conv2DTranspose(3, (3, 2), strides=2, output_padding=(1, 0)),
            [("single", [x(2, 4, 5, 3)], {})],
            0.5,
        ),
        "conv2d_transpose_channels_first": (
            lambda: L.Conv2DTranspose(2, 3, padding="same", data_format="channels_first"),
            [("single", [x(2, 3, 4, 5)], {})],
            0.5,
        ),
        "conv3d_transpose": (
            lambda: L.Conv3DTranspose(2, 2, strides=2),
            [("single", [x(1, 3, 3, 3, 2)], {})],
            0.5,
        ),
        "depthwise_conv1d": (
            lambda: L.DepthwiseConv1D(3, depth_multiplier=2, padding="same"),
            [("single", [x(2, 8, 3)], {})],
            0.5,
        ),
        "depthwise_conv2d": (
            lambda: L.DepthwiseConv2D(3, depth_multiplier=2, strides=2),
            [("single", [x(2, 7, 7, 3)], {})],
            0.5,
        ),
        "separable_conv1d": (
            lambda: L.SeparableConv1D(4, 3, depth_multiplier=2, padding="same"),
            [("single", [x(2, 8, 3)], {})],
            0.5,
        ),
        "separable_conv2d": (
            lambda: L.SeparableConv2D(4, 3, dilation_rate=2, data_format="channels_first"),
            [("single", [x(2, 3, 8, 8)], {})],
            0.5,
        ),
        # normalization and activations
        "batch_normalization": (
            lambda: L.BatchNormalization(momentum=0.8, epsilon=1e-2),
            [
                ("single", [x(4, 3, 5)], {"training": False}),
                ("single", [x(4, 3, 5)], {"training": True}),
            ],
            0.5,
        ),
        "batch_normalization_axis1_no_scale": (
            lambda: L.BatchNormalization(axis=1, scale=False),
            [("single", [x(4, 3, 5)], {"training": False})],
            0.5,
        ),
        "layer_normalization": (
            lambda: L.LayerNormalization(epsilon=1e-4),
            [("single", [x(2, 3, 6)], {})],
            0.5,
        ),
        "layer_normalization_two_axes": (
            lambda: L.LayerNormalization(axis=[1, 2], center=False),
            [("single", [x(2, 3, 4)], {})],
            0.5,
        ),
        "group_normalization": (
            lambda: L.GroupNormalization(groups=2, epsilon=1e-4),
            [("single", [x(2, 5, 6)], {})],
            0.5,
        ),
        "group_normalization_channels_first": (
            lambda: L.GroupNormalization(groups=3, axis=1),
            [("single", [x(2, 6, 4, 3)], {})],
            0.5,
        ),
        "rms_normalization": (
            lambda: L.RMSNormalization(epsilon=1e-5),
            [("single", [x(2, 3, 6)], {})],
            0.5,
        ),
        "spectral_normalization_dense": (
            lambda: L.SpectralNormalization(L.Dense(4)),
            [
                ("single", [x(3, 5)], {"training": False}),
                ("single", [x(3, 5)], {"training": True}),
            ],
            0.5,
        ),
        "spectral_normalization_conv2d": (
            lambda: L.SpectralNormalization(L.Conv2D(3, 2), power_iterations=2),
            [("single", [x(2, 4, 4, 2)], {"training": True})],
            0.5,
        ),
        "prelu_shared_axes": (
            lambda: L.PReLU(shared_axes=[1]),
            [("single", [x(2, 3, 4)], {})],
            0.5,
        ),
        # recurrent
        "simple_rnn_sequences": (
            lambda: L.SimpleRNN(4, return_sequences=True),
            [("single", [x(2, 5, 3)], {})],
            0.5,
        ),
        "lstm": (lambda: L.LSTM(4), [("single", [x(2, 5, 3)], {})], 0.5),
        "lstm_backwards_state": (
            lambda: L.LSTM(4, return_sequences=True, return_state=True, go_backwards=True),
            [("single", [x(2, 5, 3)], {})],
            0.5,
        ),
        "lstm_masked": (
            lambda: L.LSTM(3, return_sequences=True),
            [("single", [x(3, 5, 2)], {"mask": lengths_mask((3, 5), [5, 3, 1])})],
            0.5,
        ),
        "lstm_custom_activations": (
            lambda: L.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid"),
            [("single", [x(2, 4, 3)], {})],
            0.5,
        ),
        "gru_reset_after": (
            lambda: L.GRU(4, return_sequences=True),
            [("single", [x(2, 5, 3)], {})],
            0.5,
        ),
        "gru_reset_before": (
            lambda: L.GRU(4, reset_after=False, return_state=True),
            [("single", [x(2, 5, 3)], {})],
            0.5,
        ),
        "gru_backwards_masked": (
            lambda: L.GRU(3, go_backwards=True),
            [("single", [x(3, 4, 2)], {"mask": lengths_mask((3, 4), [4, 2, 3])})],
            0.5,
        ),
        "rnn_lstm_cell": (
            lambda: L.RNN(L.LSTMCell(3), return_sequences=True),
            [("single", [x(2, 4, 3)], {})],
            0.5,
        ),
        "rnn_stacked_cells": (
            lambda: L.RNN(L.StackedRNNCells([L.SimpleRNNCell(3), L.GRUCell(4)])),
            [("single", [x(2, 4, 3)], {})],
            0.5,
        ),
        "bidirectional_lstm_concat": (
            lambda: L.Bidirectional(L.LSTM(3, return_sequences=True)),
            [("single", [x(2, 4, 3)], {})],
            0.5,
        ),
        "bidirectional_gru_sum_state": (
            lambda: L.Bidirectional(L.GRU(3, return_state=True), merge_mode="sum"),
            [("single", [x(2, 4, 3)], {})],
            0.5,
        ),
        "conv_lstm1d": (
            lambda: L.ConvLSTM1D(3, 3, padding="same", return_sequences=True),
            [("single", [x(2, 4, 6, 2)], {})],
            0.5,
        ),
        "conv_lstm2d": (
            lambda: L.ConvLSTM2D(2, 3),
            [("single", [x(1, 3, 5, 5, 2)], {})],
            0.5,
        ),
        "conv_lstm3d": (
            lambda: L.ConvLSTM3D(2, 2, return_state=True),
            [("single", [x(1, 2, 3, 3, 3, 1)], {})],
            0.5,
        ),
        # attention
        "multi_head_attention_cross": (
            lambda: L.MultiHeadAttention(2, 3, value_dim=4, output_shape=5),
            [("positional", [x(2, 4, 6), x(2, 5, 7)], {"return_attention_scores": True})],
            0.5,
        ),
        "multi_head_attention_causal_key": (
            lambda: L.MultiHeadAttention(2, 3, use_bias=False),
            [("positional", [x(2, 4, 6), x(2, 4, 5), x(2, 4, 3)], {"use_causal_mask": True})],
            0.5,
        ),
        "multi_head_attention_mask": (
            lambda: L.MultiHeadAttention(3, 2),
            [
                (
                    "positional",
                    [x(2, 3, 4), x(2, 5, 4)],
                    {"attention_mask": rng.uniform(size=(2, 3, 5)) > 0.3},
                )
            ],
            0.5,
        ),
        "multi_head_attention_axes": (
            lambda: L.MultiHeadAttention(2, 3, attention_axes=(1, 2)),
            [("positional", [x(2, 3, 2, 4), x(2, 3, 2, 4)], {})],
            0.5,
        ),
        "multi_head_attention_gate_window": (
            lambda: L.MultiHeadAttention(2, 3, use_gate=True, sliding_window=2),
            [("positional", [x(2, 5, 4), x(2, 5, 4)], {})],
            0.5,
        ),
        "group_query_attention": (
            lambda: L.GroupQueryAttention(3, 4, 2),
            [("positional", [x(2, 4, 6), x(2, 5, 6)], {"return_attention_scores": True})],
            0.5,
        ),
        "group_query_attention_causal_gate": (
            lambda: L.GroupQueryAttention(2, 2, 1, use_bias=False, use_gate=True),
            [("positional", [x(2, 4, 5), x(2, 4, 5), x(2, 4, 3)], {"use_causal_mask": True})],
            0.5,
        ),
        "attention_scale": (
            lambda: L.Attention(use_scale=True),
            [
                (
                    "list",
                    [x(2, 3, 4), x(2, 5, 4), x(2, 5, 4)],
                    {
                        "mask": [None, lengths_mask((2, 5), [5, 2])],
                        "return_attention_scores": True,
                    },
                )
            ],
            1.0,
        ),
        "attention_concat": (
            lambda: L.Attention(use_scale=True, score_mode="concat"),
            [("list", [x(2, 3, 4), x(2, 5, 4)], {"use_causal_mask": True})],
            1.0,
        ),
        "additive_attention": (
            lambda: L.AdditiveAttention(),
            [
                (
                    "list",
                    [x(2, 3, 4), x(2, 5, 4)],
                    {"mask": [None, lengths_mask((2, 5), [4, 5])], "return_attention_scores": True},
                )
            ],
            1.0,
        ),
    }
    return table


def flatten(outputs):
    if isinstance(outputs, (list, tuple)):
        return [leaf for item in outputs for leaf in flatten(item)]
    return [keras.ops.convert_to_numpy(outputs)]


def call_layer(layer, style, inputs, kwargs):
    if style == "single":
        return layer(inputs[0], **kwargs)
    if style == "list":
        return layer(list(inputs), **kwargs)
    return layer(*inputs, **kwargs)


def encode_kwargs(kwargs, prefix, arrays):
    """JSON-ready kwargs: each array (a mask) goes into ``arrays`` as ``{"array": key}``."""

    def encode(name, value):
        if isinstance(value, np.ndarray):
            arrays[f"{prefix}{name}"] = value
            return {"array": f"{prefix}{name}"}
        if isinstance(value, list):  # a list of masks, None where absent
            return [encode(f"{name}.{index}", item) for index, item in enumerate(value)]
        return value

    return {name: encode(name, value) for name, value in kwargs.items()}


def write_case(out_dir, name, factory, calls, scale, rng):
    layer = factory()
    style, inputs, kwargs = calls[0]
    call_layer(layer, style, inputs, {k: v for k, v in kwargs.items() if k != "training"})
    weights = random_weights(layer, rng, scale)
    layer.set_weights(weights)
    arrays = {f"weight{k}": w for k, w in enumerate(weights)}
    arrays["config"] = np.array(json.dumps(keras.saving.serialize_keras_object(layer)))
    specs = []
    for i, (style, inputs, kwargs) in enumerate(calls):
        outputs = flatten(call_layer(layer, style, inputs, kwargs))
        encoded = encode_kwargs(kwargs, f"call{i}_kwarg_", arrays)
        specs.append(
            {
                "style": style,
                "num_inputs": len(inputs),
                "kwargs": encoded,
                "num_outputs": len(outputs),
            }
        )
        for j, value in enumerate(inputs):
            arrays[f"call{i}_input{j}"] = value
        for j, value in enumerate(outputs):
            arrays[f"call{i}_output{j}"] = value
    arrays["calls"] = np.array(json.dumps(specs))
    np.savez_compressed(os.path.join(out_dir, f"{name}.npz"), **arrays)


def main(out_dir):
    keras.utils.set_random_seed(SEED)
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(SEED)
    for name, (factory, calls, scale) in cases(rng).items():
        write_case(out_dir, name, factory, calls, scale, rng)
        print(name)
    print(f"keras {keras.__version__}, backend {keras.backend.backend()}: wrote {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: layer_fixtures.py OUT_DIR")
    main(sys.argv[1])
