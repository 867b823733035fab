"""RandomInvert: replaces a random share of the images by ``high - x``."""

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


class RandomInvert(PixelValueLayer):
    """During training, inverts each image (value_range[1] - x, as Keras does) with a
    probability drawn from factor (a number f in [0, 1] means [0, f]; a pair is
    a range)."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomInvert", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        seed = self.generator if seed is None else seed
        probability = ops.random.uniform(
            (batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed
        )
        threshold = ops.random.uniform((batch_size,), seed=seed)
        return {"apply_inversion": threshold < probability}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        apply = per_image(transformation["apply_inversion"], "bool")
        return ops.where(apply, self.value_range[1] - images, images)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
