"""RandomColorJitter: random brightness, contrast, saturation and hue, in that order."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    check_value_range,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer
from lamina.layers.preprocessing.image_preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.image_preprocessing.random_contrast import RandomContrast
from lamina.layers.preprocessing.image_preprocessing.random_hue import RandomHue
from lamina.layers.preprocessing.image_preprocessing.random_saturation import RandomSaturation

# (factor argument, attribute holding the sublayer, its class), in the order they apply.
_STAGES = (
    ("brightness_factor", "random_brightness", RandomBrightness),
    ("contrast_factor", "random_contrast", RandomContrast),
    ("saturation_factor", "random_saturation", RandomSaturation),
    ("hue_factor", "random_hue", RandomHue),
)


def _as_config(factor):
    return list(factor) if isinstance(factor, tuple) else factor


class RandomColorJitter(PixelValueLayer):
    """During training, applies RandomBrightness, RandomContrast, RandomSaturation and
    RandomHue in turn, each only when its *_factor is given (the factor has that
    layer's meaning), all with value_range and seed."""

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        value_range=(0, 255),
        brightness_factor=None,
        contrast_factor=None,
        saturation_factor=None,
        hue_factor=None,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("RandomColorJitter", value_range)
        # Kept as given (a pair as a list, as it comes back from a config file).
        self.brightness_factor = _as_config(brightness_factor)
        self.contrast_factor = _as_config(contrast_factor)
        self.saturation_factor = _as_config(saturation_factor)
        self.hue_factor = _as_config(hue_factor)
        self.seed = seed
        self.generator = SeedGenerator(seed)
        for argument, attribute, layer_class in _STAGES:
            factor = getattr(self, argument)
            layer = None
            if factor is not None:
                layer = layer_class(
                    factor=factor, value_range=self.value_range, seed=seed, dtype=self.dtype_policy
                )
            setattr(self, attribute, layer)

    def _stages(self):
        for _, attribute, _ in _STAGES:
            layer = getattr(self, attribute)
            if layer is not None:
                yield attribute, layer

    def build(self, input_shape):
        for _, layer in self._stages():
            layer.build(input_shape)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self.generator if seed is None else seed
        return {
            attribute: layer.get_random_transformation(data, training=True, seed=seed)
            for attribute, layer in self._stages()
        }

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        if transformation is None:
            transformation = self.get_random_transformation(images)
        for attribute, layer in self._stages():
            images = layer.transform_images(images, transformation[attribute])
        return images

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
            "seed": self.seed,
        }
