"""Window functions for signal processing: 1-D tensors of ``x`` (the length) floatx values.

Computed in float64 and rounded once to floatx. The length must be concrete: like Keras,
these refuse symbolic tensors.
"""

from __future__ import annotations

import math

from lamina.backend import any_symbolic_tensors, engine, floatx
from lamina.ops.core import cast, convert_to_numpy

_np = engine.numpy
_extra = engine.numpy_extra


def _length(name: str, x) -> int:
    if any_symbolic_tensors((x,)):
        raise TypeError(f"{name} needs a concrete window length; received the symbolic {x}.")
    length = x if isinstance(x, int) else int(convert_to_numpy(x))
    if length < 0:
        raise ValueError(f"{name}: the window length must be >= 0; received {length}.")
    return length


def _cosine_sum(name: str, x, coefficients):
    """sum_k (-1) ** k * a_k * cos(2 pi k n / (M - 1)) for n in [0, M)."""
    length = _length(name, x)
    if length <= 1:
        return _np.ones((length,), dtype=floatx())
    phase = _np.multiply(_np.arange(length, dtype="float64"), 2.0 * math.pi / (length - 1))
    window = _np.zeros((length,), dtype="float64")
    for k, coefficient in enumerate(coefficients):
        term = _np.multiply(_np.cos(_np.multiply(phase, float(k))), coefficient * (-1) ** k)
        window = _np.add(window, term)
    return cast(window, floatx())


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``."""
    length = _length("bartlett", x)
    if length <= 1:
        return _np.ones((length,), dtype=floatx())
    ramp = _np.multiply(_np.arange(length, dtype="float64"), 2.0 / (length - 1))
    return cast(_np.subtract(1.0, _np.absolute(_np.subtract(ramp, 1.0))), floatx())


def blackman(x):
    """The Blackman window of length ``x``."""
    return _cosine_sum("blackman", x, (0.42, 0.5, 0.08))


def hamming(x):
    """The Hamming window of length ``x``."""
    return _cosine_sum("hamming", x, (0.54, 0.46))


def hanning(x):
    """The Hann window of length ``x``."""
    return _cosine_sum("hanning", x, (0.5, 0.5))


def kaiser(x, beta):
    """The Kaiser window of length ``x``; ``beta`` sets the side-lobe trade-off."""
    length = _length("kaiser", x)
    if length <= 1:
        return _np.ones((length,), dtype=floatx())
    centre = (length - 1) / 2.0
    ratio = _np.divide(_np.subtract(_np.arange(length, dtype="float64"), centre), centre)
    argument = _np.multiply(_np.sqrt(_np.subtract(1.0, _np.square(ratio))), float(beta))
    beta_tensor = _np.full((), float(beta), dtype="float64")
    return cast(_np.divide(_extra.i0(argument), _extra.i0(beta_tensor)), floatx())
