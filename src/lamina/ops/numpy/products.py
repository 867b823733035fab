"""Vector and tensor products beyond matmul, and related sums (trace, slogdet, correlate)."""

from __future__ import annotations

from lamina.backend import engine
from lamina.ops.core import convert_to_tensor, dtype, shape
from lamina.ops.dispatch import op
from lamina.ops.numpy.dtype_rules import promoted

_np = engine.numpy
_extra = engine.numpy_extra


def _inner(x1, x2):
    x1, x2 = promoted(convert_to_tensor(x1), convert_to_tensor(x2))
    if not shape(x1) or not shape(x2):
        return _np.multiply(x1, x2)
    return _np.tensordot(x1, x2, axes=([-1 % len(shape(x1))], [-1 % len(shape(x2))]))


def _vdot(x1, x2):
    x1, x2 = promoted(convert_to_tensor(x1), convert_to_tensor(x2))
    return _np.sum(_np.multiply(_extra.conj(_np.ravel(x1)), _np.ravel(x2)))


def _kron(x1, x2):
    x1, x2 = promoted(convert_to_tensor(x1), convert_to_tensor(x2))
    ndim = max(len(shape(x1)), len(shape(x2)))
    shape1 = (1,) * (ndim - len(shape(x1))) + tuple(shape(x1))
    shape2 = (1,) * (ndim - len(shape(x2))) + tuple(shape(x2))
    # Interleave the axes: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...), then merge the pairs.
    spread1 = [d for a in shape1 for d in (a, 1)]
    spread2 = [d for b in shape2 for d in (1, b)]
    product = _np.multiply(_np.reshape(x1, spread1), _np.reshape(x2, spread2))
    return _np.reshape(product, [a * b for a, b in zip(shape1, shape2)])


def _component(x, index):
    return _np.take(x, index, axis=-1)


def _cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = promoted(convert_to_tensor(x1), convert_to_tensor(x2))
    x1, x2 = _np.moveaxis(x1, axisa, -1), _np.moveaxis(x2, axisb, -1)
    size1, size2 = shape(x1)[-1], shape(x2)[-1]
    if size1 not in (2, 3) or size2 not in (2, 3):
        raise ValueError(
            "cross: the vector axes must have size 2 or 3; received "
            f"x1 vectors of size {size1} and x2 vectors of size {size2}."
        )
    a = [_component(x1, i) for i in range(size1)]
    b = [_component(x2, i) for i in range(size2)]
    if size1 == 2 and size2 == 2:  # only the z component, as NumPy returns it
        return _np.subtract(_np.multiply(a[0], b[1]), _np.multiply(a[1], b[0]))
    zero = _np.zeros_like(a[0])
    a = a + [zero] * (3 - size1)
    b = b + [zero] * (3 - size2)
    components = [
        _np.subtract(_np.multiply(a[1], b[2]), _np.multiply(a[2], b[1])),
        _np.subtract(_np.multiply(a[2], b[0]), _np.multiply(a[0], b[2])),
        _np.subtract(_np.multiply(a[0], b[1]), _np.multiply(a[1], b[0])),
    ]
    return _np.moveaxis(_np.stack(components, axis=-1), -1, axisc)


def _trace(x, offset=0, axis1=0, axis2=1):
    if len(shape(x)) < 2:
        raise ValueError(f"trace expects a tensor of rank >= 2; received shape {shape(x)}.")
    return _np.sum(_extra.diagonal(x, offset, axis1, axis2), axis=-1)


def _correlate(x1, x2, mode="valid"):
    for name, value in (("x1", x1), ("x2", x2)):
        if len(shape(value)) != 1:
            raise ValueError(f"correlate expects 1-D {name}; received shape {shape(value)}.")
    return _extra.correlate(x1, x2, mode)


def _vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    if len(shape(x)) != 1:
        raise ValueError(f"vander expects a 1-D x; received shape {shape(x)}.")
    columns = shape(x)[0] if N is None else N
    powers = _np.arange(columns, dtype=dtype(x))
    if not increasing:
        powers = _np.flip(powers, 0)
    return _np.power(_np.expand_dims(x, -1), powers)


inner = op(_inner, name="inner", doc="Sum-product over the last axes of x1 and x2.")
vdot = op(_vdot, name="vdot", doc="Dot product of the flattened inputs (x1 conjugated).")
kron = op(_kron, name="kron", doc="Kronecker product: blocks of x2 scaled by each x1 element.")
cross = op(_cross, name="cross", doc="Cross product of 3-vectors (or 2-vectors) along axes.")
trace = op(_trace, name="trace", doc="Sum along the ``offset`` diagonal of (axis1, axis2).")
correlate = op(_correlate, name="correlate", doc="Cross-correlation of two 1-D sequences.")
vander = op(_vander, name="vander", doc="Vandermonde matrix: columns are powers of x.")
slogdet = op(_extra.slogdet, doc="(sign, log|det|) of square matrices (the last two axes).")
