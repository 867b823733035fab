"""Adafactor: Adam-like steps with a factored (row and column) second moment for matrices."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


def _rms(x):
    return ops.sqrt(ops.mean(ops.square(x)))


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018), without first moments, as Keras implements it.

    At step ``t``: ``beta_2_t = 1 - t**beta_2_decay``, ``s = g**2 + epsilon_1``. For a
    variable of rank >= 2 the second moment is kept as row means ``r`` and column means
    ``c`` of ``s`` (moving averages with ``beta_2_t``) and rebuilt as
    ``v = r / mean(r) (outer) c``; lower-rank variables keep ``v`` whole. Then
    ``u = g / sqrt(v)``, clipped to ``u / max(1, rms(u) / clip_threshold)``, and
    ``w -= max(epsilon_2, rms(w)) * min(lr, 1 / sqrt(t)) * u``.

    ``relative_step`` is kept for Keras's config; Keras's rule caps the step size by
    ``1 / sqrt(t)`` whether or not it is set, and so does this one.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        # Keras's order, variable by variable: row factor, column factor, velocity. Rank < 2
        # variables get scalar placeholders for the factors, so saved files line up.
        self._r, self._c, self._v = [], [], []
        for variable in variables:
            shape = tuple(variable.shape)
            if len(shape) < 2:
                row_shape = column_shape = ()
                dtype = "int32"
            else:
                row_shape, column_shape = shape[:-1], shape[:-2] + shape[-1:]
                dtype = variable.dtype
            name = variable.name
            self._r.append(self.add_variable(row_shape, dtype=dtype, name=name))
            self._c.append(self.add_variable(column_shape, dtype=dtype, name=name))
            self._v.append(self.add_variable_from_reference(variable, "velocity"))

    def _step_constants(self, learning_rate, dtype):
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        step_size = ops.minimum(ops.cast(learning_rate, dtype), ops.rsqrt(step))
        beta_2 = ops.subtract(1.0, ops.power(step, self.beta_2_decay))
        return step_size, beta_2

    def _update(self, gradient, variable, constants):
        step_size, beta_2 = constants
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]
        gradient = ops.cast(gradient, variable.dtype)
        alpha = ops.multiply(ops.maximum(_rms(variable), self.epsilon_2), step_size)
        squared = ops.add(ops.square(gradient), self.epsilon_1)
        one_minus_beta_2 = ops.subtract(1.0, beta_2)
        if len(variable.shape) >= 2:
            for factor, axis in ((r, -1), (c, -2)):
                self.assign(
                    factor,
                    ops.add(
                        ops.multiply(factor, beta_2),
                        ops.multiply(ops.mean(squared, axis=axis), one_minus_beta_2),
                    ),
                )
            row = ops.divide(r, ops.mean(r, axis=-1, keepdims=True))  # (..., rows)
            self.assign(v, ops.multiply(ops.expand_dims(row, -1), ops.expand_dims(c, -2)))
        else:
            self.assign(
                v, ops.add(ops.multiply(v, beta_2), ops.multiply(squared, one_minus_beta_2))
            )
        update = ops.divide(gradient, ops.sqrt(v))
        update = ops.divide(update, ops.maximum(ops.divide(_rms(update), self.clip_threshold), 1.0))
        self.assign_sub(variable, ops.multiply(update, alpha))

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
