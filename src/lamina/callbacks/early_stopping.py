"""EarlyStopping: stops ``fit`` when a monitored metric has stopped improving."""

from __future__ import annotations

import warnings

from lamina.callbacks._host import higher_is_better, to_float
from lamina.callbacks.callback import Callback


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the logged quantity to watch, ``"val_loss"`` by default.
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a message when stopping or restoring weights.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (from the metric's name or direction).
        baseline: training stops unless the model does better than this value.
        restore_best_weights: restore the weights of the best epoch when training ends.
        start_from_epoch: epochs to wait before watching (a warm-up).

    Example:

    ```python
    callback = lamina.callbacks.EarlyStopping(monitor="loss", patience=3)
    model.fit(x, y, epochs=10, callbacks=[callback])
    ```
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"EarlyStopping mode {mode} is unknown, fallback to auto mode.")
            mode = "auto"
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0
        self._maximize = None

    def _resolve_mode(self) -> None:
        if self.mode != "auto":
            self._maximize = self.mode == "max"
            return
        maximize = higher_is_better(self.model, self.monitor)
        if maximize is None:
            raise ValueError(
                f"EarlyStopping callback received monitor={self.monitor}, but Lamina cannot "
                "tell whether that metric should be maximized or minimized. Pass "
                "`mode='max'` to stop on the highest value, or `mode='min'` for the lowest."
            )
        self._maximize = maximize

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self._maximize is None:
            self._resolve_mode()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Until something improves, the current weights are the best seen.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only restart the wait if the baseline is beaten too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping", flush=True)
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}.",
                    flush=True,
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}"
            )
            return None
        return to_float(value)  # the one host read per epoch this callback needs

    def _is_improvement(self, value, reference) -> bool:
        if reference is None:
            return True
        if self._maximize:
            return value - self.min_delta > reference
        return value + self.min_delta < reference


__all__ = ["EarlyStopping"]
