"""lamina.ops math ops (beyond NumPy's set) against float64 NumPy."""

import math

import numpy as np
import pytest

from lamina import backend, ops
from lamina.ops import math as ops_math
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic, uncovered


def _top_k(x, k):
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order


def _in_top_k(targets, predictions, k):
    target_scores = np.take_along_axis(predictions, targets[:, None], axis=-1)
    return np.sum(predictions > target_scores, axis=-1) < k


def _logsumexp(x, axis=None, keepdims=False):
    peak = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis)


def _segment_sum(data, ids, num_segments):
    out = np.zeros((num_segments, *data.shape[1:]))
    np.add.at(out, ids, data)
    return out


TOL = {"rtol": 1e-4, "atol": 1e-4}


def _segment_reduce(ufunc, empty, data, ids, num_segments):
    out = np.full((num_segments, *data.shape[1:]), empty)
    kept = (ids >= 0) & (ids < num_segments)  # Keras drops ids outside the range
    ufunc.at(out, ids[kept], data[kept])
    return out


def _cdist(x, y):
    return np.sqrt(np.sum((x[..., :, None, :] - y[..., None, :, :]) ** 2, axis=-1))


def _scipy_special():
    return pytest.importorskip("scipy.special", reason="SciPy's erfinv is the reference")


def _segment_max(data, ids, num_segments):
    out = np.full((num_segments, *data.shape[1:]), -np.inf)
    kept = ids >= 0
    np.maximum.at(out, ids[kept], data[kept])
    return out


def _frames(x, length, stride):
    starts = range(0, x.shape[-1] - length + 1, stride)
    return np.stack([x[..., s : s + length] for s in starts], axis=-2)


def _parts(z):
    return [z.real, z.imag]


def _window(name, sequence_length, fft_length):
    """The periodic window, centred and zero-padded to fft_length (float64)."""
    n = np.arange(sequence_length) / sequence_length
    if name is None:
        return np.ones(fft_length)
    w = {"hann": 0.5 - 0.5 * np.cos(2 * np.pi * n),
         "hamming": 0.54 - 0.46 * np.cos(2 * np.pi * n)}[name]  # fmt: skip
    left = (fft_length - sequence_length) // 2
    return np.pad(w, (left, fft_length - sequence_length - left))


def _stft(x, sequence_length, stride, fft_length, window="hann", center=True):
    if center:
        half = fft_length // 2
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(half, half)], mode="reflect")
    frames = _frames(x, fft_length, stride) * _window(window, sequence_length, fft_length)
    return np.fft.rfft(frames, axis=-1)


def _istft(z, sequence_length, stride, fft_length, length=None, window="hann", center=True):
    """Overlap-add of windowed inverse FFTs, each window divided by the squared windows that
    overlap it (tf.signal.inverse_stft_window_fn, Keras's rule)."""
    frames = np.fft.irfft(z, fft_length, axis=-1)
    if window is not None:
        w = _window(window, sequence_length, fft_length)
        denominator = np.array([np.sum(w[p::stride] ** 2) for p in range(stride)])
        frames = frames * w / denominator[np.arange(fft_length) % stride]
    count = frames.shape[-2]
    out = np.zeros((*frames.shape[:-2], (count - 1) * stride + fft_length))
    for t in range(count):
        out[..., t * stride : t * stride + fft_length] += frames[..., t, :]
    start = fft_length // 2 if center else 0
    if length is not None:
        return out[..., start : start + length]
    return out[..., start : out.shape[-1] - start]


