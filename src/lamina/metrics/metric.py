"""The ``Metric`` base class: streaming state in non-trainable variables on the device."""

from __future__ import annotations

from lamina import backend, initializers, ops
from lamina.backend.common import global_state


class Metric:
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
        return self._dtype

    @property
    def variables(self):
        return list(self._variables)

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
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
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        for variable in self._variables:
            variable.assign(ops.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
