"""How an op runs: eagerly on the engine, or as a graph node when an argument is symbolic."""

from __future__ import annotations

import functools

from lamina.backend import any_symbolic_tensors
from lamina.ops.operation import symbolic_call


def op(engine_function, name: str | None = None, doc: str | None = None):
    """Make the public op for ``engine_function``: eager calls go straight to the engine."""
    op_name = name or engine_function.__name__

    @functools.wraps(engine_function)
    def public_op(*args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return symbolic_call(public_op, op_name, args, kwargs)
        return engine_function(*args, **kwargs)

    public_op.__name__ = op_name
    public_op.__qualname__ = op_name
    if doc is not None:
        public_op.__doc__ = doc
    return public_op
