"""Keras masks carried by tensors: ``x._keras_mask`` where the tensor type allows attributes
(torch tensors, JAX arrays), a side table keyed by the live tensor where it does not (NumPy
arrays, JAX tracers inside jit)."""

from __future__ import annotations

import weakref

_side_table: dict[int, tuple] = {}  # id(tensor) -> (weak reference to it, mask)


def set_keras_mask(x, mask) -> None:
    """Attach ``mask`` (a boolean tensor, or None to clear it) to tensor ``x`` as its Keras
    mask, which mask-aware layers then read back with ``get_keras_mask``. Values that hold
    neither attributes nor weak references (Python numbers) carry no mask."""
    try:
        x._keras_mask = mask
        return
    except AttributeError:
        pass
    key = id(x)

    def forget(_reference, key=key) -> None:
        _side_table.pop(key, None)

    try:
        reference = weakref.ref(x, forget)
    except TypeError:
        return  # neither attributes nor weak references (a Python number): no mask
    _side_table[key] = (reference, mask)


def get_keras_mask(x):
    """The Keras mask attached to tensor ``x`` (by a masking layer or ``set_keras_mask``),
    or None when it has none."""
    mask = getattr(x, "_keras_mask", None)
    if mask is not None:
        return mask
    entry = _side_table.get(id(x))
    if entry is not None and entry[0]() is x:
        return entry[1]
    return None
