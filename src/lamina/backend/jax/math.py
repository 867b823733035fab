"""Math functions on JAX beyond NumPy's set."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype

_t = convert_to_tensor


def _float(x):
    """A float tensor: integers and bools become floatx (not JAX's float64 default)."""
    x = _t(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(to_jax_dtype(None))


def top_k(x, k, sorted=True):
    # lax.top_k always sorts (largest first; ties keep the lower index first).
    values, indices = jax.lax.top_k(_t(x), k)
    return values, indices.astype(jnp.int32)


def in_top_k(targets, predictions, k):
    targets, predictions = _t(targets), _t(predictions)
    target_scores = jnp.take_along_axis(predictions, targets[..., None], axis=-1)  # (B, 1)
    # A tie with the k-th score counts as inside the top k, as in TensorFlow.
    return jnp.sum(predictions > target_scores, axis=-1) < k


def logsumexp(x, axis=None, keepdims=False):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jax.scipy.special.logsumexp(_float(x), axis=axis, keepdims=keepdims)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids)
    if num_segments is None:  # needs concrete ids, as torch's engine (not under jax.jit)
        num_segments = int(jnp.max(segment_ids)) + 1
    return jax.ops.segment_sum(
        data, segment_ids, num_segments=num_segments, indices_are_sorted=sorted
    )


def erf(x):
    return jax.lax.erf(_float(x))


def rsqrt(x):
    return jax.lax.rsqrt(_float(x))


def norm_cast(x, dtype):
    return _t(x).astype(to_jax_dtype(dtype))


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids)
    if num_segments is None:  # needs concrete ids, as torch's engine (not under jax.jit)
        num_segments = int(jnp.max(segment_ids)) + 1
    # Ids outside [0, num_segments) (Keras's -1 for "none") are dropped by the scatter.
    return jax.ops.segment_max(
        data, segment_ids, num_segments=num_segments, indices_are_sorted=sorted
    )


def extract_sequences(x, sequence_length, sequence_stride):
    x = _t(x)
    num_sequences = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    starts = jnp.arange(num_sequences) * sequence_stride
    index = starts[:, None] + jnp.arange(sequence_length)[None, :]  # (num, length)
    return x[..., index]


def _complex(x):
    real, imag = x
    return jax.lax.complex(_float(real), _float(imag))


def fft(x):
    out = jnp.fft.fft(_complex(x), axis=-1)
    return jnp.real(out), jnp.imag(out)


def fft2(x):
    out = jnp.fft.fft2(_complex(x), axes=(-2, -1))
    return jnp.real(out), jnp.imag(out)


def ifft2(x):
    out = jnp.fft.ifft2(_complex(x), axes=(-2, -1))
    return jnp.real(out), jnp.imag(out)


def rfft(x, fft_length=None):
    out = jnp.fft.rfft(_float(x), n=fft_length, axis=-1)
    return jnp.real(out), jnp.imag(out)


def irfft(x, fft_length=None):
    return jnp.fft.irfft(_complex(x), n=fft_length, axis=-1)


def erfinv(x):
    return jax.lax.erf_inv(_float(x))


def logdet(x):
    sign, log_magnitude = jnp.linalg.slogdet(_float(x))
    # torch.logdet's convention (Keras's default engine): nan for a negative determinant.
    return jnp.where(sign < 0, jnp.nan, log_magnitude)


def view_as_complex(x):
    x = _float(x)
    return jax.lax.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    x = _t(x)
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


def erfc(x):
    return jax.lax.erfc(_float(x))


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids)
    if num_segments is None:  # needs concrete ids, as torch's engine (not under jax.jit)
        num_segments = int(jnp.max(segment_ids)) + 1
    return jax.ops.segment_min(
        data, segment_ids, num_segments=num_segments, indices_are_sorted=sorted
    )


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids)
    if num_segments is None:
        num_segments = int(jnp.max(segment_ids)) + 1
    return jax.ops.segment_prod(
        data, segment_ids, num_segments=num_segments, indices_are_sorted=sorted
    )
