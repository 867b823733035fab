"""Adamax: Adam with the infinity norm of past gradients in place of their second moment."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7.1).

    At step ``t`` (from 1): ``m = beta_1 * m + (1 - beta_1) * g``,
    ``u = max(beta_2 * u, |g|)`` and ``w -= lr / (1 - beta_1**t) * m / (u + epsilon)``.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def _step_constants(self, learning_rate, dtype):
        """The learning rate divided by the first moment's bias correction."""
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        return ops.divide(
            ops.cast(learning_rate, dtype), ops.subtract(1.0, ops.power(self.beta_1, step))
        )

    def _update(self, gradient, variable, alpha):
        index = self._get_variable_index(variable)
        m, u = self._m[index], self._u[index]
        gradient = ops.cast(gradient, variable.dtype)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1.0 - self.beta_1))
        self.assign(u, ops.maximum(ops.multiply(u, self.beta_2), ops.abs(gradient)))
        self.assign_sub(variable, ops.divide(ops.multiply(m, alpha), ops.add(u, self.epsilon)))

    _kernel = "adamax_update"  # the engine's multi-tensor form of ``_update`` (torch)

    def _kernel_arguments(self, indices):
        return [[self._m[i] for i in indices], [self._u[i] for i in indices]], {
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
