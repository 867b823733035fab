"""ReduceLROnPlateau: lowers the learning rate when a metric has stopped improving."""

from __future__ import annotations

import warnings

from lamina.callbacks._host import to_float
from lamina.callbacks.callback import Callback


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Args:
        monitor: the logged quantity to watch.
        factor: the multiplier, below 1: ``new_lr = lr * factor``.
        patience: epochs without improvement before the rate is reduced.
        verbose: 1 prints a message at each reduction.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (max when ``"acc"`` is in the name).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate never goes below this.
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__()
        if kwargs:
            raise ValueError(f"ReduceLROnPlateau received unknown arguments: {sorted(kwargs)}.")
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"Learning rate reduction mode {mode} is unknown, fallback to auto mode.")
            mode = "auto"
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self) -> None:
        self._maximize = self.mode == "max" or (self.mode == "auto" and "acc" in self.monitor)
        self.best = -float("inf") if self._maximize else float("inf")
        self.cooldown_counter = 0
        self.wait = 0

    def _improved(self, current) -> bool:
        if self._maximize:
            return current > self.best + self.min_delta
        return current < self.best - self.min_delta

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = to_float(optimizer.learning_rate)
        if self.monitor not in logs:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}."
            )
            return
        current = to_float(logs[self.monitor])
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = to_float(optimizer.learning_rate)
        if old_lr > self.min_lr:
            new_lr = max(old_lr * self.factor, self.min_lr)
            optimizer.learning_rate = new_lr
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.",
                    flush=True,
                )
            self.cooldown_counter = self.cooldown
            self.wait = 0


__all__ = ["ReduceLROnPlateau"]
