"""ProgbarLogger: draws the progress bar of ``fit``, ``evaluate`` and ``predict``."""

from __future__ import annotations

from lamina.callbacks.callback import Callback
from lamina.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints a progress bar (``verbose=1``) or one line per epoch (``verbose=2``).

    Reads ``verbose``, ``epochs`` and ``steps`` from ``params``. The loop logs metric
    results that are already running averages, so every logged value is shown as given.
    """

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True  # validation inside fit draws no bar of its own

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # predictions are not metrics

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self) -> None:
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self) -> None:
        if self.progbar is None:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")
            if not self.progbar._dynamic_display:
                # Without a terminal every redraw is a new line: one line per 10 s keeps logs
                # readable (the last step of an epoch always prints).
                self.progbar.interval = max(self.progbar.interval, 10.0)

    def _values(self, logs) -> list:
        logs = logs or {}
        self.progbar.stateful_metrics.update(logs)
        return list(logs.items())

    def _update_progbar(self, batch, logs) -> None:
        self._maybe_init_progbar()
        self.seen = batch + 1  # batches are 0-indexed, steps shown from 1
        if self.verbose == 1 and (self.seen == 1 or self.progbar.due()):
            # Reading the logs makes the loop compute the metric results (and, on a GPU,
            # wait for them): only do it when the bar will be redrawn.
            self.progbar.update(self.seen, self._values(logs), finalize=False)

    def _finalize_progbar(self, logs) -> None:
        self._maybe_init_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, self._values(logs), finalize=True)


__all__ = ["ProgbarLogger"]
