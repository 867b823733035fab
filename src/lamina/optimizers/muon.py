"""Muon: momentum steps orthogonalised by a Newton-Schulz iteration, AdamW for the rest."""

from __future__ import annotations

import math
import re

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


def _transpose_last_two(x):
    return ops.swapaxes(x, -1, -2)


class Muon(Optimizer):
    """Muon (Jordan et al., 2024; Liu et al., 2025), with AdamW for non-matrix variables.

    A 2-D variable, unless it is excluded, takes the Muon step: ``m = momentum * m + g``;
    ``d = g + momentum * m`` (Nesterov) or ``m``; ``w -= lr * NS5(d) * sqrt(max(rows, cols))
    * rms_rate``, where ``NS5`` approximately orthogonalises ``d`` with ``ns_steps``
    iterations of the quintic Newton-Schulz polynomial ``(muon_a, muon_b, muon_c)`` (the
    ``rms_rate`` factor is Liu et al.'s; ``rms_rate=None`` leaves it out). Every other
    variable (rank != 2, a path containing "embedding" when ``exclude_embeddings``, or one
    matching a regular expression in ``exclude_layers``) takes an AdamW step with learning
    rate ``lr * adam_lr_ratio``. Weight decay is ``weight_decay`` for Muon variables and
    ``adam_weight_decay`` for the others.
    """

    def __init__(
        self,
        learning_rate=0.001,
        adam_beta_1=0.9,
        adam_beta_2=0.999,
        adam_weight_decay=0.004,
        epsilon=1e-7,
        weight_decay=0.004,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        exclude_layers=None,
        exclude_embeddings=True,
        muon_a=3.4445,
        muon_b=-4.7750,
        muon_c=2.0315,
        adam_lr_ratio=1,
        momentum=0.95,
        ns_steps=5,
        nesterov=True,
        rms_rate=0.2,
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
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(
                f"Argument `ns_steps` must be an integer >= 0. Received: ns_steps={ns_steps!r}"
            )
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.adam_weight_decay = adam_weight_decay
        self.epsilon = epsilon
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = exclude_embeddings
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable) -> bool:
        if len(variable.shape) != 2:
            return True
        path = getattr(variable, "path", None) or variable.name
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(pattern, path) for pattern in self.exclude_layers)

    def build(self, variables):
        if self.built:
            return
        variables = list(variables)
        super().build(variables)
        # Keras's order, variable by variable: momentum, then velocity for AdamW variables.
        self.momentums, self.adam_velocities = [], []
        for variable in variables:
            self.momentums.append(self.add_variable_from_reference(variable, "momentum"))
            self.adam_velocities.append(
                self.add_variable_from_reference(variable, "velocity")
                if self._should_use_adamw(variable)
                else None
            )

    def _step_constants(self, learning_rate, dtype):
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        learning_rate = ops.cast(learning_rate, dtype)
        adam_step_size = ops.divide(
            ops.multiply(
                ops.multiply(learning_rate, self.adam_lr_ratio),
                ops.sqrt(ops.subtract(1.0, ops.power(self.adam_beta_2, step))),
            ),
            ops.subtract(1.0, ops.power(self.adam_beta_1, step)),
        )
        return learning_rate, adam_step_size

    def _update(self, gradient, variable, constants):
        learning_rate, adam_step_size = constants
        index = self._get_variable_index(variable)
        m, v = self.momentums[index], self.adam_velocities[index]
        gradient = ops.cast(gradient, variable.dtype)
        if v is not None:  # AdamW's rule (its decay is applied in `_apply_weight_decay`)
            self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1.0 - self.adam_beta_1))
            self.assign_add(
                v, ops.multiply(ops.subtract(ops.square(gradient), v), 1.0 - self.adam_beta_2)
            )
            step = ops.divide(m, ops.add(ops.sqrt(v), self.epsilon))
            self.assign_sub(variable, ops.multiply(step, adam_step_size))
            return
        self.assign(m, ops.add(ops.multiply(m, self.momentum), gradient))
        direction = ops.add(gradient, ops.multiply(m, self.momentum)) if self.nesterov else m
        update = ops.multiply(
            self.zeropower_via_newtonschulz5(direction, self.ns_steps), learning_rate
        )
        if self.rms_rate is not None:
            rows, columns = variable.shape
            update = ops.multiply(update, math.sqrt(max(rows, columns)) * self.rms_rate)
        self.assign_sub(variable, update)

    def update_step(self, gradient, variable, learning_rate):
        self._update(gradient, variable, self._step_constants(learning_rate, variable.dtype))

    def zeropower_via_newtonschulz5(self, x, steps: int):
        """An approximation of ``U V^T`` from the SVD of ``x`` (rank >= 2): ``steps``
        iterations of ``X <- a X + (b A + c A^2) X`` with ``A = X X^T``, from ``X = x / ||x||``
        (Frobenius norm). The polynomial maximises the slope at zero rather than converging,
        which Jordan et al. found trains as well as the exact factor."""
        shape = tuple(x.shape)
        if len(shape) < 2:
            raise ValueError(
                f"Expected gradient or momentum to have at least 2 dimensions. Received: "
                f"shape={shape}"
            )
        is_tall = shape[-2] > shape[-1]
        if is_tall:  # iterate on the smaller Gram matrix
            x = _transpose_last_two(x)
        norm = ops.sqrt(ops.sum(ops.square(x), axis=(-2, -1), keepdims=True))
        x = ops.divide(x, ops.add(norm, 1e-7))
        for _ in range(steps):
            gram = ops.matmul(x, _transpose_last_two(x))  # (..., rows, rows)
            polynomial = ops.add(
                ops.multiply(gram, self.muon_b), ops.multiply(ops.matmul(gram, gram), self.muon_c)
            )
            x = ops.add(ops.multiply(x, self.muon_a), ops.matmul(polynomial, x))
        return _transpose_last_two(x) if is_tall else x

    def _apply_weight_decay(self, variables, learning_rate) -> None:
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            decay = (
                self.adam_weight_decay if self._should_use_adamw(variable) else self.weight_decay
            )
            if not decay:
                continue
            factor = ops.multiply(ops.cast(learning_rate, variable.dtype), decay)
            variable.assign(ops.subtract(variable, ops.multiply(variable, factor)))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        }
