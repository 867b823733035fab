"""What a Layer is on the TensorFlow engine: a plain Python object (see common/plain_layer.py).

Lamina's Layer tracks its own sublayers and variables; ``tf.Module`` tracking is not needed
(a ``tf.function`` captures the ``tf.Variable`` inside each Variable when it reads it).
"""

from lamina.backend.common.plain_layer import PlainLayerBase as LayerBase

__all__ = ["LayerBase"]
