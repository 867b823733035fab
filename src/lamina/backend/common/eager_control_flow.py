"""Keras's control-flow ops run eagerly, for engines without a tracing compiler (torch,
NumPy). Each takes the engine's ``stack`` (a list of tensors to one) and ``unstack`` (one
tensor to a list along axis 0) so that the loop is written once.

JAX has its own versions over ``lax`` in ``lamina.backend.jax.core_extra``.
"""

from __future__ import annotations

import builtins
import inspect

from lamina.backend.common import tree
from lamina.backend.common.argument_checks import check_scan_length


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (a tuple or list of
    loop variables is spread over the arguments, as Keras does; a list comes back a tuple)."""
    is_sequence = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)
    iterations = 0
    while maximum_iterations is None or iterations < maximum_iterations:
        if not bool(cond(*state)):
            break
        state = body(*state)
        state = tuple(state) if isinstance(state, (tuple, list)) else (state,)
        iterations += 1
    return state if is_sequence else state[0]


def map(f, xs, stack, unstack):
    """``stack([f(x) for x in xs])`` over the leading axis of every tensor in ``xs``."""
    leaves = [unstack(leaf) for leaf in tree.flatten(xs)]
    outputs = [f(tree.pack_sequence_as(xs, items)) for items in zip(*leaves)]
    if not outputs:
        raise ValueError("map needs xs with a leading axis of at least one element.")
    return tree.map_structure(lambda *items: stack(list(items)), *outputs)


def vectorized_map(function, elements, stack, unstack):
    """``function`` on each item of ``elements``' leading axis (a list of tensors gives the
    function a list per item), stacked."""
    return map(function, elements, stack, unstack)


def switch(index, branches, *operands):
    """``branches[index](*operands)``, with ``index`` clamped into range as Keras does."""
    position = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[position](*operands)


def associative_scan(f, elems, reverse, axis, take, concatenate):
    """Inclusive prefix combination ``[e0, f(e0, e1), f(f(e0, e1), e2), ...]`` along
    ``axis``, one ``f`` call per element (``reverse`` runs from the last element, as
    ``jax.lax.associative_scan``). ``take(x, i)`` keeps the axis with length one."""
    leaves = tree.flatten(elems)
    lengths = {leaf.shape[axis] for leaf in leaves}
    if len(lengths) != 1:
        raise ValueError(
            "associative_scan: every array in elems needs the same length along axis "
            f"{axis}; received shapes {[tuple(leaf.shape) for leaf in leaves]}."
        )
    (length,) = lengths
    order = range(length - 1, -1, -1) if reverse else range(length)
    results: dict[int, list] = {}
    carry = None
    for position in order:
        item = tree.pack_sequence_as(elems, [take(leaf, position) for leaf in leaves])
        carry = item if carry is None else f(carry, item)
        results[position] = tree.flatten(carry)
    joined = [
        concatenate([results[position][index] for position in range(length)], axis)
        for index in range(len(leaves))
    ]
    return tree.pack_sequence_as(elems, joined)


def call_gradient_function(grad_fn, args, upstream):
    """Call a ``custom_gradient`` ``grad_fn`` in the form its signature asks for: Keras's
    torch form ``grad_fn(*args, upstream=...)`` when it takes ``*args`` and an ``upstream``
    parameter, else the JAX / TensorFlow form ``grad_fn(upstream)``. Each engine accepts
    both, so Keras's three documented spellings run everywhere."""
    try:
        parameters = inspect.signature(grad_fn).parameters.values()
    except (TypeError, ValueError):
        parameters = ()
    has_varargs = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    has_upstream = any(p.name == "upstream" for p in parameters)
    if has_varargs and has_upstream:
        grads = grad_fn(*args, upstream=upstream)
    else:
        grads = grad_fn(upstream)
    return tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)


def cond(pred, true_fn, false_fn):
    """The branch ``pred`` picks, run eagerly (``pred`` is read back to the host)."""
    return true_fn() if bool(pred) else false_fn()


def scan(f, init, xs, length, reverse, stack, unstack):
    """``carry, output = f(carry, item)`` over the leading axis of ``xs`` (a tuple or list
    of sequences is stepped together, as ``jax.lax.scan``); the outputs come back stacked,
    or None when ``f`` gives None."""
    check_scan_length(xs, length)
    if xs is None:
        steps: list = [None] * int(length)
    elif isinstance(xs, (tuple, list)):
        steps = list(zip(*(unstack(x) for x in xs)))
    else:
        steps = list(unstack(xs))
    if reverse:
        steps = steps[::-1]
    carry, outputs = init, []
    for item in steps:
        carry, output = f(carry, item)
        outputs.append(output)
    if reverse:
        outputs = outputs[::-1]
    return carry, (stack(outputs) if outputs and outputs[0] is not None else None)


def fori_loop(lower, upper, body_fun, init_val):
    """``value = body_fun(index, value)`` for each index in ``range(lower, upper)``."""
    value = init_val
    for index in range(lower, upper):
        value = body_fun(index, value)
    return value
