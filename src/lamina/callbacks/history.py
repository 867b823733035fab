"""History: records each epoch's logs; ``fit`` returns it and sets it as ``model.history``."""

from __future__ import annotations

from lamina.callbacks._host import to_host
from lamina.callbacks.callback import Callback


class History(Callback):
    """Records the logs of each epoch into ``history`` (name → list of values) and ``epoch``.

    Values are read back to the host once per epoch, as Python floats (arrays stay NumPy).
    """

    def __init__(self):
        super().__init__()
        self.history: dict = {}
        self.epoch: list = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(to_host(value))
        if self.model is not None:
            self.model.history = self


__all__ = ["History"]
