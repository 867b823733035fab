"""``audio_dataset_from_directory``: a class-per-subfolder tree of ``.wav`` files as a dataset."""

from __future__ import annotations

import functools
import wave

import numpy as np

from lamina.utils import directory_index
from lamina.utils.dataset_formats import FORMATS, as_requested_format
from lamina.utils.sample_dataset import pad_and_stack_samples, stack_samples

ALLOWED_FORMATS = (".wav",)
# PCM sample width in bytes -> (NumPy dtype of the frames, offset, scale to [-1, 1)).
_PCM = {1: ("u1", 128.0, 128.0), 2: ("<i2", 0.0, 2.0**15), 4: ("<i4", 0.0, 2.0**31)}


def _pcm_frames(frames: bytes, sample_width: int) -> np.ndarray:
    if sample_width == 3:  # 24-bit: widen each little-endian sample to 32 bits
        raw = np.frombuffer(frames, dtype="u1").reshape(-1, 3)
        widened = np.zeros((len(raw), 4), dtype="u1")
        widened[:, 1:] = raw
        return widened.view("<i4").reshape(-1).astype("float64") / 2.0**31
    dtype, offset, scale = _PCM[sample_width]
    return (np.frombuffer(frames, dtype=dtype).astype("float64") - offset) / scale


def read_wav(path) -> tuple[np.ndarray, int]:
    """``(audio, sampling_rate)``: float32 ``(samples, channels)`` in ``[-1, 1)`` from PCM
    (8-, 16-, 24- or 32-bit) WAV files, as ``tf.audio.decode_wav``; float WAV files need
    SciPy."""
    try:
        with wave.open(str(path), "rb") as file:
            channels, width = file.getnchannels(), file.getsampwidth()
            rate, frames = file.getframerate(), file.readframes(file.getnframes())
    except wave.Error:
        return _read_wav_with_scipy(path)
    audio = _pcm_frames(frames, width).reshape(-1, channels)
    return audio.astype("float32"), rate


def _read_wav_with_scipy(path):
    try:
        from scipy.io import wavfile
    except ImportError:
        raise ImportError(
            f"{path!r} is not a PCM WAV file; reading other WAV encodings (float) needs "
            "SciPy: pip install scipy"
        ) from None
    rate, audio = wavfile.read(path)
    if audio.dtype.kind == "i":
        audio = audio / float(2 ** (8 * audio.dtype.itemsize - 1))
    elif audio.dtype.kind == "u":
        audio = (audio - 128.0) / 128.0
    audio = np.asarray(audio, dtype="float32")
    return (audio[:, None] if audio.ndim == 1 else audio), int(rate)


def _resample(audio: np.ndarray, rate: int, target_rate: int) -> np.ndarray:
    try:
        from scipy.signal import resample_poly
    except ImportError:
        raise ImportError(
            "audio_dataset_from_directory(sampling_rate=...) resamples files recorded at "
            "another rate with SciPy: pip install scipy"
        ) from None
    divisor = np.gcd(rate, target_rate)
    return resample_poly(audio, target_rate // divisor, rate // divisor, axis=0).astype("float32")


def _load_audio(path, sampling_rate, output_sequence_length):
    audio, rate = read_wav(path)
    if sampling_rate is not None and rate != sampling_rate:
        audio = _resample(audio, rate, sampling_rate)
    if output_sequence_length is not None:  # truncate, or pad the end with zeros
        audio = audio[:output_sequence_length]
        missing = output_sequence_length - len(audio)
        if missing:
            audio = np.pad(audio, [(0, missing), (0, 0)])
    return audio


def _check_audio_arguments(sampling_rate, output_sequence_length, ragged, format):
    if ragged:
        raise ValueError(
            "ragged=True is not available: Lamina's datasets hold dense arrays. Leave "
            "ragged=False (each batch is padded with zeros to its longest file) or set "
            "output_sequence_length."
        )
    for name, value in (
        ("sampling_rate", sampling_rate),
        ("output_sequence_length", output_sequence_length),
    ):
        is_positive_int = isinstance(value, int) and not isinstance(value, bool) and value > 0
        if value is not None and not is_positive_int:
            raise ValueError(f"{name} must be a positive integer or None; received {value!r}.")
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}; received format={format!r}.")


def audio_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    sampling_rate=None,
    output_sequence_length=None,
    ragged=False,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
    format="lamina",
):
    """A dataset of audio read from the ``.wav`` files under ``directory``, one subfolder
    per class (labels as in ``image_dataset_from_directory``).

    Batches are ``audio`` (float32 ``(batch, samples, channels)`` in ``[-1, 1)``), or
    ``(audio, labels)``. ``output_sequence_length`` truncates or zero-pads every file to
    that many samples; without it each batch is zero-padded to its longest file.
    ``sampling_rate`` resamples files recorded at another rate (with SciPy; Keras uses
    tensorflow-io). ``format`` (not in Keras, where the result is always ``tf.data``)
    defaults to ``"lamina"``, a SampleDataset ``fit`` takes on every engine; ``"tf"`` and
    ``"grain"`` return those libraries' datasets. ``ragged=True`` is refused: there are no
    ragged tensors here.
    """
    directory_index.check_label_arguments(labels, label_mode, class_names, "audio")
    _check_audio_arguments(sampling_rate, output_sequence_length, ragged, format)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    directory_index.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    file_paths, labels, class_names = directory_index.index_directory(
        directory, labels, ALLOWED_FORMATS, class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose,
    )  # fmt: skip
    directory_index.check_binary_classes(label_mode, class_names)
    load_audio = functools.partial(
        _load_audio, sampling_rate=sampling_rate, output_sequence_length=output_sequence_length
    )
    collate = stack_samples if output_sequence_length is not None else pad_and_stack_samples
    datasets = []
    for name, paths, part_labels in directory_index.subsets(
        file_paths, labels, validation_split, subset, directory, "audio", verbose
    ):
        dataset = directory_index.files_dataset(
            paths, part_labels, load_audio, label_mode, class_names, batch_size,
            shuffle=shuffle and name != "validation", seed=seed, collate=collate,
        )  # fmt: skip
        datasets.append(as_requested_format(dataset, format))
    return tuple(datasets) if subset == "both" else datasets[0]
