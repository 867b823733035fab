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


def rematerialized_call(layer, args):
    """``layer.call`` wrapped as the layer's RematScope says (``args``: the call's positional
    arguments, for the "larger_than" size check, computed once per input shape)."""
    import numpy as np

    from lamina import backend
    from lamina.backend.common import tree
    from lamina.ops.core_extra import remat  # floor 2: imported when a remat layer runs

    scope = layer._remat_mode
    if scope.mode == "full":
        return remat(layer.call)
    if scope.mode == "list_of_layers":
        return remat(layer.call) if layer.name in scope.layer_names else layer.call
    if scope.mode == "larger_than":
        shapes = tuple(tuple(getattr(x, "shape", ())) for x in tree.flatten(args))
        sizes = layer.__dict__.setdefault("_remat_output_sizes", {})
        if shapes not in sizes:
            spec = backend.compute_output_spec(layer.call, *args)
            sizes[shapes] = max(
                int(np.prod([d or 1 for d in t.shape])) for t in tree.flatten(spec)
            )
        return remat(layer.call) if sizes[shapes] > scope.output_size_threshold else layer.call
    activation = getattr(layer, "activation", None)  # mode "activations"
    if activation is None or getattr(activation, "__name__", "") == "linear":
        return layer.call

    def call_with_rematerialized_activation(*call_args, **call_kwargs):
        layer.activation = remat(activation)
        try:
            return layer.call(*call_args, **call_kwargs)
        finally:
            layer.activation = activation

    return call_with_rematerialized_activation
