"""LearningRateScheduler: sets the optimizer's learning rate at the start of each epoch."""

from __future__ import annotations

import inspect

import numpy as np

from lamina.callbacks._host import to_float
from lamina.callbacks.callback import Callback


def _takes_learning_rate(schedule) -> bool:
    """Whether ``schedule`` is ``(epoch, lr)``; Keras still accepts the old ``(epoch)``."""
    try:
        parameters = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    has_varargs = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    return has_varargs or len(positional) >= 2


class LearningRateScheduler(Callback):
    """Sets ``model.optimizer.learning_rate = schedule(epoch, learning_rate)`` each epoch.

    Args:
        schedule: a function of the epoch index (from 0) and the current learning rate,
            returning the new learning rate as a float.
        verbose: 1 prints the rate at each change.

    Example:

    ```python
    def schedule(epoch, lr):
        return lr if epoch < 10 else lr * 0.9

    callback = lamina.callbacks.LearningRateScheduler(schedule)
    ```
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _optimizer(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        return optimizer

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self._optimizer()
        if _takes_learning_rate(self.schedule):
            learning_rate = self.schedule(epoch, to_float(optimizer.learning_rate))
        else:
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.floating)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate!r}"
            )
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                f"{float(learning_rate)}.",
                flush=True,
            )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = to_float(self._optimizer().learning_rate)


__all__ = ["LearningRateScheduler"]
