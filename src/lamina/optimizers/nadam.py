"""Nadam: Adam with Nesterov momentum and Dozat's momentum schedule."""

from __future__ import annotations

from lamina import backend, ops
from lamina.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam (Dozat, 2016), as Keras implements it.

    The momentum coefficient follows the schedule ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``; the
    optimizer keeps the running product ``U_t = u_1 * ... * u_t`` in a variable (saved after
    the slots, as Keras does). At step ``t``: ``m`` and ``v`` are Adam's moments, and
    ``w -= lr * m_hat / (sqrt(v / (1 - beta_2**t)) + epsilon)`` with
    ``m_hat = u_{t+1} * m / (1 - U_t * u_{t+1}) + (1 - u_t) * g / (1 - U_t)``.
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
        variables = list(variables)
        dtype = variables[0].dtype if variables else backend.floatx()
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _momentum_coefficient(self, step):
        return ops.multiply(
            ops.subtract(1.0, ops.multiply(ops.power(0.96, step), 0.5)), self.beta_1
        )

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        # U_t is shared by every variable, so it advances once per step, before the updates.
        step = ops.cast(ops.add(self.iterations, 1), self._u_product.dtype)
        self.assign(
            self._u_product, ops.multiply(self._u_product, self._momentum_coefficient(step))
        )
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def _step_constants(self, learning_rate, dtype):
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        u_t = self._momentum_coefficient(step)
        u_next = self._momentum_coefficient(ops.add(step, 1.0))
        u_product = ops.cast(self._u_product, dtype)
        return (
            ops.cast(learning_rate, dtype),
            ops.divide(u_next, ops.subtract(1.0, ops.multiply(u_product, u_next))),
            ops.divide(ops.subtract(1.0, u_t), ops.subtract(1.0, u_product)),
            ops.subtract(1.0, ops.power(self.beta_2, step)),
        )

    def _update(self, gradient, variable, constants):
        learning_rate, momentum_scale, gradient_scale, beta_2_correction = constants
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        gradient = ops.cast(gradient, variable.dtype)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1.0 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1.0 - self.beta_2))
        m_hat = ops.add(ops.multiply(m, momentum_scale), ops.multiply(gradient, gradient_scale))
        denominator = ops.add(ops.sqrt(ops.divide(v, beta_2_correction)), self.epsilon)
        self.assign_sub(variable, ops.divide(ops.multiply(m_hat, learning_rate), denominator))

    _kernel = "nadam_update"  # the engine's multi-tensor form of ``_update`` (torch)

    def _kernel_arguments(self, indices):
        return [[self._momentums[i] for i in indices], [self._velocities[i] for i in indices]], {
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
