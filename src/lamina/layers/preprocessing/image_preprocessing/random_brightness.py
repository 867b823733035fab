"""RandomBrightness: adds one random offset per image, clipped to the value range."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    check_value_range,
    images_of,
    per_image,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


class RandomBrightness(PixelValueLayer):
    """Randomly brightens or darkens images during training.

    Each image gets delta * (high - low) added to every pixel, with delta drawn from
    factor (a number ``f`` in [-1, 1] means [-|f|, |f|]; a pair is a range), and the
    result clipped to value_range = (low, high).
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.value_range = check_value_range("RandomBrightness", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        delta = ops.random.uniform(
            (batch_size, 1, 1, 1),
            minval=self.factor[0],
            maxval=self.factor[1],
            seed=self.generator if seed is None else seed,
        )
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        images = images + per_image(transformation["rgb_delta"], self.compute_dtype)
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
