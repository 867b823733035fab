"""Fused recurrent kernels: none on NumPy; the layers run their time loop."""

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
    """The engine's scan is a Python loop: nothing is compiled, so never."""
    return False
