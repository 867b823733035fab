"""The rest of Keras's core namespace on NumPy: slicing and scattering by index and
control flow, run eagerly. ``custom_gradient`` needs autodiff, which this engine lacks.

Several names here (``slice``, ``map``) are Keras's and shadow Python builtins inside
this module only; the code below reaches the builtins through ``builtins``.
"""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend.common import eager_control_flow
from lamina.backend.numpy.core import to_array

_UFUNCS = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def _ints(values) -> list[int]:
    return [int(v) for v in np.asarray(values).reshape(-1)]


def slice(inputs, start_indices, shape):
    inputs = to_array(inputs)
    key = tuple(
        builtins.slice(start, dim if size == -1 else start + size)
        for start, size, dim in zip(_ints(start_indices), _ints(shape), inputs.shape)
    )
    return inputs[key].copy()


def slice_update(inputs, start_indices, updates):
    inputs, updates = to_array(inputs), to_array(updates)
    key = tuple(
        builtins.slice(start, start + size)
        for start, size in zip(_ints(start_indices), updates.shape)
    )
    outputs = inputs.copy()
    outputs[key] = updates
    return outputs


def _index_columns(indices):
    indices = to_array(indices).astype(np.int64)
    if indices.ndim == 1:  # one index per update into a vector
        indices = indices[:, None]
    return tuple(indices[..., axis] for axis in range(indices.shape[-1]))


def scatter(indices, values, shape):
    values = to_array(values)
    out = np.zeros(tuple(_ints(shape)), dtype=values.dtype)
    np.add.at(out, _index_columns(indices), values)
    return out


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = to_array(inputs)
    updates = to_array(updates).astype(inputs.dtype, copy=False)
    outputs = inputs.copy()
    columns = _index_columns(indices)
    if reduction is None:
        outputs[columns] = updates
    else:
        _UFUNCS[reduction].at(outputs, columns, updates)
    return outputs


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    return eager_control_flow.while_loop(cond, body, loop_vars, maximum_iterations)


def _stack(items):
    return np.stack([to_array(item) for item in items])


def _unstack(x):
    return list(to_array(x))


def map(f, xs):
    return eager_control_flow.map(f, xs, _stack, _unstack)


def switch(index, branches, *operands):
    return eager_control_flow.switch(index, branches, *operands)


def associative_scan(f, elems, reverse=False, axis=0):
    def take(x, position):
        return np.take(to_array(x), [position], axis=axis)

    return eager_control_flow.associative_scan(f, elems, reverse, axis, take, np.concatenate)


def vectorized_map(function, elements):
    return eager_control_flow.vectorized_map(function, elements, _stack, _unstack)


def custom_gradient(f):
    raise NotImplementedError(
        "custom_gradient needs automatic differentiation, which the numpy engine does not "
        "have; use the torch or jax engine."
    )


def remat(f):
    """NumPy computes no gradients, so there is nothing to recompute: ``f`` itself."""
    return f
