"""Random numbers on JAX. ``seed`` is None (the global stream), an int or a SeedGenerator.

JAX has no hidden generator state: every draw takes a key. A seed becomes a key here; the
global stream is a key kept in this module, split on every eager draw. A compiled function
cannot advance that Python-side key (the draw would be frozen into the trace), so unseeded
draws are refused while tracing: layers pass a SeedGenerator, whose state is a variable.
"""

from __future__ import annotations

import functools
import math
import random as _python_random

import jax
import jax.numpy as jnp
import numpy as np

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


# Eager draws of small shapes (layer weights as they are built) go through one compiled
# program per power-of-two size: compiling JAX's random-bit generator for every new weight
# shape took 0.3-3 s each on a 2-core CPU, the bulk of building a model eagerly. Inside a
# trace (a compiled step) the shape is drawn directly: it compiles once with the step.
_BUCKET_MIN, _BUCKET_MAX = 1 << 10, 1 << 20


def _normal_scaled(key, shape, dtype, mean, stddev):
    return jax.random.normal(key, shape, dtype) * stddev.astype(dtype) + mean.astype(dtype)


def _uniform_in(key, shape, dtype, minval, maxval):
    return jax.random.uniform(key, shape, dtype, minval.astype(dtype), maxval.astype(dtype))


def _truncated_scaled(key, shape, dtype, mean, stddev):
    sample = jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype)
    return sample * stddev.astype(dtype) + mean.astype(dtype)


@functools.cache
def _flat_draw(draw, size, dtype):
    return jax.jit(lambda key, a, b: draw(key, (size,), dtype, a, b))


def _draw(draw, key, shape, dtype, a, b):
    shape = _shape(shape)
    size = math.prod(shape)
    # In the draw's dtype: a Python float and a float32 array would otherwise each compile.
    a, b = jnp.asarray(a, dtype), jnp.asarray(b, dtype)
    traced = any(isinstance(v, jax.core.Tracer) for v in (key, a, b))
    if traced or size > _BUCKET_MAX or global_state.in_symbolic_scope():
        return draw(key, shape, dtype, a, b)
    bucket = max(_BUCKET_MIN, 1 << (size - 1).bit_length())
    flat = _flat_draw(draw, bucket, dtype)(key, a, b)
    if isinstance(flat, jax.core.Tracer):  # inside a trace after all: stay in it
        return flat[:size].reshape(shape)
    # Cut on the host: an eager device slice would compile once per shape again.
    return jnp.asarray(np.asarray(flat)[:size].reshape(shape))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = to_jax_dtype(dtype)
    return _draw(_normal_scaled, _key(seed, "normal"), shape, dtype, mean, stddev)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = to_jax_dtype(dtype)
    return _draw(_uniform_in, _key(seed, "uniform"), shape, dtype, minval, maxval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values within two standard deviations of the mean."""
    dtype = to_jax_dtype(dtype)
    return _draw(_truncated_scaled, _key(seed, "truncated_normal"), shape, dtype, mean, stddev)


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


# Gamma-based samplers are large programs (several seconds to compile on CPU): eager draws
# go through _draw's power-of-two buckets, so each compiles once, not once per shape.
def _gamma_draw(key, shape, dtype, alpha, _unused):
    return jax.random.gamma(key, alpha.astype(dtype), shape, dtype)


def _beta_draw(key, shape, dtype, alpha, beta):
    return jax.random.beta(key, alpha.astype(dtype), beta.astype(dtype), shape, dtype)


def _binomial_draw(key, shape, dtype, counts, probabilities):
    counts, probabilities = counts.astype(dtype), probabilities.astype(dtype)
    return jax.random.binomial(key, counts, probabilities, shape, dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = to_jax_dtype(dtype)
    return _draw(_gamma_draw, _key(seed, "gamma"), shape, dtype, alpha, 0.0)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of ``shape`` from the Beta(``alpha``, ``beta``) distribution."""
    dtype = to_jax_dtype(dtype)
    return _draw(_beta_draw, _key(seed, "beta"), shape, dtype, alpha, beta)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = to_jax_dtype(dtype)
    return _draw(_binomial_draw, _key(seed, "binomial"), shape, dtype, counts, probabilities)


def get_global_state():
    """The global stream's key as JSON-ready data (BackupAndRestore); None before the first
    unseeded draw or ``set_global_seed``."""
    return None if _global_key is None else np.asarray(_global_key).tolist()


def set_global_state(state) -> None:
    """Set the global stream back to a ``get_global_state()``."""
    global _global_key
    if state is None:
        _global_key = None
        return
    key = np.asarray(state)
    if key.shape != (2,) or key.dtype.kind not in "iu":
        raise ValueError(
            "set_global_state expects the key that get_global_state returned (two unsigned "
            f"32-bit integers, jax engine); received {state!r}."
        )
    _global_key = jnp.asarray(key, dtype=jnp.uint32)
