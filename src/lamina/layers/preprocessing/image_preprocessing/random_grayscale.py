"""RandomGrayscale: turns a random share of the images grey (luma in every channel)."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    images_of,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


class RandomGrayscale(PixelValueLayer):
    """During training, replaces each image by its luma (ops.image.rgb_to_grayscale,
    repeated over the channels) with probability factor in [0, 1]."""

    _USE_BASE_FACTOR = False

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(
                "RandomGrayscale: `factor` should be a number between 0 and 1. "
                f"Received: factor={factor!r}"
            )
        self.factor = factor
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        draws = ops.random.uniform((batch_size,), seed=self.generator if seed is None else seed)
        return ops.reshape(draws < self.factor, (-1, 1, 1, 1))  # (N, 1, 1, 1): apply or not

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        grayscale = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.where(ops.reshape(transformation, (-1, 1, 1, 1)), grayscale, images)

    def get_config(self) -> dict:
        # Keras leaves seed out of this layer's config; keeping it repeats a saved run.
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
