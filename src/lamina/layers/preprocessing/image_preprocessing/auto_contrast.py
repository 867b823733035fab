"""AutoContrast: stretches each image channel to span the whole value range."""

from __future__ import annotations

from lamina import ops
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    check_value_range,
    spatial_axes,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


class AutoContrast(PixelValueLayer):
    """Maps each image channel linearly so that its minimum becomes value_range[0] and
    its maximum value_range[1]; a constant channel is kept as it is. Deterministic, so
    it applies with training=False too (as in Keras)."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range("AutoContrast", value_range)

    def transform_images(self, images, transformation=None, training=True):
        original = ops.cast(images, self.compute_dtype)
        images = self._transform_value_range(
            original, self.value_range, (0, 255), self.compute_dtype
        )
        axes = spatial_axes(self.data_format)
        low = ops.min(images, axis=axes, keepdims=True)
        high = ops.max(images, axis=axes, keepdims=True)
        spread = high - low
        has_spread = spread > 0
        scale = 255.0 / ops.where(has_spread, spread, ops.ones_like(spread))
        results = ops.clip((images - low) * scale, 0.0, 255.0)
        results = self._transform_value_range(
            results, (0, 255), self.value_range, self.compute_dtype
        )
        # Keras's 255 / 0 gives NaN for a constant channel, which it replaces by the input.
        return ops.where(has_spread, results, original)

    def get_config(self) -> dict:
        return {**super().get_config(), "value_range": self.value_range}
