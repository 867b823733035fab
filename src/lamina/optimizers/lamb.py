"""Lamb: Adam's step rescaled per variable by the trust ratio ||w|| / ||step||."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Lamb(Optimizer):
    """LAMB, layer-wise adaptive moments (You et al., 2019).

    With Adam's bias-corrected moments, ``r = m_hat / (sqrt(v_hat) + epsilon)`` and
    ``w -= lr * ratio * r``, where ``ratio = ||w|| / ||r||`` (1 when either norm is 0). As in
    Keras, weight decay is the base optimizer's decoupled decay, applied before the step.
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
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )

    def _step_constants(self, learning_rate, dtype):
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        return (
            ops.cast(learning_rate, dtype),
            ops.subtract(1.0, ops.power(self.beta_1, step)),
            ops.subtract(1.0, ops.power(self.beta_2, step)),
        )

    def _update(self, gradient, variable, constants):
        learning_rate, beta_1_correction, beta_2_correction = constants
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        gradient = ops.cast(gradient, variable.dtype)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1.0 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1.0 - self.beta_2))
        update = ops.divide(
            ops.divide(m, beta_1_correction),
            ops.add(ops.sqrt(ops.divide(v, beta_2_correction)), self.epsilon),
        )
        weight_norm = ops.sqrt(ops.sum(ops.square(variable)))
        update_norm = ops.sqrt(ops.sum(ops.square(update)))
        # `where` on the device: a Python branch on either norm would wait for the device.
        both_positive = ops.logical_and(ops.greater(weight_norm, 0), ops.greater(update_norm, 0))
        ratio = ops.where(
            both_positive, ops.divide(weight_norm, ops.maximum(update_norm, 1e-30)), 1.0
        )
        self.assign_sub(variable, ops.multiply(update, ops.multiply(ratio, learning_rate)))

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
