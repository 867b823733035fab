"""Metric totals and counts added together: inside ``batched_state_updates()`` (the
trainer's steps), the loss tracker's and the compiled metrics' increments wait and are made
in one engine call at the scope's end (torch: one multi-tensor kernel per kind of
increment) instead of one small kernel per variable (issue 8: a leaner eager step).

Only metrics that never read their own state while updating it defer their adds (``Mean``
and the metrics built on it); their ``result()`` makes any waiting adds first.
"""

from __future__ import annotations

from lamina import backend

# The engine's fused adds, when it has them (tests/metrics/test_metric_kernels.py).
_KERNELS = getattr(backend.engine, "metric_kernels", None)

# (variables, values) waiting for the end of the open scope; None outside any scope. A
# module global, not thread-local state, so that torch.compile traces the step through it.
_pending: tuple[list, list] | None = None


def _assign_add_all(variables, values) -> None:
    if _KERNELS is not None and _KERNELS.assign_add_all(variables, values):
        return
    for variable, value in zip(variables, values, strict=True):
        variable.assign_add(value)


def add_to_state(variables, values) -> None:
    """``variable.assign_add(value)`` for each pair: now, or at the end of the open
    ``batched_state_updates`` scope."""
    if _pending is not None:
        _pending[0].extend(variables)
        _pending[1].extend(values)
        return
    _assign_add_all(variables, values)


def apply_pending() -> None:
    """Makes the adds waiting in the open scope now (a metric read before the scope ends)."""
    if _pending is not None and _pending[0]:
        variables, values = list(_pending[0]), list(_pending[1])
        _pending[0].clear()
        _pending[1].clear()
        _assign_add_all(variables, values)


def batched_state_updates() -> _BatchedStateUpdates:
    """A scope that defers ``add_to_state`` until it ends, then makes every add in one call.
    A scope opened inside another leaves the adds to the outer one; an exception drops them
    (the step failed: its metric updates are not kept)."""
    return _BatchedStateUpdates()


class _BatchedStateUpdates:
    outermost = False

    def __enter__(self):
        global _pending
        self.outermost = _pending is None
        if self.outermost:
            _pending = ([], [])
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        global _pending
        if not self.outermost:
            return
        variables, values = _pending  # type: ignore[misc]
        _pending = None
        if exc_type is None and variables:
            _assign_add_all(variables, values)
