"""Random numbers on TensorFlow. ``seed`` is None (the global stream), an int or a
SeedGenerator.

Every draw is a stateless op (``tf.random.stateless_*``) on a seed tensor of two int64s:
``[seed, 0]`` for an int, a SeedGenerator's state variable (which a compiled step advances
on every call), or for None a fresh pair from the global ``tf.random.Generator``, whose
state is a variable too, so unseeded draws inside a ``tf.function`` differ per call.
"""

from __future__ import annotations

import random as _python_random

import numpy as np
import tensorflow as tf

from lamina.backend.common.seed_generator import draw_seed
from lamina.backend.common.variables import KerasVariable
from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype

_global_generator: tf.random.Generator | None = None


def set_global_seed(seed: int) -> None:
    # Reset in place: graphs already traced keep drawing from this generator's variable.
    with tf.init_scope():
        _generator().reset_from_seed(int(seed))


def _generator() -> tf.random.Generator:
    global _global_generator
    if _global_generator is None:
        with tf.init_scope():  # its state variable is made eagerly, even while tracing
            _global_generator = tf.random.Generator.from_seed(_python_random.randint(0, 2**31 - 1))
    return _global_generator


def _seed(seed):
    """The int64[2] seed tensor of a stateless op."""
    seed = draw_seed(seed)
    if seed is None:
        return _generator().make_seeds(1)[:, 0]
    if isinstance(seed, int):
        return tf.constant([seed, 0], dtype=tf.int64)
    if isinstance(seed, KerasVariable):
        seed = seed.value
    return tf.cast(seed, tf.int64)  # a SeedGenerator's [seed, counter] state


def _shape(shape):
    if tf.is_tensor(shape):
        return shape  # a graph's dynamic shape (tf.shape(x) inside a tf.function)
    return (shape,) if isinstance(shape, int) else tuple(shape)


def _float_dtype(dtype):
    return to_tf_dtype(dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    return tf.random.stateless_normal(
        _shape(shape), _seed(seed), tf.cast(mean, dtype), tf.cast(stddev, dtype), dtype
    )


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    return tf.random.stateless_uniform(
        _shape(shape), _seed(seed), tf.cast(minval, dtype), tf.cast(maxval, dtype), dtype
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values within two standard deviations of the mean."""
    dtype = _float_dtype(dtype)
    return tf.random.stateless_truncated_normal(
        _shape(shape), _seed(seed), tf.cast(mean, dtype), tf.cast(stddev, dtype), dtype
    )


def randint(shape, minval, maxval, dtype="int32", seed=None):
    target = to_tf_dtype(dtype)
    # The stateless integer sampler takes int32/int64 bounds; other types are cast after.
    draw_dtype = target if target in (tf.int32, tf.int64) else tf.int64
    values = tf.random.stateless_uniform(
        _shape(shape), _seed(seed), tf.cast(minval, draw_dtype), tf.cast(maxval, draw_dtype),
        draw_dtype,
    )  # fmt: skip
    return values if draw_dtype == target else tf.cast(values, target)


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    if not inputs.dtype.is_floating:
        inputs = tf.cast(inputs, to_tf_dtype(None))
    if noise_shape is None:
        noise_shape = tf.shape(inputs)
    else:
        noise_shape = [
            d if d is not None else tf.shape(inputs)[i] for i, d in enumerate(noise_shape)
        ]
    keep = tf.random.stateless_uniform(noise_shape, _seed(seed), dtype=tf.float32) >= rate
    keep = tf.broadcast_to(keep, tf.shape(inputs))
    scaled = inputs / tf.cast(1.0 - rate, inputs.dtype)
    return tf.where(keep, scaled, tf.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    keys = tf.random.stateless_uniform([tf.shape(x)[axis]], _seed(seed), dtype=tf.float32)
    return tf.gather(x, tf.argsort(keys), axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    target = to_tf_dtype(dtype)
    draw_dtype = target if target in (tf.int32, tf.int64) else tf.int64
    batch_shape = tf.shape(logits)[:-1]
    flat = tf.reshape(logits, [-1, tf.shape(logits)[-1]])  # (batch, classes)
    samples = tf.random.stateless_categorical(flat, num_samples, _seed(seed), draw_dtype)
    samples = tf.reshape(samples, tf.concat([batch_shape, [num_samples]], axis=0))
    return samples if draw_dtype == target else tf.cast(samples, target)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    return tf.random.stateless_gamma(_shape(shape), _seed(seed), tf.cast(alpha, dtype), dtype=dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of ``shape`` from Beta(``alpha``, ``beta``): X / (X + Y) with X ~ Gamma(alpha)
    and Y ~ Gamma(beta), drawn on two seeds split from one."""
    dtype = _float_dtype(dtype)
    first_seed, second_seed = tf.unstack(tf.random.experimental.stateless_split(_seed(seed), 2))
    shape = _shape(shape)
    first = tf.random.stateless_gamma(shape, first_seed, tf.cast(alpha, dtype), dtype=dtype)
    second = tf.random.stateless_gamma(shape, second_seed, tf.cast(beta, dtype), dtype=dtype)
    return first / (first + second)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    # The sampler counts in float32/float64; half-precision outputs are cast after.
    draw_dtype = dtype if dtype in (tf.float32, tf.float64) else tf.float32
    samples = tf.random.stateless_binomial(
        _shape(shape), _seed(seed), tf.cast(counts, draw_dtype),
        tf.cast(probabilities, draw_dtype), output_dtype=draw_dtype,
    )  # fmt: skip
    return samples if draw_dtype == dtype else tf.cast(samples, dtype)


def get_global_state():
    """The global stream's state as JSON-ready data (BackupAndRestore); None before the
    first unseeded draw or ``set_global_seed``."""
    if _global_generator is None:
        return None
    return {
        "state": np.asarray(_global_generator.state.numpy()).tolist(),
        "algorithm": int(_global_generator.algorithm),
    }


def set_global_state(state) -> None:
    """Set the global stream back to a ``get_global_state()`` (None: a fresh random start)."""
    if state is None:
        with tf.init_scope():
            _generator().reset_from_seed(_python_random.randint(0, 2**31 - 1))
        return
    generator = _generator()
    if (
        not isinstance(state, dict)
        or "state" not in state
        or state.get("algorithm") != int(generator.algorithm)
    ):
        raise ValueError(
            "set_global_state expects the dict that get_global_state returned (tensorflow "
            f"engine, with 'state' and 'algorithm' entries); received {state!r:.200}."
        )
    values = np.asarray(state["state"], dtype=np.int64)
    if values.shape != tuple(generator.state.shape):
        raise ValueError(
            f"set_global_state: expected a state of {generator.state.shape[0]} integers; "
            f"received {values.shape}."
        )
    with tf.init_scope():
        generator.reset(values)
