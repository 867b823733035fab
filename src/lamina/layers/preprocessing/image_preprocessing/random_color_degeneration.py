"""RandomColorDegeneration: blends each image towards its greyscale version."""

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


class RandomColorDegeneration(PixelValueLayer):
    """During training, x + t * (gray(x) - x) clipped to value_range, with t
    drawn per image from factor (a number f means [-|f|, |f|], Keras's base
    factor; a pair is a range). Images must have 3 channels."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomColorDegeneration", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        factor = ops.random.uniform(
            (batch_size, 1, 1, 1),
            minval=self.factor[0],
            maxval=self.factor[1],
            seed=self.generator if seed is None else seed,
        )
        return {"factor": factor}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        factor = per_image(transformation["factor"], self.compute_dtype)
        grayscale = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        images = images + factor * (grayscale - images)
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def _check_data_format(self, images) -> None:
        self.compute_output_shape(tuple(ops.shape(images)))

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "RandomColorDegeneration expects images of rank 3 (single image) or 4 (batch "
                f"of images). Received: input_shape={tuple(input_shape)}"
            )
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError(
                "RandomColorDegeneration expects images with 3 channels; received images "
                f"with {channels} channels."
            )
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
