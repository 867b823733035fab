"""Callback: the base of objects that act at points of ``fit``, ``evaluate`` and ``predict``."""

from __future__ import annotations


class Callback:
    """Base class for callbacks: override the hooks you need; each receives ``logs``.

    ``logs`` maps metric names to their current values. The training loop does not read
    device tensors back to the host on its own, so a value may be a tensor: a callback that
    needs a Python number converts it (``float(value)``) at the point it needs it.

    Attributes:
        params: dict of the run's parameters (``verbose``, ``epochs``, ``steps``).
        model: the model being trained, evaluated or used for prediction.
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params) -> None:
        """Receives the run's parameters (``verbose``, ``epochs``, ``steps``); the loop calls it."""
        self.params = params

    def set_model(self, model) -> None:
        """Receives the model the callback acts on; the loop calls it."""
        self._model = model

    @property
    def model(self):
        """The model being trained, evaluated or used for prediction."""
        return self._model

    # Batch-level hooks of training; `on_batch_*` are Keras's backward-compatible aliases.
    def on_batch_begin(self, batch, logs=None):
        """A backwards-compatible alias of ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """A backwards-compatible alias of ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch of ``fit``."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch of ``fit``; ``logs`` holds ``val_`` metrics too."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch of ``fit`` (``batch`` is its index in the epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch of ``fit``; ``logs`` holds the metrics so far."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before a batch of ``evaluate`` (or of validation inside ``fit``)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after a batch of ``evaluate`` (or of validation inside ``fit``)."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a batch of ``predict``."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after a batch of ``predict``; ``logs["outputs"]`` holds its outputs."""

    def on_train_begin(self, logs=None):
        """Called at the start of ``fit``."""

    def on_train_end(self, logs=None):
        """Called at the end of ``fit``."""

    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` (or of validation inside ``fit``)."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` (or of validation inside ``fit``)."""

    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""


__all__ = ["Callback"]