CASES = [
    OpCase("top_k", lambda x: ops.top_k(x, 3), lambda x: _top_k(x, 3), ((4, 6),),
           dtype=("float32", "int32")),
    OpCase("in_top_k", lambda t, p: ops.in_top_k(t, p, 2), lambda t, p: _in_top_k(t, p, 2),
           ((5,), (5, 4)), ("index:4", "normal"), batch_inputs=(0, 1)),
    OpCase("logsumexp", ops.logsumexp, _logsumexp, ((4, 3),), batch=False),
    OpCase("logsumexp", lambda x: ops.logsumexp(x, axis=-1, keepdims=True),
           lambda x: _logsumexp(x, axis=-1, keepdims=True), ((4, 3),), label="axis"),
    OpCase("segment_sum", lambda d, i: ops.segment_sum(d, i, num_segments=4),
           lambda d, i: _segment_sum(d, i, 4), ((6, 3), (6,)), ("normal", "index:4"),
           batch=False),
    OpCase("erf", ops.erf, np.vectorize(math.erf), ((4, 3),)),
    OpCase("rsqrt", ops.rsqrt, lambda x: 1 / np.sqrt(x), ((4, 3),), "positive"),
    OpCase("segment_max", lambda d, i: ops.segment_max(d, i, num_segments=5),
           lambda d, i: _segment_max(d, i, 5), ((6, 3), (6,)), ("normal", "label:4"),
           batch=False),
    OpCase("erfinv", ops.erfinv, lambda x: _scipy_special().erfinv(x), ((4, 3),), "unit"),
    OpCase("logdet", ops.logdet, lambda x: np.linalg.slogdet(x)[1], ((2, 3, 3),), "spd",
           rtol=1e-4, atol=1e-4),
    OpCase("extract_sequences", lambda x: ops.extract_sequences(x, 4, 3),
           lambda x: _frames(x, 4, 3), ((2, 11),)),
    OpCase("fft", lambda r, i: ops.fft((r, i)), lambda r, i: _parts(np.fft.fft(r + 1j * i)),
           ((3, 8), (3, 8)), **TOL),
    OpCase("fft2", lambda r, i: ops.fft2((r, i)),
           lambda r, i: _parts(np.fft.fft2(r + 1j * i)), ((2, 4, 6), (2, 4, 6)), **TOL),
    OpCase("ifft2", lambda r, i: ops.ifft2((r, i)),
           lambda r, i: _parts(np.fft.ifft2(r + 1j * i)), ((2, 4, 6), (2, 4, 6)), **TOL),
    OpCase("rfft", ops.rfft, lambda x: _parts(np.fft.rfft(x)), ((3, 9),), **TOL),
    OpCase("rfft", lambda x: ops.rfft(x, 6), lambda x: _parts(np.fft.rfft(x, 6)), ((3, 9),),
           label="cropped", **TOL),
    OpCase("irfft", lambda r, i: ops.irfft((r, i)),
           lambda r, i: np.fft.irfft(r + 1j * i), ((3, 5), (3, 5)), **TOL),
    OpCase("irfft", lambda r, i: ops.irfft((r, i), 9),
           lambda r, i: np.fft.irfft(r + 1j * i, 9), ((3, 5), (3, 5)), label="odd", **TOL),
    OpCase("stft", lambda x: ops.stft(x, 8, 2, 8), lambda x: _parts(_stft(x, 8, 2, 8)),
           ((2, 30),), **TOL),
    OpCase("stft", lambda x: ops.stft(x, 6, 3, 8, window="hamming", center=False),
           lambda x: _parts(_stft(x, 6, 3, 8, "hamming", center=False)), ((2, 30),),
           label="hamming-padded-window", **TOL),
    OpCase("stft", lambda x: ops.stft(x, 5, 2, 5, window=None),
           lambda x: _parts(_stft(x, 5, 2, 5, None)), ((2, 3, 20),), label="no-window",
           **TOL),
    OpCase("istft", lambda r, i: ops.istft((r, i), 8, 2, 8),
           lambda r, i: _istft(r + 1j * i, 8, 2, 8), ((2, 9, 5), (2, 9, 5)), **TOL),
    OpCase("istft", lambda r, i: ops.istft((r, i), 6, 3, 8, length=20, window="hamming",
                                           center=False),
           lambda r, i: _istft(r + 1j * i, 6, 3, 8, 20, "hamming", center=False),
           ((2, 9, 5), (2, 9, 5)), label="hamming-length", **TOL),
    OpCase("view_as_complex", lambda x: ops.view_as_real(ops.view_as_complex(x)),
           lambda x: x, ((3, 4, 2),)),
    OpCase("view_as_real", lambda x: ops.view_as_real(ops.multiply(ops.view_as_complex(x), 2)),
           lambda x: 2 * x, ((3, 4, 2),)),
    OpCase("segment_min", lambda d, i: ops.segment_min(d, i, num_segments=5),
           lambda d, i: _segment_reduce(np.minimum, np.inf, d, i, 5), ((6, 3), (6,)),
           ("normal", "label:4"), batch=False),
    OpCase("segment_prod", lambda d, i: ops.segment_prod(d, i, num_segments=5),
           lambda d, i: _segment_reduce(np.multiply, 1.0, d, i, 5), ((6, 3), (6,)),
           ("normal", "label:4"), batch=False),
    OpCase("segment_sum", lambda d, i: ops.segment_sum(d, i, num_segments=5),
           lambda d, i: _segment_reduce(np.add, 0.0, d, i, 5), ((6, 3), (6,)),
           ("normal", "label:4"), batch=False, label="drops-negative-ids"),
    OpCase("erfc", ops.erfc, np.vectorize(math.erfc), ((4, 3),), rtol=1e-4),
    OpCase("erfc", ops.erfc, np.vectorize(math.erfc), ((4, 3),), "positive", rtol=1e-4,
           label="tail"),
    OpCase("cdist", ops.cdist, _cdist, ((2, 4, 3), (2, 5, 3)), rtol=1e-4, atol=1e-5),
    OpCase("cdist", ops.cdist, _cdist, ((4, 3), (1, 2, 3)), rtol=1e-4, atol=1e-5,
           batch=False, label="broadcast"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_every_math_op_is_covered():
    public = {name for name in vars(ops_math) if name in ops.__all__}
    assert not uncovered(public, CASES)


def test_segment_sum_infers_num_segments(rng):
    data = rng.standard_normal((5, 2)).astype("float32")
    ids = np.array([0, 0, 2, 1, 2], dtype="int32")
    assert_close(ops.segment_sum(data, ids), _segment_sum(data.astype("float64"), ids, 3))


def test_logsumexp_is_stable():
    x = ops.convert_to_tensor(np.array([1000.0, 1000.0], dtype="float32"))
    assert_close(ops.logsumexp(x), 1000.0 + np.log(2.0))


def test_rsqrt_and_erf_of_ints_give_floats():
    x = ops.convert_to_tensor(np.array([1, 4], dtype="int32"))
    assert ops.dtype(ops.rsqrt(x)) == backend.floatx()
    assert ops.dtype(ops.erf(x)) == backend.floatx()
    assert_close(ops.rsqrt(x), [1.0, 0.5])


def test_math_ops_are_exported_at_the_top_level():
    for name in ("erfinv", "extract_sequences", "fft", "fft2", "ifft2", "irfft", "istft",
                 "logdet", "rfft", "segment_max", "stft", "view_as_complex", "view_as_real"):
        assert getattr(ops, name) is getattr(ops_math, name), name


def test_stft_matches_scipy(rng):
    signal = pytest.importorskip("scipy.signal", reason="SciPy's stft is the reference")
    x = rng.standard_normal((2, 32)).astype("float32")
    real, imag = ops.stft(x, 8, 2, 8, center=False)
    window = signal.get_window("hann", 8)
    expected = signal.stft(x.astype(np.float64), window=window, nperseg=8, noverlap=6,
                           boundary=None, padded=False)[-1] * window.sum()  # fmt: skip
    expected = np.swapaxes(expected, -1, -2)
    assert_close(real, expected.real, **TOL)
    assert_close(imag, expected.imag, **TOL)


def test_istft_inverts_stft_away_from_the_edges(rng):
    x = rng.standard_normal((2, 40)).astype("float32")
    out = ops.istft(ops.stft(x, 8, 2, 8), 8, 2, 8)
    assert tuple(ops.shape(out)) == (2, 40)
    assert_close(ops.convert_to_numpy(out)[:, 8:-8], x[:, 8:-8], **TOL)


def test_istft_symbolic_length():
    real = backend.KerasTensor((None, 9, 5))
    assert ops.istft((real, real), 8, 2, 8, length=12).shape == (None, 12)


def test_view_as_complex_dtype():
    x = np.ones((2, 2), "float32")
    assert ops.dtype(ops.view_as_complex(x)) == "complex64"
    assert ops.view_as_complex(backend.KerasTensor((None, 3, 2))).dtype == "complex64"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ops.fft(np.ones(4, "float32")), ValueError, "fft expects x as a"),
        (lambda: ops.fft((np.ones(4, "float32"), np.ones(3, "float32"))), ValueError,
         "one shape"),
        (lambda: ops.fft((np.ones(4, "int32"), np.ones(4, "int32"))), TypeError, "float"),
        (lambda: ops.stft(np.ones(16, "int32"), 4, 2, 4), TypeError, "float32 or float64"),
        (lambda: ops.stft(np.ones(16, "float32"), 8, 2, 4), ValueError, "fft_length"),
        (lambda: ops.stft(np.ones(16, "float32"), 4, 2, 4, window="kaiser"), ValueError,
         "window"),
        (lambda: ops.stft(np.ones(16, "float32"), 4, 2, 4, window=np.ones(3)), ValueError,
         "window must have shape"),
        (lambda: ops.extract_sequences(np.ones(8, "float32"), 0, 1), ValueError,
         "sequence_length"),
    ],
)  # fmt: skip
def test_bad_arguments_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.training
def test_fft_magnitude_gradient(rng):
    arrays = [rng.standard_normal((2, 6)).astype("float32") for _ in range(2)]

    def magnitude(real, imag):
        out_real, out_imag = ops.fft((real, imag))
        return ops.sqrt(ops.square(out_real) + ops.square(out_imag))

    def reference(real, imag):
        return np.abs(np.fft.fft(real + 1j * imag))

    for got, expected in zip(engine_gradients(magnitude, arrays),
                             numeric_gradients(reference, arrays)):  # fmt: skip
        assert_close(got, expected, rtol=1e-3, atol=1e-3)


@pytest.mark.training
def test_stft_gradient(rng):
    arrays = [rng.standard_normal((12,)).astype("float32")]

    def power(x):
        real, imag = ops.stft(x, 4, 2, 4)
        return ops.square(real) + ops.square(imag)

    def reference(x):
        return np.abs(_stft(x, 4, 2, 4)) ** 2

    got, expected = engine_gradients(power, arrays)[0], numeric_gradients(reference, arrays)[0]
    assert_close(got, expected, rtol=1e-3, atol=1e-3)
