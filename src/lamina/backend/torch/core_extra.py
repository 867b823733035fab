"""The rest of Keras's core namespace on PyTorch: slicing and scattering by index,
control flow (run eagerly, one Python step per iteration) and custom gradients.

Several names here (``slice``, ``map``) are Keras's and shadow Python builtins inside
this module only; the code below reaches the builtins through ``builtins``.
"""

from __future__ import annotations

import builtins

import torch

from lamina.backend.common import eager_control_flow
from lamina.backend.torch.core import convert_to_tensor

_REDUCTIONS = {"add": "sum", "max": "amax", "min": "amin", "mul": "prod"}


def _ints(values) -> list[int]:
    if isinstance(values, torch.Tensor):
        return [int(v) for v in values.reshape(-1).tolist()]
    return [int(v) for v in values]


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    starts, sizes = _ints(start_indices), _ints(shape)
    key = tuple(
        builtins.slice(start, dim if size == -1 else start + size)
        for start, size, dim in zip(starts, sizes, inputs.shape)
    )
    return inputs[key]


def slice_update(inputs, start_indices, updates):
    inputs, updates = convert_to_tensor(inputs), convert_to_tensor(updates)
    key = tuple(
        builtins.slice(start, start + size)
        for start, size in zip(_ints(start_indices), updates.shape)
    )
    outputs = inputs.clone()
    outputs[key] = updates.to(inputs.dtype)
    return outputs


def _index_columns(indices):
    indices = convert_to_tensor(indices).to(torch.int64)
    if indices.ndim == 1:  # one index per update into a vector
        indices = indices[:, None]
    return tuple(indices[..., axis] for axis in range(indices.shape[-1]))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    zeros = torch.zeros(tuple(_ints(shape)), dtype=values.dtype, device=values.device)
    return zeros.index_put(_index_columns(indices), values, accumulate=True)


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates).to(inputs.dtype)
    columns = _index_columns(indices)
    if reduction is None:
        return inputs.index_put(columns, updates)
    if reduction == "add":
        return inputs.index_put(columns, updates, accumulate=True)
    # max / min / mul: scatter_reduce over the flattened indexed axes.
    depth = len(columns)
    indexed_shape = inputs.shape[:depth]
    flat_position = torch.zeros_like(columns[0])
    for column, size in zip(columns, indexed_shape):
        flat_position = flat_position * size + column
    flat = inputs.reshape(-1, *inputs.shape[depth:])
    updates = updates.reshape(-1, *inputs.shape[depth:])
    index = flat_position.reshape(-1, *[1] * (flat.ndim - 1)).expand_as(updates)
    out = flat.scatter_reduce(0, index, updates, _REDUCTIONS[reduction], include_self=True)
    return out.reshape(inputs.shape)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    return eager_control_flow.while_loop(cond, body, loop_vars, maximum_iterations)


def _stack(items):
    return torch.stack([convert_to_tensor(item) for item in items])


def _unstack(x):
    return list(torch.unbind(convert_to_tensor(x), dim=0))


def map(f, xs):
    return eager_control_flow.map(f, xs, _stack, _unstack)


def switch(index, branches, *operands):
    return eager_control_flow.switch(index, branches, *operands)


def associative_scan(f, elems, reverse=False, axis=0):
    def take(x, position):
        return torch.narrow(convert_to_tensor(x), axis, position, 1)

    return eager_control_flow.associative_scan(f, elems, reverse, axis, take, torch.cat)


def vectorized_map(function, elements):
    return eager_control_flow.vectorized_map(function, elements, _stack, _unstack)


class _CustomGradient(torch.autograd.Function):
    """Runs ``f`` forward; its returned ``grad_fn`` gives the backward pass."""

    @staticmethod
    def forward(ctx, f, *args):
        output, ctx.grad_fn = f(*args)
        ctx.save_for_backward(*args)
        return output

    @staticmethod
    def backward(ctx, *upstream):
        upstream_value = upstream[0] if len(upstream) == 1 else upstream
        grads = eager_control_flow.call_gradient_function(
            ctx.grad_fn, ctx.saved_tensors, upstream_value
        )
        return (None, *grads)


def custom_gradient(f):
    def wrapped(*args):
        return _CustomGradient.apply(f, *[convert_to_tensor(a) for a in args])

    return wrapped


def remat(f):
    """``f`` recomputed in the backward pass instead of keeping its activations
    (``torch.utils.checkpoint``, non-reentrant: keyword arguments pass through)."""
    import functools

    from torch.utils import checkpoint

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        if not torch.is_grad_enabled():
            return f(*args, **kwargs)  # nothing to save memory for
        return checkpoint.checkpoint(f, *args, use_reentrant=False, **kwargs)

    return wrapped
