"""Initializer base: ``initializer(shape, dtype)`` returns a tensor; ``get_config`` describes it."""

from __future__ import annotations


class Initializer:
    """Base class of initializers: ``initializer(shape, dtype=None)`` returns a tensor of
    that shape.

    A subclass implements ``__call__`` and, when it has arguments, ``get_config``. Layers take
    an instance, a name (``"he_normal"``) or such a class's config.

    Examples:
        ```python
        class Halves(keras.initializers.Initializer):
            def __call__(self, shape, dtype=None):
                return keras.ops.full(shape, 0.5, dtype=dtype)
        ```
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())
