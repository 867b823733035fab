"""Set functions: the distinct values of a tensor, and membership."""

from __future__ import annotations

from lamina.backend import KerasTensor, engine
from lamina.ops.core import convert_to_tensor, dtype, get_item, shape
from lamina.ops.dispatch import op
from lamina.ops.numpy.dtype_rules import op_with_spec, promoted

_np = engine.numpy
_extra = engine.numpy_extra


def _fit(x, axis: int, size: int, fill_value):
    """``x`` cut or padded with ``fill_value`` to ``size`` along ``axis``."""
    count = shape(x)[axis]
    if count >= size:
        key = [slice(None)] * len(shape(x))
        key[axis] = slice(0, size)
        return get_item(x, tuple(key))
    padding = [(0, 0)] * len(shape(x))
    padding[axis] = (0, size - count)
    return _np.pad(x, padding, constant_values=fill_value)


def _unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    x = convert_to_tensor(x)
    if size is not None and (not isinstance(size, int) or size < 0):
        raise ValueError(f"unique: size must be a non-negative int or None; received {size!r}.")
    values, first, inverse, counts = _extra.unique(
        x, sorted, return_index, return_inverse, return_counts, axis, size, fill_value
    )
    if size is not None:
        value_axis = 0 if axis is None else axis % len(shape(x))
        values = _fit(values, value_axis, size, 0 if fill_value is None else fill_value)
        first, counts = _fit(first, 0, size, 0), _fit(counts, 0, size, 0)
    if return_inverse and axis is None:
        inverse = _np.reshape(inverse, shape(x))
    outputs = [values]
    for wanted, output in ((return_index, first), (return_inverse, inverse),
                           (return_counts, counts)):  # fmt: skip
        if wanted:
            outputs.append(output)
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _unique_spec(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    if axis is None:
        values = KerasTensor((size,), dtype=dtype(x))
    else:
        values_shape = list(shape(x))
        values_shape[axis % len(values_shape)] = size
        values = KerasTensor(tuple(values_shape), dtype=dtype(x))
    outputs = [values]
    if return_index:
        outputs.append(KerasTensor((size,), dtype="int32"))
    if return_inverse:
        inverse_shape = shape(x) if axis is None else (shape(x)[axis],)
        outputs.append(KerasTensor(tuple(inverse_shape), dtype="int32"))
    if return_counts:
        outputs.append(KerasTensor((size,), dtype="int32"))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promoted(convert_to_tensor(x1), convert_to_tensor(x2))
    matches = _np.equal(_np.expand_dims(x1, -1), _np.ravel(x2))  # (..., len(x2))
    found = _np.any(matches, axis=-1)
    return _np.logical_not(found) if invert else found


unique = op_with_spec(_unique, _unique_spec, name="unique")
unique.__doc__ = (
    "The sorted distinct values of ``x`` (flattened when axis=None), optionally with the "
    "first index, the inverse and the count of each. The number of values depends on the "
    "data: give ``size`` (pad with ``fill_value``, default 0, or cut) for a static shape."
)
isin = op(_isin, name="isin", doc="Element-wise: whether each x1 occurs in x2.")
