"""RandomTranslation: shifts images by a random fraction of their size while training."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes import bounding_box
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes.converters import (
    clip_to_image_size,
)
from lamina.layers.preprocessing.image_preprocessing.image_geometry import (
    FILL_MODES,
    INTERPOLATIONS,
    batch_size_of,
    check_choice,
    factor_range,
    height_width,
    images_of,
)


class RandomTranslation(BaseImagePreprocessingLayer):
    """Shifts each image while training by a random fraction of its height and width.

    ``height_factor`` / ``width_factor``: a number f (shifts drawn from [-f, f]) or a pair
    ``(lower, upper)``, fractions in [-1, 1] of the height / width; positive moves content
    down / right. Points that come from outside the image follow ``fill_mode``
    (``"reflect"``, ``"wrap"``, ``"constant"`` with ``fill_value``, or ``"nearest"``).
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        self.height_lower, self.height_upper = factor_range(
            "RandomTranslation", "height_factor", height_factor
        )
        self.width_lower, self.width_upper = factor_range(
            "RandomTranslation", "width_factor", width_factor
        )
        check_choice("RandomTranslation", "fill_mode", fill_mode, FILL_MODES)
        check_choice("RandomTranslation", "interpolation", interpolation, INTERPOLATIONS)
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = backend.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        shape = tuple(ops.shape(images))
        height, width = height_width(shape, self.data_format)
        batch_size = batch_size_of(images)
        seed = self.generator if seed is None else seed
        shift_y = ops.random.uniform(
            (batch_size, 1), self.height_lower, self.height_upper, seed=seed
        )
        shift_x = ops.random.uniform((batch_size, 1), self.width_lower, self.width_upper, seed=seed)
        translations = ops.concatenate([shift_x * width, shift_y * height], axis=1)  # (N, 2) px
        return {"translations": ops.cast(translations, "float32"), "input_shape": shape}

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        return ops.image.affine_transform(
            images,
            self._translation_matrix(transformation["translations"]),
            interpolation=interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    @staticmethod
    def _translation_matrix(translations):
        """(N, 8) transforms reading output pixel (x, y) from input (x - dx, y - dy)."""
        count = ops.shape(translations)[0]
        ones, zeros = ops.ones((count, 1)), ops.zeros((count, 1))
        return ops.concatenate(
            [ones, zeros, -translations[:, 0:1], zeros, ones, -translations[:, 1:2], zeros, zeros],
            axis=1,
        )

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = height_width(transformation["input_shape"], self.data_format)
        boxes = bounding_box.convert(
            bounding_boxes["boxes"], self.bounding_box_format, "xyxy", height, width
        )
        translations = transformation["translations"]
        shift = ops.concatenate([translations, translations], axis=-1)  # (N, 4): dx dy dx dy
        shift = ops.cast(shift, ops.dtype(boxes))
        boxes = boxes + (shift[:, None, :] if len(ops.shape(boxes)) == 3 else shift)
        clipped = clip_to_image_size(
            {**bounding_boxes, "boxes": boxes}, height=height, width=width
        )
        clipped["boxes"] = bounding_box.convert(
            clipped["boxes"], "xyxy", self.bounding_box_format, height, width
        )
        return clipped

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }
