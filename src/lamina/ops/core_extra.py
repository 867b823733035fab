"""The rest of Keras's core ops: indexed slices and scatters, control flow, custom
gradients, saturating casts and unstacking.

Control flow runs on the engine (``jax.lax`` on JAX, a Python loop on torch and NumPy).
On symbolic inputs, each op records one graph node whose output shapes follow Keras's
rules (a loop keeps its variables' shapes; ``map`` adds the leading axis to ``f``'s output)
rather than tracing the loop itself.
"""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend import (
    KerasTensor,
    any_symbolic_tensors,
    compute_output_spec as _compute_output_spec,
    engine,
    is_tensor,
    standardize_dtype as _standardize_dtype,
)
from lamina.backend.common import tree
from lamina.ops.dispatch import op
from lamina.ops.operation import FunctionOperation

_extra = engine.core_extra
_get_item = op(engine.core.get_item, name="get_item")
_REDUCTIONS = ("add", "max", "min", "mul")


class _SpecOperation(FunctionOperation):
    """A graph node whose output spec comes from a rule, not from tracing the call."""

    def __init__(self, function, name, spec):
        super().__init__(function, name)
        self._spec = spec

    def compute_output_spec(self, *args, **kwargs):
        return self._spec(*args, **kwargs)


def _is_symbolic(*structures) -> bool:
    return any(isinstance(x, KerasTensor) for x in tree.flatten(list(structures)))


def _symbolic(function, name, spec, *args):
    return _SpecOperation(function, name, spec).symbolic_call(*args)


def _shape_of(x) -> tuple:
    if isinstance(x, KerasTensor):
        return x.shape
    return tuple(engine.core.convert_to_tensor(x).shape)


def _like(x):
    return KerasTensor(tuple(x.shape), dtype=x.dtype)


# ---- slices and scatters ------------------------------------------------------------------


def _check_starts(name, inputs, start_indices):
    if isinstance(start_indices, (list, tuple)) and len(start_indices) != len(_shape_of(inputs)):
        raise ValueError(
            f"{name}: start_indices needs one start per axis of inputs ({len(_shape_of(inputs))}); "
            f"received {list(start_indices)}."
        )


def slice(inputs, start_indices, shape):  # shadows the builtin: Keras's name
    """``inputs[start : start + shape]`` on every axis; a size of -1 runs to the end, and
    ``start_indices`` may be tensors."""
    sizes = [int(s) for s in np.asarray(shape).reshape(-1)]
    input_shape = _shape_of(inputs)
    if len(sizes) != len(input_shape):
        raise ValueError(
            f"slice: shape needs one size per axis of inputs ({len(input_shape)}); received "
            f"{sizes}."
        )
    _check_starts("slice", inputs, start_indices)
    if _is_symbolic(inputs, start_indices):

        def spec(inputs, start_indices):
            out = []
            for axis, (dim, size) in enumerate(zip(inputs.shape, sizes)):
                if size != -1:
                    out.append(size)
                elif (
                    dim is None
                    or not isinstance(start_indices, (list, tuple))
                    or isinstance(start_indices[axis], KerasTensor)
                ):
                    out.append(None)
                else:
                    out.append(dim - int(start_indices[axis]))
            return KerasTensor(tuple(out), dtype=inputs.dtype)

        return _symbolic(_slice_call(sizes), "slice", spec, inputs, start_indices)
    return _extra.slice(inputs, start_indices, sizes)


def _slice_call(sizes):
    return lambda inputs, start_indices: _extra.slice(inputs, start_indices, sizes)


def slice_update(inputs, start_indices, updates):
    """``inputs`` with ``inputs[start : start + updates.shape] = updates`` (a new tensor)."""
    _check_starts("slice_update", inputs, start_indices)
    if len(_shape_of(updates)) != len(_shape_of(inputs)):
        raise ValueError(
            "slice_update: updates must have the rank of inputs; received shapes "
            f"{_shape_of(updates)} and {_shape_of(inputs)}."
        )
    if _is_symbolic(inputs, start_indices, updates):
        return _symbolic(
            _extra.slice_update, "slice_update", lambda x, s, u: _like(x),
            inputs, start_indices, updates,
        )  # fmt: skip
    return _extra.slice_update(inputs, start_indices, updates)


def scatter(indices, values, shape):
    """A tensor of ``shape``, zero except at ``indices`` (``(N, k)``), which hold
    ``values``; repeated indices add up."""
    shape = tuple(int(s) for s in np.asarray(shape).reshape(-1))
    if _is_symbolic(indices, values):
        return _symbolic(
            lambda i, v: _extra.scatter(i, v, shape), "scatter",
            lambda i, v: KerasTensor(shape, dtype=v.dtype), indices, values,
        )  # fmt: skip
    return _extra.scatter(indices, values, shape)


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``inputs[indices] = updates`` (``indices`` of shape ``(N, k)``), or
    combined with them by ``reduction``: "add", "max", "min" or "mul"."""
    if reduction is not None:
        if not isinstance(reduction, str) or reduction.lower() not in _REDUCTIONS:
            raise ValueError(
                f"scatter_update: reduction must be None or one of {list(_REDUCTIONS)}; "
                f"received {reduction!r}."
            )
        reduction = reduction.lower()
    if _is_symbolic(inputs, indices, updates):
        return _symbolic(
            lambda x, i, u: _extra.scatter_update(x, i, u, reduction), "scatter_update",
            lambda x, i, u: _like(x), inputs, indices, updates,
        )  # fmt: skip
    return _extra.scatter_update(inputs, indices, updates, reduction)


# ---- control flow -------------------------------------------------------------------------


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (at most
    ``maximum_iterations`` times). A tuple or list of variables is spread over the
    arguments of ``cond`` and ``body``."""
    if _is_symbolic(loop_vars):
        return _symbolic(
            lambda v: _extra.while_loop(cond, body, v, maximum_iterations), "while_loop",
            lambda v: tree.map_structure(_like, tuple(v) if isinstance(v, list) else v),
            loop_vars,
        )  # fmt: skip
    return _extra.while_loop(cond, body, loop_vars, maximum_iterations)


def _leading_axis_spec(f, xs):
    first = tree.flatten(xs)[0]
    item = tree.map_structure(lambda x: KerasTensor(tuple(x.shape[1:]), dtype=x.dtype), xs)
    out = _compute_output_spec(f, item)
    return tree.map_structure(lambda y: KerasTensor((first.shape[0], *y.shape), dtype=y.dtype), out)


def map(f, xs):  # shadows the builtin: Keras's name
    """``stack([f(x) for x in xs])`` along the leading axis (``xs`` may be nested)."""
    if _is_symbolic(xs):
        return _symbolic(lambda v: _extra.map(f, v), "map", lambda v: _leading_axis_spec(f, v), xs)
    return _extra.map(f, xs)


def vectorized_map(function, elements):
    """``function`` applied to each item of ``elements``' leading axis, in parallel where
    the engine can (``jax.vmap``); a list of tensors gives ``function`` a list per item."""
    if _is_symbolic(elements):
        return _symbolic(
            lambda v: _extra.vectorized_map(function, v), "vectorized_map",
            lambda v: _leading_axis_spec(function, v), elements,
        )  # fmt: skip
    return _extra.vectorized_map(function, elements)


def switch(index, branches, *operands):
    """``branches[index](*operands)``, with ``index`` clamped to the branches' range."""
    if not branches:
        raise ValueError("switch needs at least one branch; received none.")
    if _is_symbolic(operands):
        return _symbolic(
            lambda *o: _extra.switch(index, branches, *o), "switch",
            lambda *o: _compute_output_spec(branches[0], *o), *operands,
        )  # fmt: skip
    return _extra.switch(index, branches, *operands)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of an associative ``f`` along ``axis``:
    ``[e0, f(e0, e1), f(f(e0, e1), e2), ...]`` (parallel on JAX)."""
    if _is_symbolic(elems):
        return _symbolic(
            lambda e: _extra.associative_scan(f, e, reverse, axis), "associative_scan",
            lambda e: tree.map_structure(_like, e), elems,
        )  # fmt: skip
    return _extra.associative_scan(f, elems, reverse=reverse, axis=axis)


def custom_gradient(f):
    """Decorate ``f(*args) -> (output, grad_fn)`` so that its gradient is ``grad_fn``'s.

    ``grad_fn`` may be written ``grad_fn(upstream)`` or ``grad_fn(*args, upstream)``
    (Keras's torch form); every engine with autodiff accepts both. NumPy raises.
    """
    return _extra.custom_gradient(f)


# ---- casting and unstacking ---------------------------------------------------------------

_BFLOAT16_MAX = 3.3895313892515355e38


def _limits(dtype: str) -> tuple:
    if dtype == "bool":
        return 0, 1
    if dtype == "bfloat16":
        return -_BFLOAT16_MAX, _BFLOAT16_MAX
    info = np.iinfo(dtype) if "int" in dtype else np.finfo(dtype)
    return info.min, info.max


def _saturate_cast(x, dtype):
    x = engine.core.convert_to_tensor(x)
    in_dtype = engine.numpy.get_dtype_name(x)
    (in_min, in_max), (out_min, out_max) = _limits(in_dtype), _limits(dtype)
    if in_dtype != "bool" and (in_min < out_min or in_max > out_max or "float" in in_dtype):
        # The bounds as values of the input dtype, nudged inwards where rounding pushed them
        # past the output range (float32 2**31 - 1 rounds up to 2**31).
        compute = np.float32 if in_dtype == "bfloat16" else np.dtype(in_dtype)
        low, high = compute.type(max(in_min, out_min)), compute.type(min(in_max, out_max))
        if float(low) < out_min:  # compared exactly (a Python int would round to float32)
            low = np.nextafter(low, compute.type(0))
        if float(high) > out_max:
            high = np.nextafter(high, compute.type(0))
        x = engine.numpy.clip(x, low.item(), high.item())  # also maps +-inf to the bounds
    return engine.core.cast(x, dtype)


_saturate_cast_op = op(_saturate_cast, name="saturate_cast")


def saturate_cast(x, dtype):
    """``x`` cast to ``dtype`` with values clipped to its range first (no wrap-around:
    float 300.0 to uint8 gives 255)."""
    return _saturate_cast_op(x, _standardize_dtype(dtype))


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list of tensors of one rank less."""
    x_shape = _shape_of(x)
    if not -len(x_shape) <= axis < len(x_shape):
        raise ValueError(f"unstack: axis {axis} is out of range for shape {x_shape}.")
    axis %= len(x_shape)
    count = x_shape[axis] if num is None else num
    if count is None:
        raise ValueError(
            f"unstack: the length of axis {axis} is unknown in shape {x_shape}; pass num."
        )
    if num is not None and x_shape[axis] is not None and num != x_shape[axis]:
        raise ValueError(f"unstack: num={num} does not match axis {axis} of shape {x_shape}.")
    lead = (builtins.slice(None),) * axis
    return [_get_item(x, (*lead, index)) for index in range(count)]


def remat(f):
    """``f`` rematerialized: its intermediate activations are not kept for the backward
    pass but recomputed there, trading compute for memory (``torch.utils.checkpoint`` /
    ``jax.checkpoint``). Only tensor arguments are checkpoint inputs; the others (flags,
    shapes) are passed through as they are. On symbolic inputs ``f`` simply runs.

    >>> block = ops.remat(lambda x: ops.relu(ops.matmul(x, w)))
    """

    def rematerialized(*args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return f(*args, **kwargs)
        flat = tree.flatten((args, kwargs))
        positions = [index for index, value in enumerate(flat) if is_tensor(value)]

        def on_tensors(*tensors):
            values = list(flat)
            for index, tensor in zip(positions, tensors):
                values[index] = tensor
            inner_args, inner_kwargs = tree.pack_sequence_as((args, kwargs), values)
            return f(*inner_args, **inner_kwargs)

        return _extra.remat(on_tensors)(*[flat[index] for index in positions])

    return rematerialized
