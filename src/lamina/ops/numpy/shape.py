"""Ops that rearrange, join, split or index tensors."""

from __future__ import annotations

from lamina.backend import KerasTensor, engine
from lamina.ops.core import get_item, shape
from lamina.ops.dispatch import op
from lamina.ops.numpy.dtype_rules import op_with_spec

_np = engine.numpy
_extra = engine.numpy_extra

reshape = op(_np.reshape, doc="``x`` with shape ``newshape`` (one entry may be -1).")
transpose = op(_np.transpose, doc="Permute axes (reverse them when ``axes`` is None).")
swapaxes = op(_np.swapaxes)
moveaxis = op(_np.moveaxis)
expand_dims = op(_np.expand_dims)
squeeze = op(_np.squeeze)
ravel = op(_np.ravel)
concatenate = op(_np.concatenate, doc="Join a sequence of tensors along an existing axis.")
stack = op(_np.stack, doc="Join a sequence of tensors along a new axis.")
split = op(_np.split)
tile = op(_np.tile)
repeat = op(_np.repeat)
broadcast_to = op(_np.broadcast_to)
flip = op(_np.flip)
take = op(_np.take)
take_along_axis = op(_np.take_along_axis)
pad = op(_np.pad)
tril = op(_np.tril)
triu = op(_np.triu)
diag = op(_np.diag)
matmul = op(_np.matmul, doc="Matrix product with NumPy's broadcasting rules.")
dot = op(_np.dot)
tensordot = op(_np.tensordot)
einsum = op(_np.einsum)
outer = op(_np.outer)
copy = op(_np.copy)
astype = op(_np.astype)
diagonal = op(_extra.diagonal, doc="The ``offset`` diagonal of the (axis1, axis2) planes, last.")
roll = op(_extra.roll, doc="Elements shifted along ``axis`` (flat when None), wrapping.")
view = op(_extra.view, doc="The same bytes read as ``dtype`` (the last axis rescales).")


def slice_along(x, axis: int, start=None, stop=None):
    """``x[..., start:stop, ...]`` with the slice on ``axis``."""
    ndim = len(shape(x))
    key = [slice(None)] * ndim
    key[axis % ndim] = slice(start, stop)
    return get_item(x, tuple(key))


def _diff(a, n=1, axis=-1):
    if n < 0:
        raise ValueError(f"diff: n must be a non-negative integer; received n={n}.")
    for _ in range(n):
        a = _np.subtract(slice_along(a, axis, 1, None), slice_along(a, axis, None, -1))
    return a


def _diagflat(x, k=0):
    return _np.diag(_np.ravel(x), k)


def _fliplr(x):
    if len(shape(x)) < 2:
        raise ValueError(f"fliplr expects a tensor of rank >= 2; received shape {shape(x)}.")
    return _np.flip(x, 1)


def _flipud(x):
    if len(shape(x)) < 1:
        raise ValueError("flipud expects a tensor of rank >= 1; received a scalar.")
    return _np.flip(x, 0)


def _rot90(array, k=1, axes=(0, 1)):
    ndim = len(shape(array))
    if ndim < 2:
        raise ValueError(f"rot90 expects a tensor of rank >= 2; received shape {shape(array)}.")
    first, second = (a % ndim for a in axes)
    if len(axes) != 2 or first == second:
        raise ValueError(f"rot90: axes must be two different axes; received axes={axes}.")
    k %= 4
    if k == 0:
        return array
    if k == 2:
        return _np.flip(array, (first, second))
    if k == 1:
        return _np.swapaxes(_np.flip(array, second), first, second)
    return _np.flip(_np.swapaxes(array, first, second), second)


def _meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'; received {indexing!r}.")
    vectors = [_np.ravel(v) for v in x]
    sizes = [shape(v)[0] for v in vectors]
    grids = []
    for i, v in enumerate(vectors):
        view_shape = [1] * len(vectors)
        view_shape[i] = -1
        grids.append(_np.broadcast_to(_np.reshape(v, view_shape), sizes))
    if indexing == "xy" and len(grids) >= 2:  # Cartesian: the first two axes trade places
        grids = [_np.swapaxes(g, 0, 1) for g in grids]
    return grids


def ndim(x) -> int:
    """The number of axes of ``x`` (known for KerasTensors too)."""
    return len(shape(x))


def _element_count(x) -> int:
    total = 1
    for d in shape(x):
        total *= d
    return total


_symbolic_size = op_with_spec(_element_count, lambda x: KerasTensor((), dtype="int32"), name="size")


def size(x):
    """The number of elements of ``x``: an int, or an int32 KerasTensor when a dimension of a
    symbolic ``x`` is unknown."""
    if any(d is None for d in shape(x)):
        return _symbolic_size(x)
    return _element_count(x)


diff = op(_diff, name="diff", doc="The n-th discrete difference along ``axis``.")
diagflat = op(_diagflat, name="diagflat", doc="A 2-D tensor with the flattened x on diagonal k.")
fliplr = op(_fliplr, name="fliplr", doc="``x`` reversed along axis 1.")
flipud = op(_flipud, name="flipud", doc="``x`` reversed along axis 0.")
rot90 = op(_rot90, name="rot90", doc="Rotate by 90 degrees ``k`` times in the ``axes`` plane.")
meshgrid = op(_meshgrid, name="meshgrid", doc="Coordinate grids from coordinate vectors.")
