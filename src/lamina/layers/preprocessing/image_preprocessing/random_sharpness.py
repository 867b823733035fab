"""RandomSharpness: blends each image with a smoothed copy, past it to sharpen."""

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

# The 3x3 smoothing kernel of PIL's ImageEnhance.Sharpness, which Keras uses: 5 in the
# centre, 1 around it, normalised by 13.
_SMOOTH = tuple(
    tuple((5.0 if (row, col) == (1, 1) else 1.0) / 13.0 for col in range(3)) for row in range(3)
)


class RandomSharpness(PixelValueLayer):
    """During training, x + (1 - s) * (smooth(x) - x) clipped to value_range, where
    smooth is a 3x3 blur (zero padding at the border) and s = 2 * t with t
    drawn per image from factor in [0, 1] (a number f means [0, f]): t = 0.5
    keeps the image, less blurs it, more sharpens it."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomSharpness", value_range)
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
        return {"factor": factor}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        sharpness = per_image(transformation["factor"], self.compute_dtype) * 2.0
        channels = ops.shape(images)[-1]
        kernel = ops.convert_to_tensor(_SMOOTH, dtype=self.compute_dtype)
        kernel = ops.tile(ops.reshape(kernel, (3, 3, 1, 1)), (1, 1, channels, 1))  # (3, 3, C, 1)
        smoothed = ops.depthwise_conv(images, kernel, 1, "same", "channels_last")
        images = images + (1.0 - sharpness) * (smoothed - images)
        images = ops.clip(images, self.value_range[0], self.value_range[1])
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 3, 1, 2))
        return images

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
