"""Reshaping layers."""

from lamina.layers.reshaping.flatten import Flatten as Flatten
from lamina.layers.reshaping.reshape import Reshape as Reshape

__all__ = ["Flatten", "Reshape"]
