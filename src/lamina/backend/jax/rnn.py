"""Fused recurrent kernels: none on JAX. The layers' time loop runs as ``lax.scan`` through
``core.scan``, which XLA compiles into one loop; these return None to say so."""

from __future__ import annotations

import jax


def lstm(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    return None


def gru(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    return None


def is_traced(x) -> bool:
    """Under ``jax.jit`` (an abstract tracer) the loop compiles to one ``lax.scan``. With a
    concrete value (eager, or eager ``jax.grad``) a scan would be compiled anew on every
    call, so the steps run one by one instead."""
    if not isinstance(x, jax.core.Tracer):
        return False
    concrete = getattr(x, "to_concrete_value", None)
    return concrete is None or concrete() is None
