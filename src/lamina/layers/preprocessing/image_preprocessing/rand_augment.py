"""RandAugment: applies ``num_ops`` operations picked at random from a fixed list."""

from __future__ import annotations

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

# Keras 3.15's list and order (the drawn index picks from it).
_OPERATIONS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)


class RandAugment(BaseImagePreprocessingLayer):
    """RandAugment (Cubuk et al., 2019, arXiv:1909.13719): during training, ``num_ops``
    times in a row, one operation drawn uniformly from shear, translation, rotation,
    brightness, colour degeneration, contrast, sharpness, posterization, solarization,
    auto-contrast and equalization is applied to the whole batch.

    ``factor`` (a number ``f`` in [0, 1] meaning ``[0, f]``, or a pair) is the magnitude
    range passed to every operation; posterization keeps ``max(1, int(8 * upper))`` bits at
    most. Labels pass through; boxes and masks follow the geometric operations.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        value_range=(0, 255),
        num_ops=2,
        factor=0.5,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("RandAugment", value_range)
        if isinstance(num_ops, bool) or not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(
                f"RandAugment: `num_ops` should be an int >= 0. Received: num_ops={num_ops!r}"
            )
        self.num_ops = num_ops
        self._set_factor(factor)
        self.interpolation = interpolation
        self.seed = seed
        self.generator = SeedGenerator(seed)
        for name, layer in make_augmentations(self, _OPERATIONS).items():
            setattr(self, name, layer)

    def _operations(self):
        return [getattr(self, name) for name in _OPERATIONS]

    def build(self, input_shape):
        for layer in self._operations():
            layer.build(input_shape)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self.generator if seed is None else seed
        chosen = ops.random.randint((self.num_ops,), 0, len(_OPERATIONS), seed=seed)
        transforms = {
            name: layer.get_random_transformation(data, training=True, seed=seed)
            for name, layer in zip(_OPERATIONS, self._operations())
        }
        return {"transforms": transforms, "layer_idxes": chosen}

    def _apply(self, values, transformation, method):
        """``num_ops`` rounds of ``layer.<method>(values, its transformation)``, the layer
        picked by the drawn index (``ops.switch``: only that branch runs)."""
        transforms = transformation["transforms"]

        def branch(name, layer):
            return lambda current: getattr(layer, method)(current, transforms[name])

        branches = [branch(name, layer) for name, layer in zip(_OPERATIONS, self._operations())]
        for step in range(self.num_ops):
            values = ops.switch(transformation["layer_idxes"][step], branches, values)
        return values

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        return self._apply(images, transformation, "transform_images")

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        return self._apply(bounding_boxes, transformation, "transform_bounding_boxes")

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        return self._apply(segmentation_masks, transformation, "transform_segmentation_masks")

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
