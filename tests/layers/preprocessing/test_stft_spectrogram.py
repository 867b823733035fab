import numpy as np
import pytest

import lamina as keras
from lamina import saving
from lamina.layers import STFTSpectrogram
from tests.harness import assert_close, check_config_roundtrip

EPSILON = 1e-7  # Keras's backend.epsilon()


def hann(length, periodic):
    n = length if periodic else length - 1
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / n)


def reference(x, mode, frame_length, step, fft_length, padding, periodic=False):
    """float64 STFT of (batch, time, channels) signals, in the layer's output layout."""
    if padding == "same":
        frames = -(-x.shape[1] // step)
        total = max((frames - 1) * step + frame_length - x.shape[1], 0)
        x = np.pad(x, [(0, 0), (total // 2, total - total // 2), (0, 0)])
    count = (x.shape[1] - frame_length) // step + 1
    index = np.arange(count)[:, None] * step + np.arange(frame_length)  # (frames, L)
    window = hann(frame_length, periodic)
    frames = x[:, index, :] * window[None, None, :, None]  # (B, frames, L, C)
    spectrum = np.fft.rfft(frames, n=fft_length, axis=2) / np.sqrt(np.sum(window**2))
    power = spectrum.real**2 + spectrum.imag**2  # (B, frames, bins, C)
    if mode == "log":
        out = np.log(np.maximum(np.sqrt(np.maximum(power, EPSILON)), EPSILON))
    elif mode == "psd":
        out = power.copy()
        out[:, :, 1:-1] *= 2
    elif mode == "stft":
        out = np.concatenate([spectrum.real, spectrum.imag], axis=2)
    else:
        out = {"real": spectrum.real, "imag": spectrum.imag, "magnitude": np.sqrt(power)}[mode]
    batch, frames_count, bins, channels = out.shape
    return out, np.transpose(out, (0, 1, 3, 2)).reshape(batch, frames_count, channels * bins)


@pytest.mark.parametrize(
    ("mode", "padding"),
    [
        ("log", "valid"),
        ("psd", "same"),
        ("stft", "valid"),
        ("real", "same"),
        ("magnitude", "valid"),
    ],
)
def test_matches_numpy(rng, mode, padding):
    x = rng.standard_normal((2, 70, 2))
    layer = STFTSpectrogram(mode=mode, frame_length=16, frame_step=8, padding=padding)
    expanded, flat = reference(x, mode, 16, 8, 16, padding)
    assert_close(layer(x), flat, rtol=1e-4, atol=1e-4)
    assert layer(keras.Input((70, 2))).shape == (None, *flat.shape[1:])
    stacked = STFTSpectrogram(
        mode=mode, frame_length=16, frame_step=8, padding=padding, expand_dims=True
    )
    assert_close(stacked(x), expanded, rtol=1e-4, atol=1e-4)


def test_channels_first_periodic_window_and_longer_fft(rng):
    x = rng.standard_normal((2, 1, 50))
    layer = STFTSpectrogram(
        mode="magnitude",
        frame_length=12,
        fft_length=16,
        periodic=True,
        data_format="channels_first",
    )
    _, flat = reference(np.transpose(x, (0, 2, 1)), "magnitude", 12, 6, 16, "valid", periodic=True)
    assert_close(layer(x), np.transpose(flat, (0, 2, 1)), rtol=1e-4, atol=1e-4)


def test_kernels_are_trainable_weights_saved_with_the_model(tmp_path, rng):
    inputs = keras.Input((40, 1))
    layer = STFTSpectrogram(mode="log", frame_length=8)
    model = keras.Model(inputs, layer(inputs))
    assert [w.path.split("/")[-1] for w in layer.trainable_weights] == [
        "real_kernel",
        "imag_kernel",
    ]
    assert [w.shape for w in layer.weights] == [(8, 1, 5), (8, 1, 5)]
    x = rng.standard_normal((2, 40, 1)).astype("float32")
    model.save(tmp_path / "stft.keras")
    loaded = saving.load_model(tmp_path / "stft.keras")
    assert_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_config_roundtrip():
    layer = STFTSpectrogram(mode="angle", frame_length=32, frame_step=4, window="hamming")
    clone = check_config_roundtrip(layer)
    assert (clone.mode, clone.frame_step, clone.window, clone.data_format) == (
        "angle", 4, "hamming", "channels_last"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "power"}, "mode"),
        ({"frame_length": 8, "frame_step": 9}, "frame_step"),
        ({"frame_length": 8, "fft_length": 4}, "fft_length"),
        ({"scaling": "peak"}, "Scaling"),
        ({"padding": "causal"}, "Padding"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        STFTSpectrogram(**kwargs)


def test_bad_inputs(rng):
    with pytest.raises(TypeError, match="float"):
        STFTSpectrogram(frame_length=4)(rng.integers(0, 3, (1, 9, 1)).astype("int32"))
