"""``pack_x_y_sample_weight``: the inverse of ``unpack_x_y_sample_weight``."""

from __future__ import annotations


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch ``fit`` reads from ``x``, ``y`` and ``sample_weight``: ``x`` alone (a
    list/tuple ``x`` is wrapped as ``(x,)`` so it is not read as ``(x, y)``), ``(x, y)`` or
    ``(x, y, sample_weight)``.

    >>> pack_x_y_sample_weight([1, 2], [3])
    ([1, 2], [3])
    >>> pack_x_y_sample_weight([1, 2])
    ([1, 2],)
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
