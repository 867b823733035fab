"""Joining and splitting along NumPy's named axes (h: columns, v: rows, d: depth)."""

from __future__ import annotations

from lamina.backend import engine
from lamina.ops.core import shape
from lamina.ops.dispatch import op

_np = engine.numpy


def _at_least(x, ndim: int):
    """``x`` with axes added as NumPy's atleast_1d/2d/3d add them."""
    rank = len(shape(x))
    if rank >= ndim:
        return x
    if rank == 0:
        return _np.reshape(x, (1,) * ndim)
    if rank == 1:
        return _np.reshape(x, (1, -1, 1) if ndim == 3 else (1, -1))
    return _np.expand_dims(x, -1)  # rank 2 to 3


def _append(x1, x2, axis=None):
    if axis is None:
        return _np.concatenate([_np.ravel(x1), _np.ravel(x2)], axis=0)
    return _np.concatenate([x1, x2], axis=axis)


def _hstack(xs):
    xs = [_at_least(x, 1) for x in xs]
    return _np.concatenate(xs, axis=0 if len(shape(xs[0])) == 1 else 1)


def _vstack(xs):
    return _np.concatenate([_at_least(x, 2) for x in xs], axis=0)


def _dstack(xs):
    return _np.concatenate([_at_least(x, 3) for x in xs], axis=2)


def _array_split(x, indices_or_sections, axis=0):
    if not isinstance(indices_or_sections, int):
        return _np.split(x, list(indices_or_sections), axis=axis)
    sections = indices_or_sections
    if sections <= 0:
        raise ValueError(
            f"array_split: indices_or_sections must be a positive integer or a list of "
            f"indices; received {sections}."
        )
    total = shape(x)[axis]
    if total is None:
        raise ValueError("array_split needs the size of the split axis to be known.")
    base, extra = divmod(total, sections)
    # The first `extra` parts are one longer, as NumPy's array_split makes them.
    boundaries, position = [], 0
    for part in range(sections - 1):
        position += base + (1 if part < extra else 0)
        boundaries.append(position)
    return _np.split(x, boundaries, axis=axis)


def _split_on(name: str, axis: int, min_ndim: int):
    def apply(x, indices_or_sections):
        rank = len(shape(x))
        if rank < min_ndim:
            raise ValueError(
                f"{name} expects a tensor of rank >= {min_ndim}; received shape {shape(x)}."
            )
        return _np.split(x, indices_or_sections, axis=0 if rank == 1 else axis)

    apply.__name__ = name
    return apply


append = op(_append, name="append", doc="``x2`` appended to ``x1`` (flattened when axis=None).")
hstack = op(_hstack, name="hstack", doc="Join along the second axis (the first for 1-D).")
vstack = op(_vstack, name="vstack", doc="Join along the first axis, 1-D inputs as rows.")
dstack = op(_dstack, name="dstack", doc="Join along the third axis.")
array_split = op(
    _array_split, name="array_split", doc="Split into parts that may differ in size by one."
)
hsplit = op(_split_on("hsplit", 1, 1), name="hsplit", doc="Split along the second axis.")
vsplit = op(_split_on("vsplit", 0, 2), name="vsplit", doc="Split along the first axis.")
dsplit = op(_split_on("dsplit", 2, 3), name="dsplit", doc="Split along the third axis.")
