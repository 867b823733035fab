"""Random numbers on NumPy. ``seed`` is None (the global stream), an int or a SeedGenerator.

An int seeds a fresh ``np.random.Generator``, so equal seeds give equal draws; None draws
from the module's global generator, which ``set_global_seed`` replaces.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common.seed_generator import draw_seed
from lamina.backend.numpy.core import as_dtype, kind, quiet, to_array, to_numpy_dtype

_global_generator = np.random.default_rng()


def _generator(seed) -> np.random.Generator:
    if not isinstance(seed, np.ndarray):
        seed = draw_seed(seed)
    if seed is None:
        return _global_generator
    if isinstance(seed, np.ndarray):
        # A seed array (a SeedGenerator's state on some engines) is an entropy sequence;
        # SeedSequence wants non-negative words.
        words = np.asarray(seed, dtype=np.int64).ravel() % 2**32
        return np.random.default_rng([int(word) for word in words])
    return np.random.default_rng(int(seed) % 2**64)


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def _float_dtype(dtype):
    dtype = to_numpy_dtype(dtype)
    if kind(dtype) != "f":
        raise ValueError(f"Expected a floating dtype for random values; received {dtype.name}.")
    return dtype


def _draw_float(draw, shape, dtype):
    """``draw(shape, dtype=…)`` in float32 or float64 (the Generator's kinds), then ``dtype``."""
    native = dtype if dtype in (np.float32, np.float64) else np.dtype(np.float32)
    return as_dtype(draw(_shape(shape), dtype=native), dtype)


def set_global_seed(seed: int) -> None:
    global _global_generator
    _global_generator = np.random.default_rng(seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    values = _draw_float(_generator(seed).standard_normal, shape, dtype)
    return np.asarray(values * stddev + mean, dtype=dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    values = _draw_float(_generator(seed).random, shape, dtype)  # [0, 1)
    out = np.asarray(values * (maxval - minval) + minval, dtype=dtype)
    # Rounding to a narrow dtype can land on maxval itself; keep the interval half-open.
    return np.where(out >= maxval, np.nextafter(np.asarray(maxval, dtype), -np.inf), out)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values redrawn until they fall within two standard deviations of the mean."""
    dtype = _float_dtype(dtype)
    generator = _generator(seed)
    values = generator.standard_normal(_shape(shape))
    outside = np.abs(values) > 2.0
    while np.any(outside):  # about 4.6% per round
        values[outside] = generator.standard_normal(int(np.count_nonzero(outside)))
        outside = np.abs(values) > 2.0
    return np.asarray(values * stddev + mean, dtype=dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = to_numpy_dtype(dtype)
    return _generator(seed).integers(minval, maxval, size=_shape(shape), dtype=dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = to_array(inputs)
    if noise_shape is None:
        noise_shape = inputs.shape
    else:
        noise_shape = tuple(d if d is not None else s for d, s in zip(noise_shape, inputs.shape))
    keep = _generator(seed).random(noise_shape, dtype=np.float32) >= rate
    scaled = np.asarray(inputs / (1.0 - rate), dtype=inputs.dtype)
    return np.where(keep, scaled, np.zeros((), dtype=inputs.dtype))


def shuffle(x, axis=0, seed=None):
    x = to_array(x)
    order = _generator(seed).permutation(x.shape[axis])
    return np.take(x, order, axis=axis)


@quiet
def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = to_array(logits)
    batched = logits.ndim == 2
    logits = (logits if batched else logits[None]).astype(np.float64)
    probabilities = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
    cumulative = np.cumsum(probabilities, axis=-1)
    rows = np.arange(logits.shape[0])[:, None]
    # Row b's cumulative distribution, shifted to [b, b + 1], so one sorted search serves
    # every row: the sample is the first class whose cumulative weight exceeds the draw.
    cumulative = cumulative / cumulative[:, -1:] + rows  # (B, C)
    draws = _generator(seed).random((logits.shape[0], num_samples)) + rows  # (B, S)
    positions = np.searchsorted(cumulative.ravel(), draws.ravel(), side="right")
    samples = positions.reshape(draws.shape) - rows * logits.shape[-1]
    samples = np.clip(samples, 0, logits.shape[-1] - 1).astype(to_numpy_dtype(dtype))
    return samples if batched else samples[0]


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    return np.asarray(_generator(seed).gamma(alpha, 1.0, size=_shape(shape)), dtype=dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of ``shape`` from the Beta(``alpha``, ``beta``) distribution."""
    dtype = _float_dtype(dtype)
    return np.asarray(_generator(seed).beta(alpha, beta, size=_shape(shape)), dtype=dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _float_dtype(dtype)
    draws = _generator(seed).binomial(counts, probabilities, size=_shape(shape))
    return np.asarray(draws, dtype=dtype)


def get_global_state() -> dict:
    """The global generator's state as JSON-ready data (BackupAndRestore)."""
    return dict(_global_generator.bit_generator.state)


def set_global_state(state) -> None:
    """Set the global generator back to a ``get_global_state()``."""
    bit_generator = _global_generator.bit_generator
    if not isinstance(state, dict) or state.get("bit_generator") != type(bit_generator).__name__:
        raise ValueError(
            "set_global_state expects the dict that get_global_state returned (numpy engine, "
            f"bit generator {type(bit_generator).__name__}); received {state!r}."
        )
    bit_generator.state = state
