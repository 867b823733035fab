"""Two int4 values in one byte: packing (on the host) and unpacking (on the device)."""

from __future__ import annotations

import numpy as np

from lamina import backend, ops


def _check_byte_dtype(dtype):
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"dtype must be 'int8' or 'uint8'; received {dtype!r}.")


def _check_axis(axis, ndim):
    if isinstance(axis, bool) or not isinstance(axis, int) or not -ndim <= axis < ndim:
        raise ValueError(
            f"axis must be an int in [{-ndim}, {ndim}) for a tensor of rank {ndim}; "
            f"received {axis!r}."
        )
    return axis % ndim


def pack_int4(arr, axis=0, dtype="int8"):
    """Pack pairs of int4 values along ``axis`` into single bytes.

    Entry ``2i`` goes to the low nibble and ``2i + 1`` to the high nibble of output entry
    ``i``; an odd length is padded with one zero. Computed with NumPy on the host (packing
    happens once, when a model is quantized).

    Args:
        arr: ``dtype`` tensor of int4 values (``[-8, 7]``, or ``[0, 15]`` for uint8).
        axis: the axis whose pairs are packed.
        dtype: ``"int8"`` or ``"uint8"``: the dtype of ``arr`` and of the result.

    Returns:
        ``(packed, packed_shape, original_length)``: the packed tensor, its shape as a
        tuple, and the length of ``axis`` before packing (``unpack_int4`` needs it).

    Example:

    >>> packed, shape, length = pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], "int8"))
    >>> shape, length
    ((2, 2), 3)
    """
    _check_byte_dtype(dtype)
    received = backend.standardize_dtype(arr.dtype)
    if received != dtype:
        raise TypeError(f"pack_int4 expects a {dtype} tensor; received dtype {received}.")
    values = ops.convert_to_numpy(arr)
    axis = _check_axis(axis, values.ndim)
    values = np.moveaxis(values, axis, 0)
    length = values.shape[0]
    if length % 2:
        values = np.concatenate([values, np.zeros((1, *values.shape[1:]), values.dtype)])
    nibble = np.array(0x0F, dtype)
    low = np.bitwise_and(values[0::2], nibble)
    high = np.bitwise_and(values[1::2], nibble)
    # NumPy wraps int8 overflow of the shift, which is what packing wants.
    packed = np.bitwise_or(low, np.left_shift(high, np.array(4, dtype))).astype(dtype)
    packed = np.moveaxis(packed, 0, axis)
    return ops.convert_to_tensor(packed), tuple(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Undo ``pack_int4``: split each byte along ``axis`` into its two int4 values and
    drop the padding beyond ``orig_len``.

    Args:
        packed: int8 or uint8 tensor made by ``pack_int4``.
        orig_len: the length of ``axis`` before packing.
        axis: the axis that was packed.
        dtype: ``"int8"`` (values sign-extended to ``[-8, 7]``) or ``"uint8"``
            (``[0, 15]``): the dtype of the result.

    Returns:
        A ``dtype`` tensor whose ``axis`` has length ``orig_len``.
    """
    _check_byte_dtype(dtype)
    packed = ops.convert_to_tensor(packed)
    received = backend.standardize_dtype(packed.dtype)
    if received not in ("int8", "uint8"):
        raise TypeError(f"unpack_int4 expects an int8 or uint8 tensor; received {received}.")
    ndim = len(packed.shape)
    axis = _check_axis(axis, ndim)
    order = [axis] + [i for i in range(ndim) if i != axis]
    moved = ops.transpose(packed, order) if axis else packed
    nibble = ops.cast(0x0F, received)
    low = ops.bitwise_and(moved, nibble)
    high = ops.bitwise_and(ops.right_shift(moved, ops.cast(4, received)), nibble)
    if dtype == "int8":  # nibble 8..15 means -8..-1: (n ^ 8) - 8
        eight = ops.cast(8, received)
        low = ops.subtract(ops.bitwise_xor(low, eight), eight)
        high = ops.subtract(ops.bitwise_xor(high, eight), eight)
    pairs = ops.stack([ops.cast(low, dtype), ops.cast(high, dtype)], axis=1)  # (N, 2, ...)
    unpacked = ops.reshape(pairs, (-1, *tuple(moved.shape)[1:]))[:orig_len]
    if not axis:
        return unpacked
    return ops.transpose(unpacked, [order.index(i) for i in range(ndim)])
