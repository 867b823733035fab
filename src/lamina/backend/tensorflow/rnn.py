"""Fused recurrent kernels: none on TensorFlow. Its fused LSTM/GRU (cuDNN) exists only on a
GPU; the layers' time loop runs here, step by step, eagerly or traced into a
``tf.function``. These return None to say so."""

from __future__ import annotations


def lstm(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    return None


def gru(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    return None


def is_traced(x) -> bool:
    """The engine's ``scan`` is a Python loop (unrolled into a graph being traced), so the
    layer's own step loop is no worse: never hand the loop to ``scan``."""
    return False
