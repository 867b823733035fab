"""Integer indices to Keras's categorical outputs: "int", "one_hot", "multi_hot", "count".

Shared by the preprocessing layers that emit bins or token indices (Discretization,
CategoryEncoding, Hashing, HashedCrossing). Shapes follow Keras: a scalar becomes one
sample; "one_hot" encodes a trailing axis of size 1 in place and otherwise appends one;
"multi_hot" and "count" fold axis 1 of a batch (the sample axis) into ``depth`` values.
Indices outside ``[0, depth)`` encode as all zeros, as Keras's JAX engine does.
"""

from __future__ import annotations

import numpy as np

from lamina import ops

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def check_output_mode(layer_name: str, output_mode, allowed=OUTPUT_MODES) -> None:
    if output_mode not in allowed:
        raise ValueError(
            f"Invalid value for argument `output_mode` of {layer_name}: expected one of "
            f"{allowed}. Received: output_mode={output_mode!r}"
        )


def check_not_sparse(layer_name: str, sparse) -> None:
    if sparse:
        raise ValueError(
            f"{layer_name}: `sparse=True` is not supported (Lamina has no sparse tensors on "
            f"any engine). Received: sparse={sparse!r}; use sparse=False."
        )


def _one_hot(indices, depth: int, dtype: str):
    """(..., depth): 1 where ``indices == k``; zeros for an index out of range."""
    classes = ops.arange(depth, dtype=indices.dtype)
    return ops.cast(ops.equal(ops.expand_dims(indices, -1), classes), dtype)


def encode_categorical_inputs(
    indices, output_mode: str, depth: int, dtype: str, count_weights=None
):
    """``indices`` (integer tensor) encoded as ``output_mode`` in ``dtype`` (the weights'
    dtype for weighted counts)."""
    if output_mode == "int":
        return ops.cast(indices, dtype)
    if len(indices.shape) == 0:
        indices = ops.expand_dims(indices, -1)
    if output_mode == "one_hot":
        if len(indices.shape) > 1 and indices.shape[-1] == 1:
            indices = ops.squeeze(indices, axis=-1)
        return _one_hot(indices, depth, dtype)
    axis = 1 if len(indices.shape) > 1 else 0
    if output_mode == "multi_hot":
        return ops.max(_one_hot(indices, depth, dtype), axis=axis)
    if count_weights is not None:
        dtype = ops.dtype(count_weights)
        encoded = _one_hot(indices, depth, dtype) * ops.expand_dims(count_weights, -1)
    else:
        encoded = _one_hot(indices, depth, dtype)
    return ops.sum(encoded, axis=axis)


def encoded_shape(input_shape, output_mode: str, depth: int) -> tuple:
    """The output shape ``encode_categorical_inputs`` gives for inputs of ``input_shape``."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        input_shape = (1,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            input_shape = input_shape[:-1]
        return (*input_shape, depth)
    if len(input_shape) > 1:
        return (input_shape[0], *input_shape[2:], depth)
    return (depth,)


def check_index_range(layer_name: str, inputs, depth: int, argument: str) -> None:
    """Raise when host data (NumPy/lists) holds an index >= ``depth``. Tensors are not read
    back (no device sync; a compiled step cannot): their out-of-range values encode as zeros."""
    if isinstance(inputs, (list, tuple, np.ndarray, int, np.integer)):
        values = np.asarray(inputs)
        if values.size and values.dtype.kind in "iu" and values.max() >= depth:
            raise ValueError(
                f"{layer_name}: input values must be in the range 0 <= values < {argument}="
                f"{depth}. Received a value of {values.max()}."
            )
