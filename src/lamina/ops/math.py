"""Math ops beyond NumPy's set (Keras's ``keras.ops`` math functions).

Complex values travel as a ``(real, imag)`` pair of float tensors, as in Keras: ``fft``,
``fft2``, ``ifft2``, ``irfft`` and ``istft`` take one, ``fft*``, ``rfft`` and ``stft``
return one.
"""

from __future__ import annotations

import functools

import numpy as np

from lamina.backend import engine, is_float_dtype as _is_float_dtype
from lamina.ops.core import dtype as _dtype, shape as _shape
from lamina.ops.dispatch import op

_math = engine.math
_numpy = engine.numpy

top_k = op(_math.top_k, doc="(values, indices) of the k largest entries along the last axis.")
in_top_k = op(_math.in_top_k, doc="Whether each target id is among the k highest predictions.")
logsumexp = op(_math.logsumexp)


def _boolean_segments(engine_function):
    """``engine_function`` with boolean ``data`` as Keras's torch engine takes it: reduced as
    0/1 integers and read back as nonzero (sum and max: any; prod and min: all; an empty
    segment, holding 0 for sum and the integer's extreme or 1 otherwise, reads as given)."""

    @functools.wraps(engine_function)
    def reduce(data, segment_ids, num_segments=None, sorted=False):
        data = engine.core.convert_to_tensor(data)
        if _numpy.get_dtype_name(data) != "bool":
            return engine_function(data, segment_ids, num_segments, sorted)
        as_ints = engine.core.cast(data, "int32")
        return engine.core.cast(engine_function(as_ints, segment_ids, num_segments, sorted), "bool")

    return reduce


segment_sum = op(_boolean_segments(_math.segment_sum))
segment_max = op(
    _boolean_segments(_math.segment_max),
    doc="The max of ``data``'s rows per segment id; an empty segment holds the lowest value "
    "(-inf for floats; True for bool, as Keras's torch engine); ids outside "
    "[0, num_segments) are dropped.",
)
segment_min = op(
    _boolean_segments(_math.segment_min),
    doc="The min of ``data``'s rows per segment id; an empty segment holds the highest value "
    "(inf for floats, True for bool); ids outside [0, num_segments) are dropped.",
)
segment_prod = op(
    _boolean_segments(_math.segment_prod),
    doc="The product of ``data``'s rows per segment id; an empty segment holds 1; ids "
    "outside [0, num_segments) are dropped.",
)
erf = op(_math.erf)
erfc = op(_math.erfc, doc="The complementary error function 1 - erf(x), accurate for large x.")
erfinv = op(_math.erfinv, doc="The inverse error function of ``x``, element-wise.")
rsqrt = op(_math.rsqrt)
logdet = op(
    _math.logdet,
    doc="log(det(x)) of each square matrix (for positive-definite ``x``; nan where det < 0).",
)
view_as_complex = op(
    _math.view_as_complex, doc="A complex tensor from a real ``x`` whose last axis is (re, im)."
)
view_as_real = op(
    _math.view_as_real, doc="A complex ``x`` as real values with a last axis (re, im)."
)


def _check_complex_pair(name: str, x, min_rank: int = 1) -> None:
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{name} expects x as a (real, imag) pair of tensors; received {type(x).__name__}."
        )
    real_shape, imag_shape = _shape(x[0]), _shape(x[1])
    if real_shape != imag_shape:
        raise ValueError(
            f"{name}: the real and imaginary parts must have one shape; received "
            f"{real_shape} and {imag_shape}."
        )
    if len(real_shape) < min_rank:
        raise ValueError(f"{name} expects x of rank >= {min_rank}; received shape {real_shape}.")
    for part in x:
        if not _is_float_dtype(_dtype(part)):
            raise TypeError(
                f"{name} expects float real and imaginary parts; received {_dtype(part)}."
            )


def _pair_op(engine_function, min_rank: int, doc: str):
    public = op(engine_function, doc=doc)
    name = public.__name__

    def checked(x, *args, **kwargs):
        _check_complex_pair(name, x, min_rank)
        return public(tuple(x), *args, **kwargs)

    checked.__name__ = checked.__qualname__ = name
    checked.__doc__ = public.__doc__
    return checked


