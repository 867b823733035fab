"""RandomCrop: crops a random (height, width) window while training."""

from __future__ import annotations

import random

from lamina import backend, ops
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes import bounding_box
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes.converters import (
    clip_to_image_size,
)
from lamina.layers.preprocessing.image_preprocessing.image_geometry import (
    height_width,
    images_of,
)


class RandomCrop(BaseImagePreprocessingLayer):
    """Crops one random ``height`` x ``width`` window (the same for the whole batch) while
    training. At inference, and for images not larger than the target, it crops the
    largest centred window of the target's aspect ratio and resizes it to the target (the
    behaviour Keras documents; Keras 3.15 itself returns the input unchanged at inference,
    which contradicts its own output shape).
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        for argument, value in (("height", height), ("width", width)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"RandomCrop: `{argument}` must be a positive int. "
                    f"Received: {argument}={value!r}"
                )
        super().__init__(data_format=data_format, name=name, **kwargs)
        self.height = height
        self.width = width
        # As Keras: an unseeded layer still records the seed it drew, in its config.
        self.seed = seed if seed is not None else random.randint(1, 2**31 - 1)
        self.generator = backend.SeedGenerator(seed)
        self.supports_jit = False  # the window's offsets are Python ints (static slices)

    def get_random_transformation(self, data, training=True, seed=None):
        height, width = height_width(tuple(ops.shape(images_of(data))), self.data_format)
        if height is None or width is None:
            raise ValueError(
                "RandomCrop requires the input to have a fully defined height and width. "
                f"Received: images.shape={tuple(ops.shape(images_of(data)))}"
            )
        if training and height > self.height and width > self.width:
            seed = self.generator if seed is None else seed
            top = ops.random.randint((), 0, height - self.height + 1, seed=seed)
            left = ops.random.randint((), 0, width - self.width + 1, seed=seed)
            return {"top": int(top), "left": int(left), "crop_height": self.height,
                    "crop_width": self.width, "input_shape": (height, width)}  # fmt: skip
        crop_height = max(min(height, int(float(width * self.height) / self.width)), 1)
        crop_width = max(min(width, int(float(height * self.width) / self.height)), 1)
        return {
            "top": int(float(height - crop_height) / 2),
            "left": int(float(width - crop_width) / 2),
            "crop_height": crop_height,
            "crop_width": crop_width,
            "input_shape": (height, width),
        }

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        top, left = transformation["top"], transformation["left"]
        rows = slice(top, top + transformation["crop_height"])
        columns = slice(left, left + transformation["crop_width"])
        if self.data_format == "channels_first":
            images = images[..., rows, columns]
        else:
            images = images[..., rows, columns, :]
        if height_width(tuple(ops.shape(images)), self.data_format) != (self.height, self.width):
            images = ops.image.resize(
                images, (self.height, self.width), data_format=self.data_format
            )
            images = ops.cast(images, self.compute_dtype)
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        height, width = transformation["input_shape"]
        crop_height, crop_width = transformation["crop_height"], transformation["crop_width"]
        xyxy = bounding_box.convert(
            bounding_boxes["boxes"], self.bounding_box_format, "xyxy", height, width
        )
        xyxy = bounding_box.crop_xyxy(
            xyxy, transformation["top"], transformation["left"], crop_height, crop_width
        )
        scale_x, scale_y = self.width / crop_width, self.height / crop_height
        xyxy = xyxy * ops.convert_to_tensor([scale_x, scale_y, scale_x, scale_y], "float32")
        result = clip_to_image_size(
            {**bounding_boxes, "boxes": xyxy}, height=self.height, width=self.width
        )
        result["boxes"] = bounding_box.convert(
            result["boxes"], "xyxy", self.bounding_box_format, self.height, self.width
        )
        return result

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if self.data_format == "channels_last":
            shape[-3], shape[-2] = self.height, self.width
        else:
            shape[-2], shape[-1] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "seed": self.seed,
        }
