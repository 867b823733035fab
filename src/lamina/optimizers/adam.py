"""Adam: per-coordinate steps from bias-corrected first and second gradient moments."""

from __future__ import annotations

import math

from lamina import backend, ops
from lamina.backend.common import stateless_scope
from lamina.optimizers.optimizer import Optimizer, _update_step_is_builtin

# The engine's multi-tensor Adam, when it has one (tested to agree with ``Adam._update``).
_KERNELS = getattr(backend.engine, "optimizer_kernels", None)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014), with the optional AMSGrad variant (Reddi et al., 2018).

    At step ``t`` (from 1): ``m = beta_1 * m + (1 - beta_1) * g``,
    ``v = beta_2 * v + (1 - beta_2) * g**2``, and
    ``w -= lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)``; with
    ``amsgrad=True`` the running maximum of ``v`` replaces ``v`` in the denominator.

    Args:
        epsilon: Added to ``sqrt(v)``: the "epsilon hat" of the paper (before its
            section 2.1), applied after bias correction is folded into the step size.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
        self.amsgrad = amsgrad

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def _step_constants(self, learning_rate, dtype):
        """The step size ``alpha``: the learning rate with both bias corrections folded in."""
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        beta_1_power = ops.power(self.beta_1, step)
        beta_2_power = ops.power(self.beta_2, step)
        return ops.divide(
            ops.multiply(ops.cast(learning_rate, dtype), ops.sqrt(ops.subtract(1.0, beta_2_power))),
            ops.subtract(1.0, beta_1_power),
        )

    def _update(self, gradient, variable, alpha):
        index = self._get_variable_index(variable)
        momentum, velocity = self._momentums[index], self._velocities[index]
        gradient = ops.cast(gradient, variable.dtype)
        self.assign_add(momentum, ops.multiply(ops.subtract(gradient, momentum), 1.0 - self.beta_1))
        self.assign_add(
            velocity, ops.multiply(ops.subtract(ops.square(gradient), velocity), 1.0 - self.beta_2)
        )
        if self.amsgrad:
            velocity_hat = self._velocity_hats[index]
            self.assign(velocity_hat, ops.maximum(velocity_hat, velocity))
            velocity = velocity_hat
        self.assign_sub(
            variable,
            ops.divide(ops.multiply(momentum, alpha), ops.add(ops.sqrt(velocity), self.epsilon)),
        )

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def _bias_correction_scale(self) -> float:
        """sqrt(1 - beta_2**t) / (1 - beta_1**t) for the coming step t, on the host."""
        step = self.host_iterations() // (self.gradient_accumulation_steps or 1) + 1
        return math.sqrt(1.0 - self.beta_2**step) / (1.0 - self.beta_1**step)

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        # One multi-tensor update for all variables when the engine has it, the rule above
        # is not overridden, and the variables share a dtype (the step size is per dtype).
        kernel = getattr(_KERNELS, "adam_update", None)
        dtypes = {variable.dtype for variable in trainable_variables}
        if (
            kernel is None
            or stateless_scope.scopes_open  # the kernel writes the variables' memory
            or type(self)._update is not Adam._update
            or not _update_step_is_builtin(type(self))
            or len(dtypes) != 1
        ):
            super()._backend_update_step(grads, trainable_variables, learning_rate)
            return
        indices = [self._get_variable_index(variable) for variable in trainable_variables]
        kernel(
            trainable_variables,
            grads,
            [self._momentums[i] for i in indices],
            [self._velocities[i] for i in indices],
            [self._velocity_hats[i] for i in indices] if self.amsgrad else None,
            learning_rate,
            self.iterations,
            self._bias_correction_scale,
            self.beta_1,
            self.beta_2,
            self.epsilon,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
