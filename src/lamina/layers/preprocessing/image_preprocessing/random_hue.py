"""RandomHue: turns each image's hue by a random fraction of the colour wheel."""

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


class RandomHue(PixelValueLayer):
    """During training, adds ±t / 2 (a random sign per image) to the hue in HSV space,
    wrapping around the wheel, with t drawn per image from factor in [0, 1] (a
    number f means [0, f]): factor=1 can reach the opposite hue."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomHue", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        seed = self.generator if seed is None else seed
        sign = ops.where(ops.random.uniform((batch_size,), seed=seed) > 0.5, -1.0, 1.0)
        amount = ops.random.uniform(
            (batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed
        )
        return {"factor": sign * amount * 0.5}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        shift = per_image(transformation["factor"], self.compute_dtype)
        images = self._transform_value_range(images, self.value_range, (0, 1), self.compute_dtype)
        axis = -1 if self.data_format == "channels_last" else 1
        hue, saturation, value = ops.split(
            ops.image.rgb_to_hsv(images, data_format=self.data_format), 3, axis=axis
        )
        hue = hue + shift
        hue = ops.where(hue > 1.0, hue - 1.0, hue)
        hue = ops.where(hue < 0.0, hue + 1.0, hue)
        hsv = ops.concatenate([hue, saturation, value], axis=axis)
        images = ops.clip(ops.image.hsv_to_rgb(hsv, data_format=self.data_format), 0, 1)
        return self._transform_value_range(images, (0, 1), self.value_range, self.compute_dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
