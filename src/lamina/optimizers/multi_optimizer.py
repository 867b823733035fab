"""Different optimizers for different variables: ``OptimizerMap`` (variable path patterns to
optimizers) and ``MultiOptimizer``, which sends each variable's gradient to its optimizer.

>>> optimizer = MultiOptimizer(OptimizerMap(SGD(0.1), {"encoder/.*": Adam(1e-3)}))
>>> model.compile(optimizer=optimizer, loss="mse")
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from lamina.optimizers.optimizer import Optimizer
from lamina.serialization import deserialize_keras_object, serialize_keras_object


def _check_inner(optimizer, where: str) -> None:
    from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer

    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{where}: expected an Optimizer; received {optimizer!r}.")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{where}: a LossScaleOptimizer cannot be used inside a MultiOptimizer.")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: a MultiOptimizer cannot be used inside a MultiOptimizer.")


class OptimizerMap(MutableMapping):
    """Variable paths (exact, else a regular expression matched in full: ``"encoder/.*"``)
    to optimizers; ``default_optimizer`` takes every variable no key matches. Called on a
    variable, it gives that variable's optimizer."""

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                "OptimizerMap: default_optimizer must be an Optimizer; received "
                f"{default_optimizer!r}."
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(
                f"OptimizerMap: optimizer_map must be a dict; received {optimizer_map!r}."
            )
        self._default_optimizer = default_optimizer
        self._optimizer_map: dict = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"OptimizerMap: variable {key!r} matches several keys {matches}; make the "
                "patterns exclusive."
            )
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: keys are variable paths (str); received {key!r}.")
        if key in self._optimizer_map:
            raise ValueError(f"OptimizerMap: {key!r} is already mapped; keys must be unique.")
        _check_inner(optimizer, f"OptimizerMap[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self) -> dict:
        return {
            "default_optimizer": serialize_keras_object(self._default_optimizer),
            "optimizer_map": {
                key: serialize_keras_object(value) for key, value in self._optimizer_map.items()
            },
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        def build(value):
            return deserialize_keras_object(value, custom_objects=custom_objects, kind="optimizer")

        return cls(
            build(config["default_optimizer"]),
            {key: build(value) for key, value in (config.get("optimizer_map") or {}).items()},
        )


class MultiOptimizer(Optimizer):
    """Applies each variable's gradient with the optimizer ``optimizer_map`` gives it (an
    ``OptimizerMap`` or a callable ``variable -> optimizer``). It has no learning rate of
    its own (read the inner optimizers', through ``optimizers``); ``loss_scale_factor``
    overrides theirs. Its ``iterations`` counts its own steps."""

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        if not callable(optimizer_map):
            raise TypeError(
                "MultiOptimizer: optimizer_map must be an OptimizerMap or a callable "
                f"variable -> optimizer; received {optimizer_map!r}."
            )
        self._optimizer_map = optimizer_map
        self._inner_optimizers: list = []
        known = list(optimizer_map.values()) if isinstance(optimizer_map, OptimizerMap) else []
        if isinstance(optimizer_map, OptimizerMap):
            known.append(optimizer_map.default_optimizer)
        for optimizer in known:
            self._adopt(optimizer)

    def _adopt(self, optimizer) -> int:
        if not any(inner is optimizer for inner in self._inner_optimizers):
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(optimizer)
        return next(i for i, inner in enumerate(self._inner_optimizers) if inner is optimizer)

    @property
    def optimizers(self) -> list:
        """The inner optimizers, in the order they were first met."""
        return list(self._inner_optimizers)

    @property
    def learning_rate(self):
        raise AttributeError(
            "A MultiOptimizer has no single learning rate: read or set it on its inner "
            "optimizers (`multi_optimizer.optimizers`)."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "A MultiOptimizer has no single learning rate: set it on its inner optimizers "
            "(`multi_optimizer.optimizers`)."
        )

    @property
    def variables(self) -> list:
        """Its own step counter, then each inner optimizer's variables."""
        found = self._variables[:]
        for optimizer in self._inner_optimizers:
            found.extend(optimizer.variables)
        return found

    def build(self, variables) -> None:
        if self.built:
            return
        variables = list(variables)
        self._owner_of: dict = {}
        groups: dict = {}
        for variable in variables:
            optimizer = self._optimizer_map(variable)
            _check_inner(optimizer, f"MultiOptimizer (variable {variable.path!r})")
            index = self._adopt(optimizer)
            self._owner_of[id(variable)] = index
            groups.setdefault(index, []).append(variable)
        for index, group in groups.items():
            self._inner_optimizers[index].build(group)
        self._trainable_variables = variables
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self.built = True

    def apply(self, grads, trainable_variables=None) -> None:
        grads = list(grads)
        if not grads:
            return
        trainable_variables = self._resolve_variables(grads, trainable_variables)
        grouped: dict = {}
        for gradient, variable in zip(grads, trainable_variables):
            pair = grouped.setdefault(self._owner_of[id(variable)], ([], []))
            pair[0].append(gradient)
            pair[1].append(variable)
        for index, (group_grads, group_variables) in grouped.items():
            self._inner_optimizers[index].apply(group_grads, group_variables)
        self._iterations.assign_add(1)

    def finalize_variable_values(self, var_list) -> None:
        grouped: dict = {}
        for variable in var_list:
            grouped.setdefault(self._owner_of[id(variable)], []).append(variable)
        for index, group in grouped.items():
            self._inner_optimizers[index].finalize_variable_values(group)

    def scale_loss(self, loss):
        if self.loss_scale_factor is None:
            return loss
        return loss * self.loss_scale_factor

    def get_config(self) -> dict:
        if not isinstance(self._optimizer_map, OptimizerMap):
            raise ValueError(
                "MultiOptimizer: a callable optimizer_map cannot be saved; use an OptimizerMap."
            )
        return {
            "name": self.name,
            "loss_scale_factor": self.loss_scale_factor,
            "optimizer_map": serialize_keras_object(self._optimizer_map),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        mapping = config.pop("optimizer_map")
        if isinstance(mapping, dict) and "config" in mapping:
            mapping = OptimizerMap.from_config(mapping["config"], custom_objects)
        return cls(mapping, **config)


__all__ = ["MultiOptimizer", "OptimizerMap"]
