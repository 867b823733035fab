"""Rematerialization (gradient checkpointing): ``RematScope`` picks which layers recompute
their activations in the backward pass instead of keeping them, trading compute for memory.

A layer records the scope active when it is created; the modes are Keras's: ``"full"``
(every layer), ``"activations"`` (only the activation function of layers that have one),
``"larger_than"`` (layers whose output has more than ``output_size_threshold`` elements)
and ``"list_of_layers"`` (the layers named in ``layer_names``); ``None`` turns it off.
"""

from __future__ import annotations

import threading

MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_state = threading.local()


def _stack() -> list:
    if not hasattr(_state, "scopes"):
        _state.scopes = []
    return _state.scopes


class RematScope:
    """``with RematScope(mode="full"):`` layers created inside are rematerialized when
    called (see the module docstring for the modes)."""

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in MODES:
            raise ValueError(f"RematScope: mode must be one of {MODES}; received mode={mode!r}.")
        if isinstance(output_size_threshold, bool) or not isinstance(output_size_threshold, int):
            raise ValueError(
                "RematScope: output_size_threshold must be an integer; received "
                f"{output_size_threshold!r}."
            )
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])

    def __enter__(self):
        _stack().append(self)
        return self

    def __exit__(self, *exc_info):
        _stack().pop()
        return False

    def __repr__(self) -> str:
        return f"RematScope(mode={self.mode!r})"


def get_current_remat_mode():
    """The innermost active RematScope, or None (also None for ``mode=None``)."""
    scopes = _stack()
    if not scopes or scopes[-1].mode is None:
        return None
    return scopes[-1]
