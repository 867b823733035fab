"""Preprocessing layers."""

from lamina.layers.preprocessing.rescaling import Rescaling as Rescaling

__all__ = ["Rescaling"]
