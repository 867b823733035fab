"""The ``Metric`` base class: streaming state in non-trainable variables on the device."""

from __future__ import annotations

from lamina import backend, initializers, ops
from lamina.backend.common import global_state
from lamina.backend.common.stateless_scope import StatelessScope


class StatelessMetricMethods:
    """``stateless_update_state``, ``stateless_result`` and ``stateless_reset_state``, for
    any object with ``variables``, ``update_state``, ``result`` and ``reset_state`` (the
    ``Metric`` base class, and the trainer's compiled metrics).

    Each runs its stateful counterpart inside the engine's ``StatelessScope`` with
    ``variables`` mapped to the given values, so nothing in the metric changes; the new
    values come back in the order of ``variables``. As Keras's, for JAX-style training
    steps (``train_step(self, state, data)``) and loops under ``jax.jit``.
    """

    name: str

    # The stateful interface the methods below run (``Metric`` defines it).
    @property
    def variables(self) -> list:
        raise NotImplementedError

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def _stateless_mapping(self, metric_variables, method: str) -> list:
        variables = self.variables
        metric_variables = list(metric_variables)
        if len(metric_variables) != len(variables):
            raise ValueError(
                f"Metric {self.name!r}: {method} expects {len(variables)} values in "
                f"metric_variables (one per metric.variables, in that order); received "
                f"{len(metric_variables)}."
            )
        return list(zip(variables, metric_variables))

    def stateless_update_state(self, metric_variables, *args, **kwargs) -> list:
        """``update_state(*args, **kwargs)`` on the values ``metric_variables``; returns
        the new values (one per ``variables``). The metric's own variables are unchanged."""
        scope_class = StatelessScope
        mapping = self._stateless_mapping(metric_variables, "stateless_update_state")
        with scope_class(state_mapping=mapping) as scope:
            self.update_state(*args, **kwargs)
        return [scope.get_current_value(variable) for variable, _ in mapping]

    def stateless_result(self, metric_variables):
        """``result()`` computed from the values ``metric_variables``."""
        scope_class = StatelessScope
        mapping = self._stateless_mapping(metric_variables, "stateless_result")
        with scope_class(state_mapping=mapping):
            return self.result()

    def stateless_reset_state(self) -> list:
        """The values ``reset_state()`` would give ``variables``, without changing them."""
        scope_class = StatelessScope
        with scope_class() as scope:
            self.reset_state()
        values = []
        for variable in self.variables:
            value = scope.get_current_value(variable)
            values.append(variable.value if value is None else value)
        return values


class Metric(StatelessMetricMethods):
    """Base class of metrics: ``update_state`` accumulates into variables made with
    ``add_variable``, ``result`` reads them, ``reset_state`` zeroes them.

    ``update_state`` stays on the device (no conversion to NumPy or Python numbers), so a
    training loop pays for a host transfer only when it reads ``result()``.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or global_state.unique_name(
            global_state.to_snake_case(type(self).__name__)
        )
        self._dtype = backend.standardize_dtype(dtype or backend.floatx())
        self._variables = []

    @property
    def dtype(self):
        """The dtype of the metric's state and result (``floatx()`` unless given)."""
        return self._dtype

    @property
    def variables(self):
        """The metric's state variables (totals, counts), in creation order."""
        return list(self._variables)

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Creates a state variable of the metric (call it from ``__init__``) and tracks it;
        ``reset_state`` sets it back to zeros.
        """
        initializer = initializers.get(initializer)
        # A metric's name may hold '/', which a variable path may not.
        with backend.name_scope(self.name.replace("/", ">")):
            variable = backend.Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype or self._dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """``add_variable`` with Keras's older argument defaults (a scalar of zeros)."""
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    def update_state(self, *args, **kwargs):
        """Accumulates one batch into the metric's state (typically ``y_true, y_pred,
        sample_weight=None``); a subclass implements it with ``keras.ops`` and ``assign``.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        """The metric's value from its current state (a scalar tensor, or a dict of them)."""
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        """Sets every state variable back to zeros (``fit`` does at each epoch's start)."""
        for variable in self._variables:
            variable.assign(ops.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        """The constructor arguments, JSON-ready (``from_config`` rebuilds the metric)."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """Creates a metric from ``get_config()``'s dictionary."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
