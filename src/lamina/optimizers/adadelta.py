"""Adadelta: steps scaled by the ratio of moving RMS of past updates to that of gradients."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), with Keras's learning rate on top of the paper's rule.

    ``a = rho * a + (1 - rho) * g**2``, ``d = sqrt(D + epsilon) / sqrt(a + epsilon) * g``,
    ``D = rho * D + (1 - rho) * d**2`` and ``w -= lr * d``. With ``learning_rate=1.0`` it is
    the paper's rule.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
        epsilon=1e-7,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"]
        )

    def _update(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        accumulated_grad = self._accumulated_grads[index]
        accumulated_delta = self._accumulated_delta_vars[index]
        gradient = ops.cast(gradient, variable.dtype)
        self.assign_add(
            accumulated_grad,
            ops.multiply(ops.subtract(ops.square(gradient), accumulated_grad), 1.0 - self.rho),
        )
        delta = ops.multiply(
            ops.divide(
                ops.sqrt(ops.add(accumulated_delta, self.epsilon)),
                ops.sqrt(ops.add(accumulated_grad, self.epsilon)),
            ),
            gradient,
        )
        self.assign_add(
            accumulated_delta,
            ops.multiply(ops.subtract(ops.square(delta), accumulated_delta), 1.0 - self.rho),
        )
        self.assign_sub(variable, ops.multiply(delta, learning_rate))

    _kernel = "adadelta_update"  # the engine's multi-tensor form of ``_update`` (torch)

    def _kernel_arguments(self, indices):
        grads = [self._accumulated_grads[i] for i in indices]
        deltas = [self._accumulated_delta_vars[i] for i in indices]
        return [grads, deltas], {"rho": self.rho, "epsilon": self.epsilon}

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
