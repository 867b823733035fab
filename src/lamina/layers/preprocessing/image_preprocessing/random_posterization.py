"""RandomPosterization: keeps only the top bits of each 8-bit pixel value."""

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

_BITS = 8


class RandomPosterization(PixelValueLayer):
    """During training, maps images to [0, 255], keeps b bits of each 8-bit value
    (the others set to zero) and maps back to value_range.

    b is drawn per image from factor: a number f in [1, 8] means bits in
    [1, f) (as Keras draws, the upper end excluded), a pair (low, high) the same
    range; low == high keeps exactly that many bits.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, _BITS)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomPosterization", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        low, high = (int(value) for value in self.factor)
        if low != high:
            seed = self.generator if seed is None else seed
            bits = ops.random.randint((batch_size,), low, high, dtype="uint8", seed=seed)
        else:
            bits = ops.full((batch_size,), low, dtype="uint8")
        return {"shift_factor": _BITS - bits}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        shift = per_image(transformation["shift_factor"], "uint8")
        images = self._transform_value_range(images, self.value_range, (0, 255), self.compute_dtype)
        images = ops.cast(images, "uint8")
        images = ops.left_shift(ops.right_shift(images, shift), shift)
        images = ops.cast(images, self.compute_dtype)
        return self._transform_value_range(images, (0, 255), self.value_range, self.compute_dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
