"""Fused recurrent kernels: none on TensorFlow. Its fused LSTM/GRU (cuDNN) exists only on a
GPU; the layers' time loop runs here: step by step eagerly, one ``tf.while_loop`` (the
engine's ``scan``) when traced into a ``tf.function``. These return None to say so."""

from __future__ import annotations

import tensorflow as tf


def lstm(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    return None


def gru(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    return None


def is_traced(x) -> bool:
    """In a graph being traced the layer's time loop is handed to ``scan`` (a
    ``tf.while_loop``: the graph does not grow with the sequence); eagerly it steps in
    Python, which a while loop would only slow down."""
    return tf.is_tensor(x) and not tf.executing_eagerly()
