"""The STFT initializer against NumPy's real FFT and SciPy's windows."""

import numpy as np
import pytest

from lamina import backend, initializers, ops
from lamina.initializers.fourier import window_values
from tests.harness import check_config_roundtrip

FRAME, BINS = 8, 5  # frame_length 8 = 2 * (5 - 1): one frame's rfft has exactly 5 bins


def _np(x):
    return np.asarray(ops.convert_to_numpy(x), np.float64)


def _spectrum(frame, window, scale):
    """The reference: rfft of the windowed frame, divided by the window's norm."""
    return np.fft.rfft(frame * window) / scale


@pytest.mark.parametrize(
    ("window", "scaling", "periodic"),
    [("hann", "density", False), ("hamming", "spectrum", True), ("blackman", None, False),
     (None, "density", False)],
)  # fmt: skip
def test_kernel_computes_the_windowed_rfft(window, scaling, periodic, rng):
    frame = rng.standard_normal(FRAME)
    values = np.ones(FRAME) if window is None else window_values(window, FRAME, periodic)
    scale = {"density": np.sqrt(np.sum(values**2)), "spectrum": np.sum(np.abs(values)),
             None: 1.0}[scaling if window is not None else None]  # fmt: skip
    expected = _spectrum(frame, values, scale)
    for side, part in (("real", expected.real), ("imag", expected.imag)):
        init = initializers.STFT(side=side, window=window, scaling=scaling, periodic=periodic)
        kernel = _np(init((FRAME, 1, BINS), dtype="float64"))
        np.testing.assert_allclose(frame @ kernel[:, 0, :], part, atol=1e-12)


def test_array_window_and_channels(rng):
    window = rng.uniform(0.5, 1.5, FRAME)
    kernel = _np(initializers.STFT(window=window.tolist(), scaling=None)((FRAME, 3, BINS)))
    assert kernel.shape == (FRAME, 3, BINS)
    frame = rng.standard_normal(FRAME)
    for channel in range(3):  # every input channel gets the same filters
        np.testing.assert_allclose(
            frame @ kernel[:, channel, :], np.fft.rfft(frame * window).real, atol=1e-5
        )


@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "bartlett", "boxcar", "han"])
@pytest.mark.parametrize("periodic", [False, True])
def test_windows_match_scipy(name, periodic):
    signal = pytest.importorskip("scipy.signal", reason="SciPy is the reference for windows")
    for length in (1, 6, 7):
        expected = signal.get_window(name, length, fftbins=periodic)
        np.testing.assert_allclose(window_values(name, length, periodic), expected, atol=1e-12)


def test_scipy_only_window():
    signal = pytest.importorskip("scipy.signal", reason="tukey comes from SciPy")
    kernel = _np(initializers.STFT(window="tukey", scaling=None)((FRAME, 1, BINS), "float64"))
    np.testing.assert_allclose(kernel[:, 0, 0], signal.get_window("tukey", FRAME, False))


def test_dtype_defaults_to_floatx():
    kernel = initializers.STFT()((FRAME, 1, BINS))
    assert ops.dtype(kernel) == backend.floatx()
    assert ops.dtype(initializers.STFT()((FRAME, 1, BINS), dtype="float16")) == "float16"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"side": "both"}, "side"), ({"scaling": "l2"}, "scaling"),
     ({"window": "not_a_window"}, "window")],
)  # fmt: skip
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        initializers.STFT(**kwargs)


@pytest.mark.parametrize("shape", [(8, 5), (8, 1, 1), (8, 1, 5, 1)])
def test_bad_shape(shape):
    with pytest.raises(ValueError, match="shape"):
        initializers.STFT()(shape)


def test_window_of_the_wrong_length():
    with pytest.raises(ValueError, match="frame_length=8"):
        initializers.STFT(window=[1.0, 2.0])((FRAME, 1, BINS))


def test_config_round_trip_and_names():
    init = initializers.STFT(side="imag", window="hamming", scaling="spectrum", periodic=True)
    assert init.get_config() == {"side": "imag", "window": "hamming", "periodic": True,
                                 "scaling": "spectrum"}  # fmt: skip
    clone = check_config_roundtrip(init)
    np.testing.assert_array_equal(_np(clone((4, 1, 3))), _np(init((4, 1, 3))))
    rebuilt = initializers.deserialize(initializers.serialize(init))
    assert type(rebuilt) is initializers.STFT
    assert rebuilt.get_config() == init.get_config()
    for name in ("STFT", "stft", "STFTInitializer"):
        assert type(initializers.get(name)) is initializers.STFT
