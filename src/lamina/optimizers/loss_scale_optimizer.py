"""LossScaleOptimizer: dynamic loss scaling around another optimizer (float16 training).

The loss is multiplied by a scale before differentiation, so that small float16 gradients
do not underflow to zero; the gradients are divided back before the wrapped optimizer's
update. A step whose gradients hold an inf or NaN is skipped and halves the scale; after
``dynamic_growth_steps`` finite steps in a row the scale doubles (Keras 3's rule).
"""

from __future__ import annotations

from lamina import backend, initializers, ops
from lamina.optimizers.optimizer import Optimizer

# Base-optimizer arguments Keras 3 once wrote into this optimizer's config: accepted at
# their defaults (older files), refused otherwise (they belong on the inner optimizer).
_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """Wraps ``inner_optimizer`` with dynamic loss scaling.

    Args:
        inner_optimizer: The optimizer that updates the variables.
        initial_scale: The first loss scale. Better too high than too low: a scale that
            overflows is halved at once, one that is too low only doubles every
            ``dynamic_growth_steps`` steps.
        dynamic_growth_steps: How many consecutive steps with finite gradients double it.

    ``model.compile(..., auto_scale_loss=True)`` (the default) wraps the optimizer in one
    when the model's dtype policy is ``"mixed_float16"``.
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer does not support `dynamic=False`; set `loss_scale_factor` "
                "on the inner optimizer for a fixed scale."
            )
        for argument, default in _BASE_DEFAULTS.items():
            if argument in kwargs and kwargs.pop(argument) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{argument}`; set it on the "
                    "`inner_optimizer` instead."
                )
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: {sorted(kwargs)}.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be an Optimizer instance. "
                f"Received: inner_optimizer={inner_optimizer!r}"
            )
        if isinstance(initial_scale, bool) or not isinstance(initial_scale, (int, float)):
            raise TypeError(
                f"LossScaleOptimizer: `initial_scale` must be a number > 0. Received: "
                f"initial_scale={initial_scale!r}"
            )
        if initial_scale <= 0:
            raise ValueError(
                f"LossScaleOptimizer: `initial_scale` must be > 0. Received: "
                f"initial_scale={initial_scale!r}"
            )
        if (
            isinstance(dynamic_growth_steps, bool)
            or not isinstance(dynamic_growth_steps, int)
            or dynamic_growth_steps < 1
        ):
            raise ValueError(
                "LossScaleOptimizer: `dynamic_growth_steps` must be an integer >= 1. "
                f"Received: dynamic_growth_steps={dynamic_growth_steps!r}"
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # Scaling twice would be wrong: this optimizer owns the scale now.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, variables) -> None:
        self.step_counter = self.add_variable(
            shape=(), initializer="zeros", dtype="int32", name="step_counter"
        )
        self.dynamic_scale = self.add_variable(
            shape=(),
            initializer=initializers.Constant(float(self.initial_scale)),
            dtype="float32",
            name="dynamic_scale",
        )
        self.inner_optimizer.build(variables)
        super().build(variables)

    @property
    def variables(self) -> list:
        """This optimizer's own variables (step counter, scale), then the inner one's."""
        return self._variables + self.inner_optimizer.variables

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        """``loss`` times the current scale (the initial one before the first step)."""
        scale = self.dynamic_scale if self.built else self.initial_scale
        return ops.multiply(loss, ops.cast(scale, ops.dtype(loss)))

    def check_finite(self, grads):
        """A boolean tensor: whether every gradient is free of inf and NaN."""
        finite = [ops.all(ops.isfinite(g)) for g in grads if g is not None]
        return ops.all(ops.stack(finite)) if finite else ops.convert_to_tensor(True)

    def apply(self, grads, trainable_variables=None) -> None:
        """Unscale ``grads`` and apply them with the inner optimizer, unless one holds an
        inf or NaN: then skip the update and halve the scale."""
        grads = list(grads)
        if not grads:
            return
        trainable_variables = self._resolve_variables(grads, trainable_variables)
        with backend.engine.trainer.no_grad():
            finite = self.check_finite(grads)
            if backend.engine.core.step_counters_on_host():
                # Eager steps: one host read of the flag decides, as Keras's `cond` does.
                if bool(ops.convert_to_numpy(finite)):
                    self._apply_unscaled(grads, trainable_variables)
                self._update_scale(finite)
                return
            # Compiled or traced steps: update, then keep the old state where the gradients
            # were not finite (`where` on the device, no host read, no traced branch).
            state = [*trainable_variables, *self.inner_optimizer.variables]
            before = [ops.copy(variable.value) for variable in state]
            self._apply_unscaled(grads, trainable_variables)
            for variable, old in zip(state, before):
                variable.assign(ops.where(finite, variable.value, old))
            self._update_scale(finite)

    def _apply_unscaled(self, grads, trainable_variables) -> None:
        scale = self.dynamic_scale.value
        unscaled = [
            None if g is None else ops.divide(g, ops.cast(scale, ops.dtype(g))) for g in grads
        ]
        self.inner_optimizer.apply(unscaled, trainable_variables)

    def _update_scale(self, finite) -> None:
        # Finite: count the step, and double the scale (count from 0) on the growth step.
        # Not finite: halve the scale and count from 0.
        counter, scale = self.step_counter.value, self.dynamic_scale.value
        grows = ops.logical_and(finite, ops.equal(counter, self.dynamic_growth_steps - 1))
        new_counter = ops.where(ops.logical_and(finite, ops.logical_not(grows)), counter + 1, 0)
        new_scale = ops.where(grows, scale * 2.0, ops.where(finite, scale, scale * 0.5))
        self.step_counter.assign(ops.cast(new_counter, "int32"))
        self.dynamic_scale.assign(new_scale)

    def finalize_variable_values(self, var_list) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict:
        from lamina.optimizers.lookup import serialize  # lookup imports this module

        return {
            "name": self.name,
            "inner_optimizer": serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.optimizers.lookup import deserialize  # lookup imports this module

        config = dict(config)
        inner = deserialize(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)


__all__ = ["LossScaleOptimizer"]
