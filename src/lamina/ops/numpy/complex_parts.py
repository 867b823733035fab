"""The parts of complex tensors; on real tensors they act as on complex numbers with a zero
imaginary part (``real(x)`` is ``x``, ``imag(x)`` zeros, ``angle(x)`` 0 or pi)."""

from lamina.backend import engine
from lamina.ops.dispatch import op
from lamina.ops.numpy.elementwise import equal

_extra = engine.numpy_extra

real = op(_extra.real, doc="The real part, element-wise.")
imag = op(_extra.imag, doc="The imaginary part, element-wise (zeros for real tensors).")
conj = op(_extra.conj, doc="The complex conjugate, element-wise.")
conjugate = op(_extra.conj, name="conjugate", doc="The complex conjugate, element-wise.")
angle = op(_extra.angle, doc="The argument (phase) in radians, element-wise; ints give floatx.")


def _isreal(x):
    return equal(_extra.imag(x), 0)


isreal = op(_isreal, name="isreal", doc="Element-wise: whether the imaginary part is zero.")
