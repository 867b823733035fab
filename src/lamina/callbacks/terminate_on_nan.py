"""TerminateOnNaN: stops training as soon as the loss becomes NaN or infinite."""

from __future__ import annotations

import math

from lamina.callbacks._host import to_float
from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite.

    It reads the loss back to the host after every batch: one device synchronisation per
    step, the price of noticing at once.
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if not math.isfinite(to_float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
            self.model.stop_training = True


__all__ = ["TerminateOnNaN"]