fft = _pair_op(_math.fft, 1, "The FFT of ``x = (real, imag)`` along its last axis.")
fft2 = _pair_op(_math.fft2, 2, "The 2D FFT of ``x = (real, imag)`` over its last two axes.")
ifft2 = _pair_op(
    _math.ifft2, 2, "The inverse 2D FFT of ``x = (real, imag)`` over its last two axes."
)
irfft = _pair_op(
    _math.irfft,
    1,
    "The real signal whose rfft is ``x = (real, imag)``, of ``fft_length`` samples "
    "(default 2 * (bins - 1)).",
)
rfft = op(
    _math.rfft,
    doc="(real, imag) of the FFT of a real ``x`` along its last axis: fft_length // 2 + 1 bins.",
)


def _extract_sequences(x, sequence_length, sequence_stride):
    for argument, value in (
        ("sequence_length", sequence_length),
        ("sequence_stride", sequence_stride),
    ):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(
                f"extract_sequences: {argument} must be a positive int; received {value!r}."
            )
    return _math.extract_sequences(x, int(sequence_length), int(sequence_stride))


extract_sequences = op(
    _extract_sequences,
    name="extract_sequences",
    doc="Windows of ``sequence_length`` every ``sequence_stride`` along the last axis: "
    "(..., 1 + (N - sequence_length) // sequence_stride, sequence_length).",
)


# ---- short-time Fourier transforms: framing + rfft, written once for every engine ---------


def _window(name: str, window, sequence_length: int, fft_length: int, x_dtype: str):
    """The window (None: no windowing) as a tensor, zero-padded on both sides to fft_length
    as torch.stft centres a shorter window."""
    if window is None:
        return None
    if isinstance(window, str):
        position = np.arange(sequence_length) / sequence_length  # periodic, as scipy/torch
        if window == "hann":
            values = 0.5 - 0.5 * np.cos(2 * np.pi * position)
        elif window == "hamming":
            values = 0.54 - 0.46 * np.cos(2 * np.pi * position)
        else:
            raise ValueError(
                f"{name}: window must be 'hann', 'hamming', a tensor or None; received {window!r}."
            )
        window = engine.core.convert_to_tensor(values, dtype=x_dtype)
    else:
        window = engine.core.cast(engine.core.convert_to_tensor(window), x_dtype)
    if tuple(window.shape) != (sequence_length,):
        raise ValueError(
            f"{name}: window must have shape ({sequence_length},) (sequence_length); "
            f"received {tuple(window.shape)}."
        )
    left = (fft_length - sequence_length) // 2
    return _numpy.pad(window, [(left, fft_length - sequence_length - left)])


def _check_lengths(name: str, sequence_length, sequence_stride, fft_length) -> None:
    for argument, value in (
        ("sequence_length", sequence_length),
        ("sequence_stride", sequence_stride),
        ("fft_length", fft_length),
    ):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: {argument} must be a positive int; received {value!r}.")
    if fft_length < sequence_length:
        raise ValueError(
            f"{name}: fft_length must be >= sequence_length; received fft_length={fft_length}, "
            f"sequence_length={sequence_length}."
        )


