"""What a Layer is on the torch engine: a ``torch.nn.Module`` whose parameters are its variables.

``model.parameters()``, ``state_dict()``, ``.to(device)``, ``torch.compile`` and DDP work on a
Lamina model as on any module. Variables register their ``nn.Parameter`` under their own
name (``kernel``, ``bias``), sublayers register under their attribute or layer name.
"""

from __future__ import annotations

import torch


class LayerBase(torch.nn.Module):
    """The engine-side base of ``Layer`` on torch: every Lamina layer is a
    ``torch.nn.Module``, its variables registered as parameters and its sublayers as
    submodules, so ``parameters()``, ``state_dict()`` and ``torch.compile``
    see a Lamina model as any module."""

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        # Initialise the module before the subclass's __init__ runs, so that a subclass may
        # assign attributes before calling super().__init__(), as Keras allows.
        torch.nn.Module.__init__(instance)
        return instance

    def __init__(self, *args, **kwargs):
        pass  # nn.Module.__init__ already ran in __new__; running it again would reset state

    def _engine_track_variable(self, variable) -> None:
        name = variable.name.replace(".", "_")
        if name in self._parameters and self._parameters[name] is not variable.value:
            suffix = 1
            while f"{name}_{suffix}" in self._parameters:
                suffix += 1
            name = f"{name}_{suffix}"
        self._parameters[name] = variable.value

    def _engine_untrack_variable(self, variable) -> None:
        for key, value in list(self._parameters.items()):
            if value is variable.value:
                del self._parameters[key]

    def _engine_track_layer(self, name: str, layer) -> None:
        name = name.replace(".", "_")
        if self._modules.get(name) is not layer:
            self._modules[name] = layer

    def _engine_untrack_layer(self, layer) -> None:
        for key, value in list(self._modules.items()):
            if value is layer:
                del self._modules[key]

    def forward(self, *args, **kwargs):
        return self.__call__(*args, **kwargs)

    # nn.Module's own __call__ would route through forward hooks; Lamina's Layer.__call__
    # replaces it (see lamina.layers.layer), so modules that wrap a layer (DDP) still work.
