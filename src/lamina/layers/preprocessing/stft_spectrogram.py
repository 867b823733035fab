"""STFTSpectrogram: short-time Fourier spectrograms of 1D signals, as trainable convolutions."""

from __future__ import annotations

import math
import warnings

from lamina import backend, ops
from lamina.initializers import STFT
from lamina.initializers.fourier import window_values
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


def _check_arguments(mode, frame_length, frame_step, fft_length, window, scaling, padding):
    if not isinstance(frame_length, int) or frame_length < 1:
        raise ValueError(f"`frame_length` must be a positive integer; received {frame_length!r}.")
    if frame_step is not None and (frame_step > frame_length or frame_step < 1):
        raise ValueError(
            "`frame_step` should be a positive integer not greater than `frame_length`. "
            f"Received frame_step={frame_step}, frame_length={frame_length}"
        )
    if fft_length is not None and fft_length < frame_length:
        raise ValueError(
            "`fft_length` should be not less than `frame_length`. "
            f"Received fft_length={fft_length}, frame_length={frame_length}"
        )
    if fft_length is not None and (fft_length & -fft_length) != fft_length:
        warnings.warn(
            f"`fft_length` is recommended to be a power of two. Received fft_length={fft_length}",
            stacklevel=3,
        )
    if mode not in MODES:
        raise ValueError(
            f"Output mode is invalid, it must be one of {', '.join(MODES)}. Received: mode={mode}"
        )
    if scaling is not None and scaling not in ("density", "spectrum"):
        raise ValueError(
            "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
            f"Received scaling={scaling}"
        )
    if padding not in ("valid", "same"):
        raise ValueError(f"Padding is invalid, it should be 'valid', 'same'. Received: {padding}")
    if isinstance(window, str):
        window_values(window, 1)  # an unknown window name fails now, not at build


class STFTSpectrogram(Layer):
    """Spectrogram of each channel of ``(batch, time, channels)`` signals (``channels_first``:
    ``(batch, channels, time)``).

    Frames of ``frame_length`` samples every ``frame_step`` (default half a frame) are
    windowed and Fourier transformed by two convolutions whose kernels (``real_kernel``,
    ``imag_kernel``) start as the windowed DFT (``initializers.STFT``) and are trainable.
    ``mode``: ``"log"`` (log magnitude), ``"magnitude"``, ``"psd"`` (one-sided power),
    ``"real"``, ``"imag"``, ``"angle"`` or ``"stft"`` (real and imaginary parts stacked).
    Output: ``(batch, frames, channels * bins)``, or ``(batch, frames, bins, channels)``
    with ``expand_dims=True``; ``bins = fft_length // 2 + 1`` (twice that for "stft").
    """

    def __init__(
        self,
        mode="log",
        frame_length=256,
        frame_step=None,
        fft_length=None,
        window="hann",
        periodic=False,
        scaling="density",
        padding="valid",
        expand_dims=False,
        data_format=None,
        **kwargs,
    ):
        _check_arguments(mode, frame_length, frame_step, fft_length, window, scaling, padding)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape) -> None:
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel",
                shape=shape,
                initializer=STFT("real", self.window, self.scaling, self.periodic),
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel",
                shape=shape,
                initializer=STFT("imag", self.window, self.scaling, self.periodic),
            )

    def _transform(self, inputs, kernel):
        """One convolution per channel: (batch, channels, bins, frames)."""
        if self.data_format == "channels_last":
            _, time, channels = inputs.shape
            signals = ops.reshape(ops.transpose(inputs, (0, 2, 1)), (-1, time, 1))
        else:
            _, channels, time = inputs.shape
            signals = ops.reshape(inputs, (-1, 1, time))
        outputs = ops.conv(
            signals,
            ops.cast(kernel, ops.dtype(inputs)),
            strides=self._frame_step,
            padding=self.padding,
            data_format=self.data_format,
        )
        if self.data_format == "channels_last":
            outputs = ops.transpose(outputs, (0, 2, 1))  # (batch * channels, bins, frames)
        bins, frames = outputs.shape[1], outputs.shape[2]
        return ops.reshape(outputs, (-1, channels, bins, frames))

    def _layout(self, outputs):
        """(batch, channels, bins, frames) to the layer's output layout."""
        _, channels, bins, frames = outputs.shape
        if self.expand_dims:
            order = (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2)
            return ops.transpose(outputs, order)
        outputs = ops.reshape(outputs, (-1, channels * bins, frames))
        return ops.transpose(outputs, (0, 2, 1)) if self.data_format == "channels_last" else outputs

    def call(self, inputs):
        dtype = ops.dtype(inputs)
        if dtype not in ("float16", "float32", "float64"):
            raise TypeError(
                "Invalid input type. Expected `float16`, `float32` or `float64`. Received: "
                f"input type={dtype}"
            )
        real = None if self.mode == "imag" else self._transform(inputs, self.real_kernel)
        imag = None if self.mode == "real" else self._transform(inputs, self.imag_kernel)
        if self.mode == "real":
            return self._layout(real)
        if self.mode == "imag":
            return self._layout(imag)
        if self.mode == "angle":
            return self._layout(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._layout(ops.concatenate([real, imag], axis=2))
        power = ops.square(real) + ops.square(imag)
        if self.mode == "psd":
            # One-sided: every bin but DC and Nyquist also carries its negative frequency.
            inner = ops.pad(power[:, :, 1:-1, :], [(0, 0), (0, 0), (1, 1), (0, 0)])
            return self._layout(power + inner)
        magnitude = self._layout(ops.sqrt(ops.maximum(power, backend.epsilon())))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, backend.epsilon()))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        }
