"""The operations RandAugment and AugMix pick from, built with one set of arguments."""

from __future__ import annotations

from lamina.layers.preprocessing.image_preprocessing.auto_contrast import AutoContrast
from lamina.layers.preprocessing.image_preprocessing.equalization import Equalization
from lamina.layers.preprocessing.image_preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.image_preprocessing.random_color_degeneration import (
    RandomColorDegeneration,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import RandomContrast
from lamina.layers.preprocessing.image_preprocessing.random_posterization import (
    RandomPosterization,
)
from lamina.layers.preprocessing.image_preprocessing.random_rotation import RandomRotation
from lamina.layers.preprocessing.image_preprocessing.random_sharpness import RandomSharpness
from lamina.layers.preprocessing.image_preprocessing.random_shear import RandomShear
from lamina.layers.preprocessing.image_preprocessing.random_translation import (
    RandomTranslation,
)
from lamina.layers.preprocessing.image_preprocessing.solarization import Solarization


def make_augmentations(owner, names) -> dict:
    """Layers named as in Keras (``random_shear``, ``auto_contrast``...) for ``names``, all
    with ``owner``'s factor range, value range, interpolation, seed and data format."""
    factor, value_range = owner.factor, owner.value_range
    common = {"data_format": owner.data_format, "dtype": owner.dtype_policy}
    if owner.bounding_box_format is not None:
        common["bounding_box_format"] = owner.bounding_box_format
    seeded = {**common, "seed": owner.seed}
    geometric = {**seeded, "interpolation": owner.interpolation}
    colour = {**seeded, "value_range": value_range}
    makers = {
        "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor, **geometric),
        "random_translation": lambda: RandomTranslation(
            height_factor=factor, width_factor=factor, **geometric
        ),
        "random_rotation": lambda: RandomRotation(factor=factor, **geometric),
        "random_brightness": lambda: RandomBrightness(factor=factor, **colour),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor=factor, **colour),
        "random_contrast": lambda: RandomContrast(factor=factor, **colour),
        "random_sharpness": lambda: RandomSharpness(factor=factor, **colour),
        "random_posterization": lambda: RandomPosterization(
            factor=max(1, int(8 * factor[1])), **colour
        ),
        "solarization": lambda: Solarization(
            addition_factor=factor, threshold_factor=factor, **colour
        ),
        "auto_contrast": lambda: AutoContrast(value_range=value_range, **common),
        "equalization": lambda: Equalization(value_range=value_range, **common),
    }
    return {name: makers[name]() for name in names}
