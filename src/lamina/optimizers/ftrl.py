"""Ftrl: follow-the-regularized-leader with L1/L2 terms, for wide sparse linear models."""

from __future__ import annotations

from lamina import initializers, ops
from lamina.optimizers.optimizer import Optimizer


def _require_at_most_zero(argument: str, value) -> None:
    if not isinstance(value, (int, float)) or value > 0:
        raise ValueError(
            f"`{argument}` needs to be negative or zero. Received: {argument}={value!r}"
        )


def _require_at_least_zero(argument: str, value) -> None:
    if not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"`{argument}` needs to be positive or zero. Received: {argument}={value!r}"
        )


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), with Keras's shrinkage and ``beta`` terms.

    With ``p = -learning_rate_power`` (1/2 by default), per coordinate:
    ``n_new = n + g**2``, ``z += g + 2 * l2_shrinkage * w - (n_new**p - n**p) / lr * w``,
    ``w = (clip(z, -l1, l1) - z) / (n_new**p / lr + 2 * (l2 + beta / (2 * lr)))``, ``n = n_new``.
    The accumulator ``n`` starts at ``initial_accumulator_value``.
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
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
        _require_at_least_zero("initial_accumulator_value", initial_accumulator_value)
        _require_at_most_zero("learning_rate_power", learning_rate_power)
        _require_at_least_zero("l1_regularization_strength", l1_regularization_strength)
        _require_at_least_zero("l2_regularization_strength", l2_regularization_strength)
        _require_at_least_zero(
            "l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength
        )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators, self._linears = self.add_optimizer_variables(
            variables,
            ["accumulator", "linear"],
            initializer=[initializers.Constant(self.initial_accumulator_value), "zeros"],
        )

    def _update(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        accumulator, linear = self._accumulators[index], self._linears[index]
        gradient = ops.cast(gradient, variable.dtype)
        power = -self.learning_rate_power
        new_accumulator = ops.add(accumulator, ops.square(gradient))
        new_scale = ops.power(new_accumulator, power)
        shrunk_gradient = ops.add(
            gradient, ops.multiply(variable, 2.0 * self.l2_shrinkage_regularization_strength)
        )
        sigma = ops.divide(ops.subtract(new_scale, ops.power(accumulator, power)), learning_rate)
        self.assign_add(linear, ops.subtract(shrunk_gradient, ops.multiply(sigma, variable)))
        l2 = ops.add(ops.divide(self.beta / 2.0, learning_rate), self.l2_regularization_strength)
        quadratic = ops.add(ops.divide(new_scale, learning_rate), ops.multiply(l2, 2.0))
        l1 = self.l1_regularization_strength
        self.assign(
            variable, ops.divide(ops.subtract(ops.clip(linear, -l1, l1), linear), quadratic)
        )
        self.assign(accumulator, new_accumulator)

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
