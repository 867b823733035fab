import numpy as np
import pytest

import lamina as keras
from lamina.layers import MelSpectrogram
from tests.harness import assert_close, check_config_roundtrip


def periodic_window(name, length):
    alpha = 0.5 if name == "hann" else 0.54
    return alpha - (1 - alpha) * np.cos(2 * np.pi * np.arange(length) / length)


def mel_filters(num_mel_bins, num_bins, sampling_rate, low, high):
    """HTK triangles in the 2595 * log10 form, peak 1, DC bin unused."""
    mel = lambda f: 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)  # noqa: E731
    edges = np.linspace(mel(low), mel(high), num_mel_bins + 2)
    bins = mel(np.linspace(0, sampling_rate / 2, num_bins))
    filters = np.zeros((num_bins, num_mel_bins))
    for m in range(num_mel_bins):
        left, center, right = edges[m : m + 3]
        rising, falling = (bins - left) / (center - left), (right - bins) / (right - center)
        filters[1:, m] = np.maximum(0, np.minimum(rising, falling))[1:]
    return filters


def reference(x, fft_length, stride, length, window, rate, num_mel, low, high, to_db, exp, top_db):
    """float64 (batch, num_mel, frames): centred frames, windowed rfft, mel filters, dB."""
    padded = np.pad(x, [(0, 0), (fft_length // 2, fft_length // 2)], mode="reflect")
    count = 1 + (padded.shape[1] - fft_length) // stride
    offset = (fft_length - length) // 2  # a short window is centred in the FFT frame
    taps = np.zeros(fft_length)
    taps[offset : offset + length] = periodic_window(window, length) if window else 1.0
    frames = padded[:, np.arange(count)[:, None] * stride + np.arange(fft_length)] * taps
    spectrum = np.abs(np.fft.rfft(frames, axis=-1)) ** exp
    mel = spectrum @ mel_filters(num_mel, fft_length // 2 + 1, rate, low, high)
    if to_db:
        mel = 10 * np.log10(np.maximum(mel, 1e-10))
        mel = np.maximum(mel, mel.max() - top_db)
    return np.swapaxes(mel, -1, -2)


@pytest.mark.parametrize(
    ("kwargs", "to_db", "exp"),
    [
        ({"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10}, True, 2.0),
        (
            {"fft_length": 64, "sequence_stride": 20, "sequence_length": 48, "window": "hamming",
             "num_mel_bins": 6,
             "power_to_db": False, "mag_exp": 1.0, "min_freq": 100.0, "max_freq": 3000.0},
            False, 1.0,
        ),
    ],
)  # fmt: skip
def test_matches_numpy(rng, kwargs, to_db, exp):
    x = rng.standard_normal((2, 300))
    layer = MelSpectrogram(sampling_rate=8000, top_db=40.0, **kwargs)
    expected = reference(
        x, kwargs["fft_length"], kwargs["sequence_stride"],
        kwargs.get("sequence_length", kwargs["fft_length"]), kwargs.get("window", "hann"), 8000,
        kwargs["num_mel_bins"], kwargs.get("min_freq", 20.0), kwargs.get("max_freq", 4000),
        to_db, exp, 40.0,
    )  # fmt: skip
    y = layer(x)
    scale = 1.0 if to_db else float(np.abs(expected).max())
    assert_close(y, expected, rtol=1e-4, atol=1e-4 * scale)
    assert layer(keras.Input((300,))).shape == (None, *expected.shape[1:])


def test_equals_keras():
    # Keras 3.15.1 (torch backend) on the same signal and arguments (the shapes of the first
    # test_matches_numpy case: on JAX the compiled programs are reused).
    x = np.random.default_rng(5).standard_normal((2, 300)).astype("float32")
    layer = MelSpectrogram(
        fft_length=64, sequence_stride=16, num_mel_bins=10, sampling_rate=8000, top_db=40.0
    )
    keras_corner = [
        [12.563657760620117, 12.635058403015137, 9.433753967285156],
        [14.955873489379883, 17.759986877441406, 17.19694709777832],
        [21.016414642333984, 23.727867126464844, 23.72646713256836],
    ]
    y = layer(x)
    assert tuple(y.shape) == (2, 10, 19)
    assert_close(np.asarray(keras.ops.convert_to_numpy(y))[1, :3, :3], keras_corner, atol=2e-5)


def test_unbatched_signal_and_config(rng):
    layer = MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=10, name="mel")
    assert tuple(layer(rng.standard_normal(300)).shape) == (10, 19)
    clone = check_config_roundtrip(layer)
    assert (clone.sequence_length, clone.max_freq) == (64, 8000)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fft_length": 32, "sequence_length": 64}, "fft_length"),
        ({"num_mel_bins": 0}, "num_mel_bins"),
        ({"window": "kaiser"}, "window"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MelSpectrogram(**kwargs)
