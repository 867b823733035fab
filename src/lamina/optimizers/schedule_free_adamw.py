"""ScheduleFreeAdamW: AdamW without a learning-rate schedule, by iterate averaging."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW (Defazio et al., 2024), as Keras implements it.

    Three sequences: ``z`` (the ``momentum`` slot, starting at ``w``) takes Adam-scaled
    gradient steps, ``x`` is the running average of ``z``, and the model variable holds the
    interpolation ``y = (1 - beta_1) * z + beta_1 * x`` where gradients are evaluated. At step
    ``t``, with ``lr`` ramped linearly over ``warmup_steps``:
    ``v = beta_2 * v + (1 - beta_2) * g**2``,
    ``z -= lr * g / (sqrt(v / (1 - beta_2**t)) + epsilon)``; ``x`` is recovered from ``y``
    and the previous ``z``, averaged with weight ``1 / t``, and ``y`` recomputed.
    """

    def __init__(
        self,
        learning_rate=0.0025,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        warmup_steps=0,
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
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(
                f"Argument `warmup_steps` must be an integer >= 0. Received: "
                f"warmup_steps={warmup_steps!r}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, variables):
        if self.built:
            return
        variables = list(variables)
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        for momentum, variable in zip(self._momentums, variables):
            momentum.assign(ops.copy(variable.value))  # z starts at the initial weights

    def _step_constants(self, learning_rate, dtype):
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        learning_rate = ops.cast(learning_rate, dtype)
        if self.warmup_steps > 0:
            warmup = ops.minimum(ops.divide(step, float(self.warmup_steps)), 1.0)
            learning_rate = ops.multiply(learning_rate, warmup)
        return (
            learning_rate,
            ops.subtract(1.0, ops.power(self.beta_2, step)),
            ops.divide(1.0, step),
        )

    def _update(self, gradient, variable, constants):
        learning_rate, beta_2_correction, average_weight = constants
        index = self._get_variable_index(variable)
        z, v = self._momentums[index], self._velocities[index]
        gradient = ops.cast(gradient, variable.dtype)
        beta_1 = self.beta_1
        # x from y and the previous z, read before z changes.
        x = ops.divide(ops.subtract(variable, ops.multiply(z, 1.0 - beta_1)), beta_1)
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1.0 - self.beta_2))
        denominator = ops.add(ops.sqrt(ops.divide(v, beta_2_correction)), self.epsilon)
        new_z = ops.subtract(z, ops.divide(ops.multiply(gradient, learning_rate), denominator))
        x = ops.add(x, ops.multiply(ops.subtract(new_z, x), average_weight))
        self.assign(z, new_z)
        self.assign(variable, ops.add(ops.multiply(new_z, 1.0 - beta_1), ops.multiply(x, beta_1)))

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        }
