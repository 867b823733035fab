"""audio_dataset_from_directory on tiny WAV files written with the standard ``wave`` module."""

import os
import wave

import numpy as np
import pytest

import lamina
from lamina.utils import audio_dataset_from_directory
from lamina.utils.audio_dataset_utils import read_wav


def _write_wav(path, frames, rate=8000, sample_width=2):
    """``frames``: integer PCM samples ``(length, channels)``."""
    dtype = {1: "u1", 2: "<i2", 4: "<i4"}[sample_width]
    with wave.open(str(path), "wb") as file:
        file.setnchannels(frames.shape[1])
        file.setsampwidth(sample_width)
        file.setframerate(rate)
        file.writeframes(frames.astype(dtype).tobytes())


@pytest.fixture
def tree(tmp_path, rng):
    """quiet/ and loud/ with 16-bit mono files of 5 to 9 samples; returns (root, {path: pcm})."""
    pcm = {}
    for name, count in (("quiet", 2), ("loud", 3)):
        os.makedirs(tmp_path / name)
        for index in range(count):
            path = str(tmp_path / name / f"{index}.wav")
            pcm[path] = rng.integers(-(2**15), 2**15, (5 + 2 * index, 1))
            _write_wav(path, pcm[path])
    return str(tmp_path), pcm


@pytest.mark.parametrize(
    ("sample_width", "low", "high", "offset", "scale"),
    [(1, 0, 256, 128.0, 128.0), (2, -(2**15), 2**15, 0.0, 2.0**15),
     (4, -(2**31), 2**31, 0.0, 2.0**31)],
)  # fmt: skip
def test_read_wav_scales_pcm_to_unit_range(tmp_path, rng, sample_width, low, high, offset, scale):
    frames = rng.integers(low, high, (7, 2), dtype="int64")
    _write_wav(tmp_path / "a.wav", frames, rate=16000, sample_width=sample_width)
    audio, rate = read_wav(tmp_path / "a.wav")
    assert rate == 16000
    assert audio.dtype == np.float32
    np.testing.assert_allclose(audio, (frames - offset) / scale, rtol=1e-6)


def test_read_wav_24_bit(tmp_path, rng):
    frames = rng.integers(-(2**23), 2**23, (6, 1), dtype="int64")
    raw = (frames.reshape(-1) & 0xFFFFFF).astype("<u4").view("u1").reshape(-1, 4)[:, :3]
    with wave.open(str(tmp_path / "b.wav"), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(3)
        file.setframerate(8000)
        file.writeframes(raw.tobytes())
    audio, _ = read_wav(tmp_path / "b.wav")
    np.testing.assert_allclose(audio, frames / 2.0**23, rtol=1e-6)


def test_batches_are_padded_to_the_longest_file(tree):
    root, pcm = tree
    dataset = audio_dataset_from_directory(root, batch_size=5, shuffle=False, verbose=False)
    assert dataset.class_names == ["loud", "quiet"]
    audio, labels = dataset[0]
    assert audio.shape == (5, 9, 1)
    assert audio.dtype == np.float32
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1])
    for row, path in zip(audio, dataset.file_paths):
        length = len(pcm[path])
        np.testing.assert_allclose(row[:length], pcm[path] / 2.0**15)
        np.testing.assert_array_equal(row[length:], 0.0)


def test_output_sequence_length_truncates_and_pads(tree):
    root, pcm = tree
    dataset = audio_dataset_from_directory(
        root, output_sequence_length=6, label_mode="categorical", shuffle=False, verbose=False
    )
    audio, labels = dataset[0]
    assert audio.shape == (5, 6, 1)
    assert labels.shape == (5, 2)
    first = pcm[dataset.file_paths[0]]  # 5 samples: one zero of padding
    np.testing.assert_allclose(audio[0, :5], first / 2.0**15)
    np.testing.assert_array_equal(audio[0, 5], 0.0)
    longest = pcm[dataset.file_paths[2]]  # 9 samples: truncated to 6
    np.testing.assert_allclose(audio[2], longest[:6] / 2.0**15)


def test_sampling_rate_resamples_other_rates(tree):
    pytest.importorskip("scipy.signal", reason="resampling uses SciPy, an optional package")
    root, _ = tree
    dataset = audio_dataset_from_directory(
        root, sampling_rate=16000, shuffle=False, batch_size=None, verbose=False
    )
    audio, _ = dataset[0]
    assert audio.shape == (10, 1)  # 5 samples at 8 kHz -> 10 at 16 kHz


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ragged": True}, "ragged=True is not available"),
        ({"sampling_rate": 0}, "sampling_rate must be a positive integer or None"),
        ({"output_sequence_length": -3}, "output_sequence_length must be a positive integer"),
        ({"labels": "dirs"}, "labels must be 'inferred', None, or a list"),
    ],
)
def test_bad_arguments_are_named(tree, kwargs, message):
    with pytest.raises(ValueError, match=message):
        audio_dataset_from_directory(tree[0], verbose=False, **kwargs)


@pytest.mark.training
def test_fit_consumes_the_dataset(tree):
    root, _ = tree
    dataset = audio_dataset_from_directory(
        root, batch_size=5, output_sequence_length=8, seed=4, verbose=False
    )
    model = lamina.Sequential([
        lamina.Input((8, 1)), lamina.layers.Flatten(), lamina.layers.Dense(2),
    ])  # fmt: skip
    model.compile("sgd", lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
