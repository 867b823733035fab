"""AugMix: mixes several random chains of augmentations with the original image."""

from __future__ import annotations

import random as python_random

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    check_value_range,
)
from lamina.layers.preprocessing.image_preprocessing.augmentation_family import (
    make_augmentations,
)
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)

# Keras 3.15's lists: the geometric and histogram operations, and with all_ops the colour
# operations that overlap a typical test-set corruption too.
_BASE_OPERATIONS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)
_ALL_OPERATIONS = (
    *_BASE_OPERATIONS,
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
)


def _check_positive_int(argument, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"AugMix: `{argument}` should be an int >= 1. Received: {value!r}")
    return value


class AugMix(BaseImagePreprocessingLayer):
    """AugMix (Hendrycks et al., 2020, arXiv:1912.02781): during training, ``num_chains``
    chains of up to ``chain_depth`` random operations each (a step may be skipped) are
    mixed with Dirichlet(``alpha``) weights, and the mixture blended with the original by
    a Beta(``alpha``, ``alpha``) weight; clipped to ``value_range``.

    ``factor`` is the magnitude range passed to each operation (as in RandAugment).
    Which operations form the chains is drawn in Python each call, as Keras does (a
    compiled step keeps the chains it was traced with): from the layer's own generator when
    ``seed`` is given, else from Python's ``random`` (seeded by ``utils.set_random_seed``).
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        value_range=(0, 255),
        num_chains=3,
        chain_depth=3,
        factor=0.3,
        alpha=1.0,
        all_ops=True,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("AugMix", value_range)
        self.num_chains = _check_positive_int("num_chains", num_chains)
        self.chain_depth = _check_positive_int("chain_depth", chain_depth)
        self._set_factor(factor)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"AugMix: `alpha` should be a positive number. Received: {alpha!r}")
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = interpolation
        self.seed = seed
        self.generator = SeedGenerator(seed)
        self._chooser = python_random.Random(seed) if seed is not None else python_random
        self._operation_names = _ALL_OPERATIONS if self.all_ops else _BASE_OPERATIONS
        for name, layer in make_augmentations(self, self._operation_names).items():
            setattr(self, name, layer)

    def build(self, input_shape):
        for name in self._operation_names:
            getattr(self, name).build(input_shape)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self.generator if seed is None else seed
        concentration = ops.random.gamma((self.num_chains,), self.alpha, seed=seed)
        chain_weights = concentration / ops.sum(concentration)  # Dirichlet(alpha, ...)
        original_weight = ops.random.beta((), self.alpha, self.alpha, seed=seed)
        chains = []
        for _ in range(self.num_chains):
            steps = []
            for _ in range(self.chain_depth):
                name = self._chooser.choice([*self._operation_names, None])
                if name is not None:  # None: this step is skipped
                    layer = getattr(self, name)
                    step = layer.get_random_transformation(data, training=True, seed=seed)
                    steps.append({"layer_name": name, "transformation": step})
            chains.append(steps)
        return {
            "chain_mixing_weights": chain_weights,
            "weight_sample": original_weight,
            "chain_transforms": chains,
        }

    def _mix(self, values, transformation, method):
        dtype = ops.dtype(values)
        chain_weights = ops.cast(transformation["chain_mixing_weights"], dtype)
        original_weight = ops.cast(transformation["weight_sample"], dtype)
        mixture = ops.zeros_like(values)
        for index, steps in enumerate(transformation["chain_transforms"]):
            chained = values
            for step in steps:
                layer = getattr(self, step["layer_name"])
                chained = ops.cast(getattr(layer, method)(chained, step["transformation"]), dtype)
            mixture = mixture + chained * chain_weights[index]
        return original_weight * values + (1 - original_weight) * mixture

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        images = self._mix(images, transformation, "transform_images")
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        return self._mix(segmentation_masks, transformation, "transform_segmentation_masks")

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
