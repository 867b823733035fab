"""Initializer base: ``initializer(shape, dtype)`` returns a tensor; ``get_config`` describes it."""

from __future__ import annotations


class Initializer:
    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())
