"""Math functions on TensorFlow beyond NumPy's set."""

from __future__ import annotations

import tensorflow as tf

from lamina.backend.tensorflow.core import convert_to_tensor
from lamina.backend.tensorflow.numpy import _cast, _float

_t = convert_to_tensor


def top_k(x, k, sorted=True):
    values, indices = tf.math.top_k(_t(x), k=k, sorted=sorted)
    return values, _cast(indices, tf.int32)


def in_top_k(targets, predictions, k):
    targets, predictions = _t(targets), _t(predictions)
    target_scores = tf.gather(predictions, targets[..., None], batch_dims=1)  # (B, 1)
    # A tie with the k-th score counts as inside the top k, as in TensorFlow.
    return tf.reduce_sum(tf.cast(predictions > target_scores, tf.int32), axis=-1) < k


def logsumexp(x, axis=None, keepdims=False):
    axis = list(axis) if isinstance(axis, (list, tuple)) else axis
    return tf.reduce_logsumexp(_float(x), axis=axis, keepdims=keepdims)


def _segments(segment_ids, num_segments):
    """The ids with those outside [0, num_segments) (Keras's -1 for "none") made -1, which
    TensorFlow's unsorted segment ops drop; and the number of segments."""
    segment_ids = _t(segment_ids)
    if not segment_ids.dtype.is_integer:
        segment_ids = tf.cast(segment_ids, tf.int32)
    if num_segments is None:  # concrete ids when eager; a tensor inside a tf.function
        num_segments = tf.reduce_max(segment_ids) + 1
        if hasattr(num_segments, "numpy"):
            num_segments = int(num_segments.numpy())
    inside = (segment_ids >= 0) & (segment_ids < tf.cast(num_segments, segment_ids.dtype))
    return tf.where(inside, segment_ids, -tf.ones_like(segment_ids)), num_segments


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    segment_ids, num_segments = _segments(segment_ids, num_segments)
    return tf.math.unsorted_segment_sum(_t(data), segment_ids, num_segments)


def _segment_extreme(function, data, segment_ids, num_segments, empty):
    data = _t(data)
    segment_ids, num_segments = _segments(segment_ids, num_segments)
    out = function(data, segment_ids, num_segments)
    if not data.dtype.is_floating:
        return out  # TensorFlow fills an empty segment with the dtype's extreme, as torch
    # A float's empty segment holds -inf (max) or +inf (min), as JAX and torch (TensorFlow
    # would give the largest finite value).
    counts = tf.math.unsorted_segment_sum(tf.ones_like(segment_ids), segment_ids, num_segments)
    counts = tf.reshape(counts, tf.concat([[-1], tf.ones([tf.rank(out) - 1], tf.int32)], 0))
    return tf.where(counts > 0, out, tf.constant(empty, data.dtype))


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment_extreme(
        tf.math.unsorted_segment_max, data, segment_ids, num_segments, float("-inf")
    )


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment_extreme(
        tf.math.unsorted_segment_min, data, segment_ids, num_segments, float("inf")
    )


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    segment_ids, num_segments = _segments(segment_ids, num_segments)
    return tf.math.unsorted_segment_prod(_t(data), segment_ids, num_segments)


def erf(x):
    return tf.math.erf(_float(x))


def erfc(x):
    return tf.math.erfc(_float(x))


def erfinv(x):
    x = _float(x)
    if x.dtype in (tf.float16, tf.bfloat16):  # no CPU kernel: compute in float32
        return tf.cast(tf.math.erfinv(tf.cast(x, tf.float32)), x.dtype)
    return tf.math.erfinv(x)


def rsqrt(x):
    return tf.math.rsqrt(_float(x))


def logdet(x):
    sign, log_magnitude = tf.linalg.slogdet(_float(x))
    # torch.logdet's convention (Keras's default engine): nan for a negative determinant.
    return tf.where(sign < 0, tf.constant(float("nan"), log_magnitude.dtype), log_magnitude)


def extract_sequences(x, sequence_length, sequence_stride):
    return tf.signal.frame(_t(x), sequence_length, sequence_stride, axis=-1)


def _fft_float(x):
    """A float32 or float64 tensor (TensorFlow's FFT kernels take no half precision)."""
    x = _float(x)
    return x if x.dtype in (tf.float32, tf.float64) else tf.cast(x, tf.float32)


def _complex(x):
    real, imag = x
    real, imag = _fft_float(real), _fft_float(imag)
    if real.dtype != imag.dtype:
        real, imag = tf.cast(real, tf.float64), tf.cast(imag, tf.float64)
    return tf.complex(real, imag)


def _parts(x):
    return tf.math.real(x), tf.math.imag(x)


def fft(x):
    return _parts(tf.signal.fft(_complex(x)))


def fft2(x):
    return _parts(tf.signal.fft2d(_complex(x)))


def ifft2(x):
    return _parts(tf.signal.ifft2d(_complex(x)))


def rfft(x, fft_length=None):
    x = _fft_float(x)
    if fft_length is None:
        fft_length = x.shape[-1] if x.shape[-1] is not None else tf.shape(x)[-1]
    # Cropped here, not by rfft: rfft's gradient fails on a longer input.
    x = x[..., :fft_length]
    return _parts(tf.signal.rfft(x, fft_length=[fft_length]))


def irfft(x, fft_length=None):
    x = _complex(x)
    if fft_length is None:
        size = x.shape[-1] if x.shape[-1] is not None else tf.shape(x)[-1]
        fft_length = 2 * (size - 1)
    return tf.signal.irfft(x, fft_length=[fft_length])


def view_as_complex(x):
    x = _fft_float(x)
    return tf.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    x = _t(x)
    return tf.stack([tf.math.real(x), tf.math.imag(x)], axis=-1)
