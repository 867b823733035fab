"""The rest of Keras's core namespace on JAX: slicing and scattering by index, control
flow over ``jax.lax`` (traceable under ``jit``) and custom gradients.

Several names here (``slice``, ``map``) are Keras's and shadow Python builtins inside
this module only.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import eager_control_flow
from lamina.backend.jax.core import convert_to_tensor


def _starts(start_indices):
    if isinstance(start_indices, (list, tuple)):
        return [convert_to_tensor(start) for start in start_indices]
    return convert_to_tensor(start_indices)


def _concrete(values) -> list[int]:
    if isinstance(values, (list, tuple)):
        return [int(v) for v in values]
    return [int(v) for v in np.asarray(values).reshape(-1)]


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    sizes = _concrete(shape)
    if -1 in sizes:  # "to the end" needs the start as a number
        starts = _concrete(start_indices)
        sizes = [dim - start if size == -1 else size
                 for start, size, dim in zip(starts, sizes, inputs.shape)]  # fmt: skip
    return jax.lax.dynamic_slice(inputs, _starts(start_indices), sizes)


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates).astype(inputs.dtype)
    return jax.lax.dynamic_update_slice(inputs, updates, _starts(start_indices))


def _index_columns(indices):
    indices = convert_to_tensor(indices)
    if indices.ndim == 1:  # one index per update into a vector
        indices = indices[:, None]
    return tuple(indices[..., axis] for axis in range(indices.shape[-1]))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    zeros = jnp.zeros(tuple(int(s) for s in shape), dtype=values.dtype)
    return zeros.at[_index_columns(indices)].add(values)


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates).astype(inputs.dtype)
    at = inputs.at[_index_columns(indices)]
    if reduction is None:
        return at.set(updates)
    return {"add": at.add, "max": at.max, "min": at.min, "mul": at.multiply}[reduction](updates)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_sequence = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)

    def as_tuple(value):
        return tuple(value) if isinstance(value, (tuple, list)) else (value,)

    if maximum_iterations is None:
        out = jax.lax.while_loop(lambda s: cond(*s), lambda s: as_tuple(body(*s)), state)
    else:  # count the steps in the carry

        def counted_cond(carry):
            count, values = carry
            return jnp.logical_and(count < maximum_iterations, cond(*values))

        def counted_body(carry):
            count, values = carry
            return count + 1, as_tuple(body(*values))

        _, out = jax.lax.while_loop(counted_cond, counted_body, (0, state))
    return out if is_sequence else out[0]


def map(f, xs):
    return jax.lax.map(f, xs)


def switch(index, branches, *operands):
    if not isinstance(index, jax.core.Tracer):
        # A concrete index (eager code) runs its branch only, as cond does: lax.switch
        # would trace and compile every branch on each call (their closures change).
        return eager_control_flow.switch(index, branches, *operands)
    return jax.lax.switch(index, branches, *operands)  # clamps index, as Keras documents


def associative_scan(f, elems, reverse=False, axis=0):
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def custom_gradient(f):
    @jax.custom_gradient
    def wrapped(*args):
        output, grad_fn = f(*args)

        def vjp(upstream):
            return eager_control_flow.call_gradient_function(grad_fn, args, upstream)

        return output, vjp

    return wrapped


def remat(f):
    """``f`` recomputed in the backward pass instead of keeping its activations
    (``jax.checkpoint``)."""
    return jax.checkpoint(f)
