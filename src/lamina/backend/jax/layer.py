"""What a Layer is on the JAX engine: a plain Python object (see common/plain_layer.py)."""

from lamina.backend.common.plain_layer import PlainLayerBase as LayerBase

__all__ = ["LayerBase"]
