"""CallbackList: one object the training loop calls; it calls each callback in turn."""

from __future__ import annotations

from lamina.backend.common import process_rank, tree
from lamina.callbacks.callback import Callback
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger

# The hooks the loops call at every batch, each with the base-class hooks that stand for it
# (`Callback.on_train_batch_end` calls `on_batch_end`, Keras's older name).
_BATCH_HOOKS = {
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
    "on_test_batch_begin": ("on_test_batch_begin",),
    "on_test_batch_end": ("on_test_batch_end",),
    "on_predict_batch_begin": ("on_predict_batch_begin",),
    "on_predict_batch_end": ("on_predict_batch_end",),
}


def _implements(callback, names) -> bool:
    """Whether ``callback`` does anything in one of the hooks ``names``: the method it
    resolves to is not the base's empty one (a subclass's, an instance's own function as
    LambdaCallback sets, or whatever a custom ``__getattribute__`` hands out)."""
    for name in names:
        hook = getattr(callback, name, None)
        if getattr(hook, "__func__", hook) is not getattr(Callback, name):
            return True
    return False


class CallbackList(Callback):
    """Dispatches every hook to a list of callbacks, in order.

    Args:
        callbacks: a callback or a (nested) list of them.
        add_history: append a ``History`` unless one is in ``callbacks``.
        add_progbar: append a ``ProgbarLogger`` unless one is in ``callbacks``.
        model: the model the callbacks act on.
        **params: the run's parameters (``verbose``, ``epochs``, ``steps``).

    The defaults come last, as in Keras 3: user callbacks see a hook before the bar is
    finalised (a checkpoint message prints above the epoch's last line).
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = list(tree.flatten(callbacks)) if callbacks else []
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "Every callback must be an instance of `lamina.callbacks.Callback`; "
                    f"received {callback!r} of type {type(callback).__name__}."
                )
        if not process_rank.is_chief():
            # In a run of several processes, callbacks that only write files (a checkpoint,
            # a CSV log, TensorBoard events) run in process 0 alone.
            self.callbacks = [c for c in self.callbacks if not getattr(c, "_chief_only", False)]
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)
        self._refresh_batch_hooks()

    def append(self, callback) -> None:
        self.callbacks.append(callback)
        self._refresh_batch_hooks()

    def _refresh_batch_hooks(self) -> None:
        self._batch_callbacks = {
            hook: [callback for callback in self.callbacks if _implements(callback, names)]
            for hook, names in _BATCH_HOOKS.items()
        }

    def wants(self, hook: str) -> bool:
        """Whether any callback acts in the batch-level ``hook``. When none does, the loop
        skips the call and the logs it would hand over: on a small model the per-batch
        dispatch costs as much as a step. Read at the start of each run."""
        return bool(self._batch_callbacks[hook])

    def set_params(self, params) -> None:
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model) -> None:
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    # The loop may add keys to `logs` between callbacks (LearningRateScheduler adds
    # "learning_rate"), so every callback receives the same dict, not a copy. As in Keras,
    # a hook called without logs hands its callbacks an empty dict, never None.

    def on_batch_begin(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self._batch_callbacks["on_train_batch_begin"]:
            callback.on_train_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self._batch_callbacks["on_train_batch_end"]:
            callback.on_train_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self._batch_callbacks["on_test_batch_begin"]:
            callback.on_test_batch_begin(batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self._batch_callbacks["on_test_batch_end"]:
            callback.on_test_batch_end(batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self._batch_callbacks["on_predict_batch_begin"]:
            callback.on_predict_batch_begin(batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        logs = {} if logs is None else logs
        for callback in self._batch_callbacks["on_predict_batch_end"]:
            callback.on_predict_batch_end(batch, logs=logs)

    def on_train_begin(self, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_train_begin(logs)
        self._refresh_batch_hooks()  # callbacks may have been changed since the list was made

    def on_train_end(self, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_train_end(logs)

    def on_test_begin(self, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_test_begin(logs)
        self._refresh_batch_hooks()  # callbacks may have been changed since the list was made

    def on_test_end(self, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_test_end(logs)

    def on_predict_begin(self, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_predict_begin(logs)
        self._refresh_batch_hooks()  # callbacks may have been changed since the list was made

    def on_predict_end(self, logs=None):
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_predict_end(logs)


__all__ = ["CallbackList"]
