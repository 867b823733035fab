"""SGD: gradient descent, optionally with (Nesterov) momentum."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with optional momentum.

    Without momentum: ``w -= learning_rate * g``. With momentum:
    ``velocity = momentum * velocity - learning_rate * g``, then ``w += velocity``, or with
    ``nesterov=True``, ``w += momentum * velocity - learning_rate * g``.

    Args:
        momentum: A float in [0, 1]; 0 keeps no ``momentum`` slot.
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)):
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: {momentum!r}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: {momentum!r}")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def _step_constants(self, learning_rate, dtype):
        return ops.cast(learning_rate, dtype)

    def _update(self, gradient, variable, learning_rate):
        step = ops.multiply(ops.cast(gradient, variable.dtype), learning_rate)  # lr * g
        if self.momentum == 0:
            self.assign_sub(variable, step)
            return
        velocity = self.momentums[self._get_variable_index(variable)]
        self.assign(velocity, ops.subtract(ops.multiply(velocity, self.momentum), step))
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(velocity, self.momentum), step))
        else:
            self.assign_add(variable, velocity)

    _kernel = "sgd_update"  # the engine's multi-tensor form of ``_update`` (torch)

    def _kernel_arguments(self, indices):
        return [[self.momentums[i] for i in indices] if self.momentum != 0 else None], {
            "momentum": self.momentum,
            "nesterov": self.nesterov,
        }

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
