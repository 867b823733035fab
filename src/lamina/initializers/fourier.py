"""The STFT initializer: convolution kernels that compute one side of a short-time Fourier
transform (as Keras's ``STFTSpectrogram`` layer uses them)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lamina import backend, ops
from lamina.initializers.initializer import Initializer

# Windows built here (float64, no SciPy needed), under the names scipy.signal.get_window
# accepts for them. Each maps a length to the symmetric window.
_WINDOWS: dict[str, Callable[[int], np.ndarray]] = {
    "hann": np.hanning,
    "hamming": np.hamming,
    "blackman": np.blackman,
    "bartlett": np.bartlett,
    "boxcar": np.ones,
}
_WINDOW_ALIASES = {
    "hanning": "hann", "han": "hann", "hamm": "hamming", "ham": "hamming",
    "black": "blackman", "blk": "blackman", "bart": "bartlett", "brt": "bartlett",
    "box": "boxcar", "ones": "boxcar", "rect": "boxcar", "rectangular": "boxcar",
}  # fmt: skip
_SIDES = ("real", "imag")
_SCALINGS = (None, "density", "spectrum")


def _scipy_window(name: str, length: int, periodic: bool) -> np.ndarray:
    try:
        from scipy.signal import get_window  # optional: only for windows not built here
    except ImportError:
        known = sorted([*_WINDOWS, *_WINDOW_ALIASES])
        raise ValueError(
            f"STFT: window={name!r} needs SciPy (pip install scipy); without it the window "
            f"must be one of {known}, an array of values or None."
        ) from None
    try:
        return np.asarray(get_window(name, length, fftbins=periodic), np.float64)
    except ValueError as error:
        raise ValueError(f"STFT: unknown window={name!r} ({error}).") from None


def window_values(name: str, length: int, periodic: bool = False) -> np.ndarray:
    """The named window of ``length`` points, as ``scipy.signal.get_window(name, length,
    fftbins=periodic)`` gives it: a periodic window is the symmetric one of length + 1 with
    its last point dropped."""
    maker = _WINDOWS.get(_WINDOW_ALIASES.get(name, name))
    if maker is None:
        return _scipy_window(name, length, periodic)
    if length <= 1:
        return np.ones(length)  # SciPy's answer for any window of one point
    if periodic:
        return np.asarray(maker(length + 1), np.float64)[:length]
    return np.asarray(maker(length), np.float64)


class STFT(Initializer):
    """Kernel of shape ``(frame_length, channels, fft_bins)`` whose convolution with a
    signal gives the real (``side="real"``) or imaginary (``side="imag"``) part of its
    windowed DFT: ``kernel[t, :, k] = window[t] * cos(-2 pi t k / n) / scale`` (``sin`` for
    the imaginary side), with ``n = 2 * (fft_bins - 1)`` so only the non-redundant half of the
    spectrum is kept.

    Args:
        side: ``"real"`` or ``"imag"``.
        window: a window name (``"hann"``, ``"hamming"``, ``"blackman"``, ``"bartlett"``,
            ``"boxcar"``; other ``scipy.signal.windows`` names when SciPy is installed), an
            array of ``frame_length`` values, or None for no window.
        scaling: ``"density"`` divides by the window's L2 norm, ``"spectrum"`` by its L1
            norm, None leaves it unscaled (scaling applies only with a window).
        periodic: use the periodic (DFT-even) form of a named window instead of the
            symmetric one.
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in _SIDES:
            raise ValueError(f"STFT: side must be one of {_SIDES}; received side={side!r}.")
        if scaling not in _SCALINGS:
            raise ValueError(
                f"STFT: scaling must be one of {_SCALINGS}; received scaling={scaling!r}."
            )
        if isinstance(window, str):
            window_values(window, 1)  # an unknown name fails here, not at the first call
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 3 or shape[2] < 2:
            raise ValueError(
                "STFT initializer needs a shape (frame_length, channels, fft_bins) with "
                f"fft_bins >= 2; received shape={shape}."
            )
        frame_length, _, fft_bins = shape
        time = np.arange(frame_length, dtype=np.float64)[:, None, None]  # (T, 1, 1)
        frequency = np.arange(fft_bins, dtype=np.float64)[None, None, :]  # (1, 1, F)
        angle = -2.0 * np.pi * time * frequency / (2 * (fft_bins - 1))
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        window = self._window(frame_length)
        if window is not None:
            kernel = kernel * window[:, None, None]
            if self.scaling == "density":
                kernel = kernel / np.sqrt(np.sum(window**2))
            elif self.scaling == "spectrum":
                kernel = kernel / np.sum(np.abs(window))
        kernel = np.array(np.broadcast_to(kernel, shape))  # the same filters for each channel
        return ops.convert_to_tensor(kernel, dtype=dtype or backend.floatx())

    def _window(self, frame_length):
        if self.window is None:
            return None
        if isinstance(self.window, str):
            return window_values(self.window, frame_length, self.periodic)
        window = np.asarray(ops.convert_to_numpy(self.window), np.float64)
        if window.shape != (frame_length,):
            raise ValueError(
                f"STFT: window must hold frame_length={frame_length} values; received an "
                f"array of shape {window.shape}."
            )
        return window

    def get_config(self) -> dict:
        return {
            "side": self.side,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }
