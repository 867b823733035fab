"""RandomFlip: flips images left-right and/or top-bottom at random while training."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes import bounding_box
from lamina.layers.preprocessing.image_preprocessing.image_geometry import (
    check_choice,
    height_width,
    images_of,
)

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(BaseImagePreprocessingLayer):
    """Flips each image with probability 1/2 while training (identity at inference).

    ``mode`` is ``"horizontal"`` (left-right), ``"vertical"`` (top-bottom) or
    ``"horizontal_and_vertical"`` (both, decided by one draw per image, as Keras). Bounding
    boxes and segmentation masks flip with their image.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        check_choice("RandomFlip", "mode", mode, (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL))
        super().__init__(data_format=data_format, **kwargs)
        self.mode = mode
        self.seed = seed
        self.generator = backend.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = tuple(ops.shape(images_of(data)))
        flips_shape = (1, 1, 1) if len(shape) == 3 else (shape[0], 1, 1, 1)
        draws = ops.random.uniform(flips_shape, seed=self.generator if seed is None else seed)
        return {"flips": ops.less_equal(draws, 0.5), "input_shape": shape}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        flips = transformation["flips"]
        width_axis, height_axis = (-2, -3) if self.data_format == "channels_last" else (-1, -2)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, ops.flip(images, axis=width_axis), images)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, ops.flip(images, axis=height_axis), images)
        return images

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training=training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = height_width(transformation["input_shape"], self.data_format)
        boxes = bounding_box.convert(
            bounding_boxes["boxes"], self.bounding_box_format, "rel_xyxy", height, width
        )
        flips = ops.reshape(transformation["flips"], (-1, 1, 1))  # (batch, 1, 1)
        x1, y1, x2, y2 = ops.split(boxes, 4, axis=-1)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            x1, x2 = ops.where(flips, 1 - x2, x1), ops.where(flips, 1 - x1, x2)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            y1, y2 = ops.where(flips, 1 - y2, y1), ops.where(flips, 1 - y1, y2)
        boxes = bounding_box.clip_xyxy(ops.concatenate([x1, y1, x2, y2], axis=-1), 1.0, 1.0)
        boxes = bounding_box.convert(boxes, "rel_xyxy", self.bounding_box_format, height, width)
        return {**bounding_boxes, "boxes": boxes}

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}
