"""TerminateOnNaN: stops training as soon as the loss becomes NaN or infinite."""

from __future__ import annotations

import math

from lamina.callbacks._host import to_float
from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite.

    It reads the loss back to the host after every batch: one device synchronisation per
    step, the price of noticing at once.

    Args:
        raise_error: If False (the default), stop gracefully (``model.stop_training =
            True``: the epoch's callbacks still run). If True, raise a ``RuntimeError`` at
            once, from the batch whose loss is invalid.
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if not math.isfinite(to_float(loss)):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}: loss={to_float(loss)}. "
                    "Training terminated (TerminateOnNaN(raise_error=True))."
                )
            print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
            self.model.stop_training = True


__all__ = ["TerminateOnNaN"]
