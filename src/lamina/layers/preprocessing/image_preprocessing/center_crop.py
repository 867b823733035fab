"""CenterCrop: crops the central (height, width) window of images."""

from __future__ import annotations

from lamina import ops
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


class CenterCrop(BaseImagePreprocessingLayer):
    """Crops the central ``height`` x ``width`` window, at training and inference alike.

    An image smaller than the target on either side is instead cropped to the target's
    aspect ratio and resized to it (bilinear), as Keras's ``smart_resize``. Bounding boxes
    and segmentation masks follow.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, data_format=None, **kwargs):
        for name, value in (("height", height), ("width", width)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"CenterCrop: `{name}` must be a positive int. Received: {name}={value!r}"
                )
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def get_random_transformation(self, data, training=True, seed=None):
        return {"input_shape": tuple(ops.shape(images_of(data)))}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        height, width = height_width(tuple(ops.shape(images)), self.data_format)
        if height < self.height or width < self.width:
            return ops.image.resize(
                images, (self.height, self.width), crop_to_aspect_ratio=True,
                data_format=self.data_format,
            )  # fmt: skip
        top, left = (height - self.height) // 2, (width - self.width) // 2
        rows, columns = slice(top, top + self.height), slice(left, left + self.width)
        if self.data_format == "channels_first":
            return images[..., rows, columns]
        return images[..., rows, columns, :]

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training=training)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def _window(self, height, width):
        """(top, left, window height, window width, rescale) of the kept input region."""
        if height >= self.height and width >= self.width:
            return int((height - self.height) / 2), int((width - self.width) / 2), None
        crop_height = max(min(height, int(float(width * self.height) / self.width)), 1)
        crop_width = max(min(width, int(float(height * self.width) / self.height)), 1)
        top, left = int((height - crop_height) / 2), int((width - crop_width) / 2)
        return top, left, (crop_height, crop_width)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        height, width = height_width(transformation["input_shape"], self.data_format)
        xyxy = bounding_box.convert(
            bounding_boxes["boxes"], self.bounding_box_format, "xyxy", height, width
        )
        top, left, crop_size = self._window(height, width)
        window_height, window_width = crop_size or (self.height, self.width)
        xyxy = bounding_box.crop_xyxy(xyxy, top, left, window_height, window_width)
        if crop_size is not None:  # the window is then resized to the target size
            scale_x, scale_y = self.width / window_width, self.height / window_height
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
        return {**super().get_config(), "height": self.height, "width": self.width}
