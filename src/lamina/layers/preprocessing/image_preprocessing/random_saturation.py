"""RandomSaturation: scales each image's HSV saturation by a random factor."""

from __future__ import annotations

from lamina import backend, ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    check_value_range,
    images_of,
    per_image,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


class RandomSaturation(PixelValueLayer):
    """During training, multiplies the HSV saturation of each image by t / (1 - t)
    (t = 0.5 keeps it, t -> 1 saturates fully, t = 0 turns the image grey), with
    t drawn per image from factor.

    As in Keras 3.15, a number f means t in [-|f|, |f|] (negative t gives
    grey), so pass a pair such as (0.3, 0.8) for a range around the original; and the
    scaled saturation is clipped to value_range (not to [0, 1]).
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomSaturation", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        factor = ops.random.uniform(
            (batch_size,),
            minval=self.factor[0],
            maxval=self.factor[1],
            seed=self.generator if seed is None else seed,
        )
        return {"factor": factor / (1.0 - factor + backend.epsilon())}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        scale = per_image(transformation["factor"], self.compute_dtype)
        axis = -1 if self.data_format == "channels_last" else 1
        hue, saturation, value = ops.split(
            ops.image.rgb_to_hsv(images, data_format=self.data_format), 3, axis=axis
        )
        saturation = ops.clip(saturation * scale, self.value_range[0], self.value_range[1])
        hsv = ops.concatenate([hue, saturation, value], axis=axis)
        return ops.image.hsv_to_rgb(hsv, data_format=self.data_format)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
