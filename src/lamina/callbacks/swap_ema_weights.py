"""SwapEMAWeights: evaluates (and optionally checkpoints) with the optimizer's EMA weights."""

from __future__ import annotations

from lamina import ops
from lamina.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swaps the model's weights with the optimizer's moving averages around evaluation.

    For an optimizer made with ``use_ema=True``: before each evaluation (the validation of
    ``fit``, ``evaluate``, ``predict``) the weights take the averages' values, and get their
    own back after it. The swap is in place; other callbacks must not change the weights or
    the averages meanwhile.

    Args:
        swap_on_epoch: also swap at the end of each epoch (and back at the start of the
            next), so that other callbacks (``ModelCheckpoint``) see the EMA weights. At
            the end of the last epoch the averages stay in the model.

    Example:

    ```python
    model.compile(optimizer=lamina.optimizers.SGD(use_ema=True), loss="mse")
    model.fit(x, y, validation_data=(x_val, y_val), callbacks=[SwapEMAWeights()])
    ```
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self) -> list:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer
        inner = getattr(optimizer, "optimizers", None)
        if inner is not None:
            chosen = [opt for opt in inner if getattr(opt, "use_ema", False)]
            if not chosen:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has "
                    "`use_ema=True` set; all inner optimizers have `use_ema=False`."
                )
        else:
            chosen = [optimizer]
        for opt in chosen:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer "
                    "(and after it has been built). Received: "
                    f"use_ema={getattr(opt, 'use_ema', None)}"
                )
        return chosen

    def _swap_variables(self) -> None:
        for optimizer in self._ema_optimizers():
            pairs = zip(optimizer._trainable_variables, optimizer._model_variables_moving_average)
            for variable, average in pairs:
                value = ops.copy(variable.value)  # on the device; not a view of the variable
                variable.assign(average.value)
                average.assign(value)

    def _finalize_ema_values(self) -> None:
        for optimizer in self._ema_optimizers():
            pairs = zip(optimizer._trainable_variables, optimizer._model_variables_moving_average)
            for variable, average in pairs:
                average.assign(variable.value)

    def _to_ema(self) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def _to_model(self) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._to_model()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._to_ema()
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        self._to_ema()

    def on_test_end(self, logs=None):
        self._to_model()

    def on_predict_begin(self, logs=None):
        self._to_ema()

    def on_predict_end(self, logs=None):
        # Keras 3.15 leaves the EMA weights in the model after predict (its check is
        # inverted); here predict, like evaluate, hands the weights back.
        self._to_model()


__all__ = ["SwapEMAWeights"]
