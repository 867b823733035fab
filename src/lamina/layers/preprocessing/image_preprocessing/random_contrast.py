"""RandomContrast: scales each image's deviation from its per-channel mean."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    check_value_range,
    images_of,
    per_image,
    spatial_axes,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


class RandomContrast(PixelValueLayer):
    """Randomly adjusts contrast during training: ``(x - mean) * c + mean`` per image and
    channel (the mean over height and width), clipped to ``value_range``.

    ``c`` is drawn per image from ``[1 - lower, 1 + upper]``. As in Keras 3.15, a number
    ``factor=f`` means ``(lower, upper) = (0, f)`` (contrast only grows); pass a pair
    ``(lower, upper)`` in [0, 1] to also reduce it. Images pass unchanged with
    ``training=False``.
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomContrast", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        contrast_factor = ops.random.uniform(
            (batch_size, 1, 1, 1),
            minval=1.0 - self.factor[0],
            maxval=1.0 + self.factor[1],
            seed=self.generator if seed is None else seed,
        )
        return {"contrast_factor": contrast_factor}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        factor = per_image(transformation["contrast_factor"], self.compute_dtype)
        mean = ops.mean(images, axis=spatial_axes(self.data_format), keepdims=True)
        outputs = (images - mean) * factor + mean
        return ops.clip(outputs, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
