"""RMSprop: steps scaled by a moving root-mean-square of the gradients."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), with plain (not Nesterov) momentum.

    ``v = rho * v + (1 - rho) * g**2`` and ``w -= lr * g / sqrt(v + epsilon)``. With
    ``centered=True`` a moving mean ``a`` of ``g`` is kept and the denominator is
    ``sqrt(v - a**2 + epsilon)`` (an estimate of the variance). With ``momentum > 0``,
    ``m = momentum * m + lr * g / sqrt(...)`` and ``w -= m``.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(variables, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(variables, "average_gradient")

    def _step_constants(self, learning_rate, dtype):
        return ops.cast(learning_rate, dtype)

    def _update(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self._velocities[index]
        self.assign(
            velocity,
            ops.add(
                ops.multiply(velocity, self.rho), ops.multiply(ops.square(gradient), 1.0 - self.rho)
            ),
        )
        if self.centered:
            average = self._average_gradients[index]
            self.assign(
                average,
                ops.add(ops.multiply(average, self.rho), ops.multiply(gradient, 1.0 - self.rho)),
            )
            denominator = ops.add(ops.subtract(velocity, ops.square(average)), self.epsilon)
        else:
            denominator = ops.add(velocity, self.epsilon)
        increment = ops.divide(ops.multiply(gradient, learning_rate), ops.sqrt(denominator))
        if self.momentum > 0:
            momentum = self._momentums[index]
            self.assign(momentum, ops.add(ops.multiply(momentum, self.momentum), increment))
            self.assign_sub(variable, momentum)
        else:
            self.assign_sub(variable, increment)

    _kernel = "rmsprop_update"  # the engine's multi-tensor form of ``_update`` (torch)

    def _kernel_arguments(self, indices):
        def slot(variables):
            return [variables[i] for i in indices] if variables else None

        return [slot(self._velocities), slot(self._momentums), slot(self._average_gradients)], {
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
