"""RandomErasing: fills a random rectangle of a random share of the images."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    check_value_range,
    images_of,
    per_image,
)
from lamina.layers.preprocessing.image_preprocessing.mixing_boxes import random_boxes_mask
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


def _check_scale(scale) -> tuple:
    message = (
        "RandomErasing: `scale` should be a number (or a list of two numbers) in the range "
        f"[0, 1]. Received: scale={scale!r}"
    )
    if isinstance(scale, (tuple, list)):
        if len(scale) != 2 or not all(isinstance(v, (int, float)) for v in scale):
            raise ValueError(message)
        if scale[0] > 1 or scale[1] < 0:
            raise ValueError(message)
        return tuple(sorted(scale))
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 <= scale <= 1:
        raise ValueError(message)
    return (0, scale)


def _check_fill_value(fill_value):
    if fill_value is None or (
        isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool)
    ):
        return fill_value
    if isinstance(fill_value, (tuple, list)) and len(fill_value) == 3:
        return list(fill_value)
    raise ValueError(
        "RandomErasing: `fill_value` should be None (Gaussian noise), a number or a list of "
        f"three numbers (one per channel). Received: fill_value={fill_value!r}"
    )


class RandomErasing(PixelValueLayer):
    """During training, with probability drawn from factor, replaces one rectangle of
    each image by fill_value (None: Gaussian noise times value_range[1]), clipped to
    value_range. The rectangle's sides are sqrt(s) of the image's, s drawn from
    scale for each side."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        scale=(0.02, 0.33),
        fill_value=None,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = _check_scale(scale)
        self.fill_value = _check_fill_value(fill_value)
        self.value_range = check_value_range("RandomErasing", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        images = images_of(data)
        batch_size = batch_size_of(images)
        if not training:
            return None
        seed = self.generator if seed is None else seed
        shape = tuple(ops.shape(images))
        sides = ops.sqrt(
            ops.random.uniform((batch_size, 2), self.scale[0], self.scale[1], seed=seed)
        )  # (N, 2): width and height shares
        mask, _ = random_boxes_mask(shape, sides[:, 0], sides[:, 1], self.data_format, seed)
        probability = ops.random.uniform((batch_size,), self.factor[0], self.factor[1], seed=seed)
        threshold = ops.random.uniform((batch_size,), seed=seed)
        return {
            "apply_erasing": threshold < probability,
            "batch_masks": mask,
            "fill_value": self._fill(shape, seed),
        }

    def _fill(self, shape, seed):
        if self.fill_value is None:
            fill = ops.random.normal(shape, seed=seed) * self.value_range[1]
        elif isinstance(self.fill_value, list):
            channels = (1, 1, 3) if self.data_format == "channels_last" else (3, 1, 1)
            fill = ops.broadcast_to(
                ops.reshape(ops.convert_to_tensor(self.fill_value, "float32"), channels), shape
            )
        else:
            fill = ops.full(shape, self.fill_value, dtype="float32")
        return ops.clip(fill, self.value_range[0], self.value_range[1])

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        fill = ops.cast(transformation["fill_value"], self.compute_dtype)
        erased = ops.where(transformation["batch_masks"], fill, images)
        return ops.where(per_image(transformation["apply_erasing"], "bool"), erased, images)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }
