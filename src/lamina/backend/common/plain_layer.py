"""``LayerBase`` for engines without a module system of their own (JAX, NumPy): a plain
Python object. Lamina's Layer tracks its own sublayers and variables; there is no
engine-side registry to keep in step (torch's ``nn.Module`` is one), so the hooks do
nothing."""

from __future__ import annotations


class PlainLayerBase:
    """The engine-side base of ``Layer`` on JAX, NumPy and TensorFlow: a plain object whose
    variable and sublayer tracking hooks do nothing (Lamina's ``Layer`` tracks them)."""

    def __new__(cls, *args, **kwargs):
        # Layer.__new__ passes the constructor arguments on; object.__new__ takes none.
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        pass  # Layer.__init__ does the work (as on the torch engine)

    def _engine_track_variable(self, variable) -> None:
        pass

    def _engine_untrack_variable(self, variable) -> None:
        pass

    def _engine_track_layer(self, name: str, layer) -> None:
        pass

    def _engine_untrack_layer(self, layer) -> None:
        pass
