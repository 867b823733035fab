"""Normalization layers."""

from lamina.layers.normalization.batch_normalization import (
    BatchNormalization as BatchNormalization,
)
from lamina.layers.normalization.layer_normalization import (
    LayerNormalization as LayerNormalization,
)

__all__ = ["BatchNormalization", "LayerNormalization"]
