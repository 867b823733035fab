"""Lion: signed steps from an interpolation of the momentum and the gradient."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Lion, "EvoLved Sign Momentum" (Chen et al., 2023).

    ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``, then
    ``m = beta_2 * m + (1 - beta_2) * g``. Its steps all have size ``lr``, so it usually
    wants a learning rate 3-10x smaller than AdamW's.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
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
        if not isinstance(beta_1, (int, float)) or not 0 < beta_1 <= 1:
            raise ValueError(
                "Argument `beta_1` must be in the (0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1!r}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums = self.add_optimizer_variables(variables, "momentum")

    def _update(self, gradient, variable, learning_rate):
        m = self._momentums[self._get_variable_index(variable)]
        gradient = ops.cast(gradient, variable.dtype)
        direction = ops.add(ops.multiply(m, self.beta_1), ops.multiply(gradient, 1.0 - self.beta_1))
        self.assign_sub(variable, ops.multiply(ops.sign(direction), learning_rate))
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1.0 - self.beta_2))

    _kernel = "lion_update"  # the engine's multi-tensor form of ``_update`` (torch)

    def _kernel_arguments(self, indices):
        return [[self._momentums[i] for i in indices]], {
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
        }

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