def _stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = engine.core.convert_to_tensor(x)
    x_dtype = _numpy.get_dtype_name(x)
    if x_dtype not in ("float32", "float64"):
        raise TypeError(f"stft expects x of dtype float32 or float64; received {x_dtype}.")
    if center:  # frame t is centred on sample t * sequence_stride
        half = fft_length // 2
        x = _numpy.pad(x, [(0, 0)] * (x.ndim - 1) + [(half, half)], mode="reflect")
    frames = _math.extract_sequences(x, fft_length, sequence_stride)  # (..., T, fft_length)
    window = _window("stft", window, sequence_length, fft_length, x_dtype)
    if window is not None:
        frames = _numpy.multiply(frames, window)
    return _math.rfft(frames, fft_length)  # (..., T, fft_length // 2 + 1) each


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis: ``(real, imag)``, each of shape
    ``(..., num_sequences, fft_length // 2 + 1)``.

    Args:
        window: ``"hann"``, ``"hamming"`` (periodic), a tensor of ``sequence_length`` values,
            or None (no window). A window shorter than ``fft_length`` is zero-padded on both
            sides.
        center: pad ``x`` by ``fft_length // 2`` on each side (reflecting) so that frame
            ``t`` is centred on sample ``t * sequence_stride``.
    """
    _check_lengths("stft", sequence_length, sequence_stride, fft_length)
    return _stft_op(x, sequence_length, sequence_stride, fft_length, window, center)


_stft_op = op(_stft, name="stft")


def _overlap_add(frames, stride: int):
    """Sum frames ``(..., N, L)`` placed every ``stride`` samples: ``(..., (N - 1) * stride
    + L)``. Each frame is cut into S = ceil(L / stride) pieces; piece j of frame n lands at
    (n + j) * stride, which a reshape with a row longer by one piece per row lines up."""
    *batch, count, length = frames.shape
    pieces = -(-length // stride)
    frames = _numpy.pad(frames, [(0, 0)] * len(batch) + [(0, 0), (0, pieces * stride - length)])
    frames = _numpy.reshape(frames, (*batch, count, pieces, stride))
    frames = _numpy.swapaxes(frames, -3, -2)  # (..., S, N, stride)
    frames = _numpy.pad(frames, [(0, 0)] * (len(batch) + 1) + [(0, pieces), (0, 0)])
    row = (count + pieces - 1) * stride  # (..., S, N + S, stride) flattened, one row shorter
    flat = _numpy.reshape(frames, (*batch, pieces * (count + pieces) * stride))
    shifted = _numpy.reshape(flat[..., : pieces * row], (*batch, pieces, row))
    return _numpy.sum(shifted, axis=-2)[..., : (count - 1) * stride + length]


def _istft(
    x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True
):
    frames = _math.irfft(x, fft_length)  # (..., T, fft_length)
    x_dtype = _numpy.get_dtype_name(frames)
    window = _window("istft", window, sequence_length, fft_length, x_dtype)
    if window is not None:
        # Divide by the overlapping windows' squared sum, per phase of the stride (as
        # tf.signal.inverse_stft_window_fn, which Keras uses on every engine).
        pieces = -(-fft_length // sequence_stride)
        squared = _numpy.pad(_numpy.square(window), [(0, pieces * sequence_stride - fft_length)])
        denominator = _numpy.sum(_numpy.reshape(squared, (pieces, sequence_stride)), axis=0)
        denominator = _numpy.reshape(_numpy.tile(denominator, (pieces,)), (-1,))[:fft_length]
        frames = _numpy.multiply(frames, _numpy.divide_no_nan(window, denominator))
    signal = _overlap_add(frames, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        return signal[..., start : start + length]
    return signal[..., start : signal.shape[-1] - start]


def istft(
    x,
    sequence_length,
    sequence_stride,
    fft_length,
    length=None,
    window="hann",
    center=True,
):
    """Inverse of ``stft`` from ``x = (real, imag)``: the signal along a new last axis.

    Pass ``stft``'s arguments; ``length`` clips the output to that many samples.
    """
    _check_complex_pair("istft", x, min_rank=2)
    _check_lengths("istft", sequence_length, sequence_stride, fft_length)
    return _istft_op(tuple(x), sequence_length, sequence_stride, fft_length, length, window, center)


_istft_op = op(_istft, name="istft")


def _cdist(x, y):
    x, y = engine.core.convert_to_tensor(x), engine.core.convert_to_tensor(y)
    difference = _numpy.expand_dims(x, -2) - _numpy.expand_dims(y, -3)  # (..., N, M, D)
    return _numpy.sqrt(_numpy.sum(_numpy.square(difference), axis=-1))


_cdist_op = op(_cdist, name="cdist")


def cdist(x, y):
    """Euclidean distances between the rows of ``x`` (..., N, D) and of ``y`` (..., M, D):
    (..., N, M); leading axes broadcast."""
    x_shape, y_shape = _shape(x), _shape(y)
    if len(x_shape) < 2 or len(y_shape) < 2:
        raise ValueError(
            f"cdist expects x and y of rank >= 2; received shapes {x_shape} and {y_shape}."
        )
    if None not in (x_shape[-1], y_shape[-1]) and x_shape[-1] != y_shape[-1]:
        raise ValueError(
            f"cdist: x and y need the same last dimension; received shapes {x_shape} and "
            f"{y_shape}."
        )
    return _cdist_op(x, y)
