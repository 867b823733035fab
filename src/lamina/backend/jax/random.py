"""Random numbers on JAX. ``seed`` is None (the global stream), an int or a SeedGenerator.

JAX has no hidden generator state: every draw takes a key. A seed becomes a key here; the
global stream is a key kept in this module, split on every eager draw. A compiled function
cannot advance that Python-side key (the draw would be frozen into the trace), so unseeded
draws are refused while tracing: layers pass a SeedGenerator, whose state is a variable.
"""

from __future__ import annotations

import random as _python_random

import jax
import jax.numpy as jnp

from lamina.backend.common import global_state
from lamina.backend.common.seed_generator import draw_seed
from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype

_global_key = None  # made on first use, from Python's random (seeded by set_random_seed)


def set_global_seed(seed: int) -> None:
    global _global_key
    _global_key = jax.random.PRNGKey(seed)


def _next_global_key(op_name):
    global _global_key
    if global_state.in_symbolic_scope():
        return jax.random.PRNGKey(0)  # shape inference: the values are never used
    if _global_key is None:
        _global_key = jax.random.PRNGKey(_python_random.randint(0, 2**31 - 1))
    new_global_key, key = jax.random.split(_global_key)
    if isinstance(key, jax.core.Tracer):
        raise ValueError(
            f"random.{op_name} was called with seed=None inside a traced function (jax.jit, "
            "jax.grad of a compiled step): the global random stream cannot advance there. "
            "Seeded random ops are needed inside compiled functions: pass seed=<int> or a "
            "lamina.random.SeedGenerator."
        )
    _global_key = new_global_key
    return key


def _key(seed, op_name):
    """A raw uint32[2] key: from an int, as given (a SeedGenerator's JAX state), or the next
    one of the global stream for None."""
    seed = draw_seed(seed)
    if seed is None:
        return _next_global_key(op_name)
    if isinstance(seed, int):
        return jax.random.PRNGKey(seed)
    return seed


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_jax_dtype(dtype)
    sample = jax.random.normal(_key(seed, "normal"), _shape(shape), dtype)
    return sample * jnp.asarray(stddev, dtype) + jnp.asarray(mean, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return jax.random.uniform(
        _key(seed, "uniform"), _shape(shape), to_jax_dtype(dtype), minval, maxval
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values within two standard deviations of the mean."""
    dtype = to_jax_dtype(dtype)
    sample = jax.random.truncated_normal(
        _key(seed, "truncated_normal"), -2.0, 2.0, _shape(shape), dtype
    )
    return sample * jnp.asarray(stddev, dtype) + jnp.asarray(mean, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(
        _key(seed, "randint"), _shape(shape), minval, maxval, to_jax_dtype(dtype)
    )


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    if not jnp.issubdtype(inputs.dtype, jnp.floating):
        inputs = inputs.astype(to_jax_dtype(None))
    if noise_shape is None:
        noise_shape = inputs.shape
    else:
        noise_shape = tuple(d if d is not None else s for d, s in zip(noise_shape, inputs.shape))
    keep = jax.random.bernoulli(_key(seed, "dropout"), 1.0 - rate, noise_shape)
    keep = jnp.broadcast_to(keep, inputs.shape)
    scaled = inputs / jnp.asarray(1.0 - rate, inputs.dtype)
    return jnp.where(keep, scaled, jnp.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    return jax.random.permutation(_key(seed, "shuffle"), x, axis=axis, independent=False)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    batch_shape = logits.shape[:-1]
    samples = jax.random.categorical(
        _key(seed, "categorical"),
        logits[..., None, :],  # (*batch, 1, classes), broadcast over the samples
        axis=-1,
        shape=(*batch_shape, num_samples),
    )
    return samples.astype(to_jax_dtype(dtype))
