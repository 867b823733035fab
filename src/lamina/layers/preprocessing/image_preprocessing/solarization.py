"""Solarization: inverts the pixels above a threshold, after an optional brightening."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    check_unit_factor,
    check_value_range,
    images_of,
    per_image,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


class Solarization(PixelValueLayer):
    """During training, in [0, 255] units: y = clip(x + a, 0, 255), then
    255 - y wherever y >= threshold; mapped back to value_range.

    a and threshold are drawn per image from [low, high * 255] of
    addition_factor and threshold_factor (each a number f in [0, 1] meaning
    (0, f), or a pair). With the default threshold_factor=0 every pixel is inverted.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        addition_factor=0.0,
        threshold_factor=0.0,
        value_range=(0, 255),
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.addition_factor = check_unit_factor("Solarization", "addition_factor", addition_factor)
        self.threshold_factor = check_unit_factor(
            "Solarization", "threshold_factor", threshold_factor
        )
        self.value_range = check_value_range("Solarization", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        seed = self.generator if seed is None else seed
        shape = (batch_size, 1, 1, 1)
        # Keras scales only the upper end by 255; the lower end stays as given.
        additions = ops.random.uniform(
            shape, self.addition_factor[0], self.addition_factor[1] * 255, seed=seed
        )
        thresholds = ops.random.uniform(
            shape, self.threshold_factor[0], self.threshold_factor[1] * 255, seed=seed
        )
        return {"additions": additions, "thresholds": thresholds}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        additions = per_image(transformation["additions"], self.compute_dtype)
        thresholds = per_image(transformation["thresholds"], self.compute_dtype)
        images = self._transform_value_range(images, self.value_range, (0, 255), self.compute_dtype)
        results = ops.clip(images + additions, 0, 255)
        results = ops.where(results < thresholds, results, 255 - results)
        return self._transform_value_range(results, (0, 255), self.value_range, self.compute_dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
            "seed": self.seed,
        }
