"""MelSpectrogram: audio signals to (log-)mel spectrograms, over ``ops.stft``."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.layers.layer import Layer

# The HTK mel scale: mel(f) = 1127 * ln(1 + f / 700) (= 2595 * log10(1 + f / 700)).
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(frequencies):
    return _MEL_HIGH_FREQUENCY_Q * np.log(1.0 + frequencies / _MEL_BREAK_FREQUENCY_HERTZ)


def mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz,
                      upper_edge_hertz) -> np.ndarray:  # fmt: skip
    """``(num_spectrogram_bins, num_mel_bins)`` triangular filters (peak 1) that map a linear
    spectrum over ``[0, sampling_rate / 2]`` to mel bands over ``[lower, upper]`` Hz; the DC
    bin gets no weight (the HTK convention Keras and TensorFlow follow)."""
    linear = np.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins)[1:]
    spectrogram_mel = _hertz_to_mel(linear)[:, None]  # (bins - 1, 1)
    edges = np.linspace(
        _hertz_to_mel(np.float64(lower_edge_hertz)),
        _hertz_to_mel(np.float64(upper_edge_hertz)),
        num_mel_bins + 2,
    )
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]  # (num_mel_bins,) each
    rising = (spectrogram_mel - lower) / (center - lower)
    falling = (upper - spectrogram_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.pad(weights, [(1, 0), (0, 0)])


class MelSpectrogram(Layer):
    """Mel spectrogram of ``(batch, time)`` or ``(time,)`` audio: ``(batch, num_mel_bins,
    frames)``.

    Frames of ``sequence_length`` samples (default ``fft_length``) every ``sequence_stride``
    samples, centred (reflect padding), windowed and transformed (``ops.stft``); magnitudes
    to the power ``mag_exp`` are mapped to ``num_mel_bins`` mel bands over
    ``[min_freq, max_freq]`` Hz (``max_freq`` defaults to ``sampling_rate / 2``). With
    ``power_to_db`` the result is ``10 * log10(max(x, min_power) / ref_power)``, floored at
    ``top_db`` below its maximum over the whole batch (as Keras).
    """

    def __init__(
        self,
        fft_length=2048,
        sequence_stride=512,
        sequence_length=None,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=128,
        min_freq=20.0,
        max_freq=None,
        power_to_db=True,
        top_db=80.0,
        mag_exp=2.0,
        min_power=1e-10,
        ref_power=1.0,
        **kwargs,
    ):
        sequence_length = sequence_length or fft_length
        if fft_length < sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to `sequence_length`. Received: "
                f"`sequence_length`={sequence_length}, `fft_length`={fft_length}."
            )
        if not isinstance(num_mel_bins, int) or num_mel_bins < 1:
            raise ValueError(
                "`num_mel_bins` must be a positive integer; received "
                f"num_mel_bins={num_mel_bins!r}."
            )
        if window not in ("hann", "hamming", None):
            raise ValueError(
                f"`window` must be 'hann', 'hamming' or None; received window={window!r}."
            )
        super().__init__(**kwargs)
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power

    def linear_to_mel_weight_matrix(
        self,
        num_mel_bins=20,
        num_spectrogram_bins=129,
        sampling_rate=8000,
        lower_edge_hertz=125.0,
        upper_edge_hertz=3800.0,
        dtype="float32",
    ):
        """The mel filter bank as a tensor (see ``mel_weight_matrix``)."""
        matrix = mel_weight_matrix(
            num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz, upper_edge_hertz
        )
        return ops.convert_to_tensor(matrix.astype(dtype), dtype=dtype)

    def call(self, inputs):
        # stft runs in float32 or float64 on every engine.
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        inputs = ops.cast(inputs, dtype)
        real, imag = ops.stft(
            inputs,
            sequence_length=self.sequence_length,
            sequence_stride=self.sequence_stride,
            fft_length=self.fft_length,
            window=self.window,
            center=True,
        )  # (..., frames, fft_length // 2 + 1)
        spectrum = ops.power(ops.sqrt(ops.square(real) + ops.square(imag)), self.mag_exp)
        matrix = self.linear_to_mel_weight_matrix(
            self.num_mel_bins,
            self.fft_length // 2 + 1,
            self.sampling_rate,
            self.min_freq,
            self.max_freq,
            dtype=dtype,
        )
        outputs = ops.tensordot(spectrum, matrix, axes=1)  # (..., frames, num_mel_bins)
        if self.power_to_db:
            outputs = self._to_decibels(outputs)
        return ops.cast(ops.swapaxes(outputs, -1, -2), self.compute_dtype)

    def _to_decibels(self, power):
        decibels = 10.0 * ops.log10(ops.maximum(power, self.min_power))
        decibels = decibels - float(10.0 * np.log10(max(abs(self.ref_power), self.min_power)))
        return ops.maximum(decibels, ops.max(decibels) - self.top_db)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": self.window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }
