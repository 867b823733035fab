"""What a Layer is on the JAX engine: a plain Python object (its state lives in Variables)."""

from __future__ import annotations


class LayerBase:
    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)  # Layer.__new__ passes the constructor arguments along

    def __init__(self, *args, **kwargs):
        pass

    def _engine_track_variable(self, variable) -> None:
        pass

    def _engine_untrack_variable(self, variable) -> None:
        pass

    def _engine_track_layer(self, name: str, layer) -> None:
        pass

    def _engine_untrack_layer(self, layer) -> None:
        pass
