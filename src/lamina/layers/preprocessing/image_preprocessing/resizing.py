"""Resizing: resizes images to a fixed (height, width), optionally keeping the aspect ratio."""

from __future__ import annotations

from lamina import backend, ops
from lamina.backend import KerasTensor
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

_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")


class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to ``(height, width)``, at training and inference alike.

    ``crop_to_aspect_ratio=True`` first crops the largest centred box of the target aspect
    ratio; ``pad_to_aspect_ratio=True`` instead pads it with ``fill_value``. Integer images
    stay integers (rounded and clipped to the dtype's range). Bounding boxes are scaled,
    shifted and clipped to match; segmentation masks use nearest-neighbour sampling.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height,
        width,
        interpolation="bilinear",
        crop_to_aspect_ratio=False,
        pad_to_aspect_ratio=False,
        fill_mode="constant",
        fill_value=0.0,
        antialias=False,
        data_format=None,
        **kwargs,
    ):
        for name, value in (("height", height), ("width", width)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"Resizing: `{name}` must be a positive int. Received: {name}={value!r}"
                )
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"Resizing: `interpolation` must be one of {list(_INTERPOLATIONS)}. "
                f"Received: interpolation={interpolation!r}"
            )
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Resizing: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can "
                "be True. Received both."
            )
        if fill_mode != "constant":
            raise ValueError(
                f"Resizing: `fill_mode` must be 'constant'. Received: fill_mode={fill_mode!r}"
            )
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def get_random_transformation(self, data, training=True, seed=None):
        return height_width(tuple(ops.shape(images_of(data))), self.data_format)

    def _transform_images(self, images, transformation, interpolation):
        resized = ops.image.resize(
            images,
            size=(self.height, self.width),
            interpolation=interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )
        dtype = ops.dtype(images)
        if ops.dtype(resized) == dtype:
            return resized
        if backend.is_int_dtype(dtype):
            resized = ops.round(resized)
        return ops.saturate_cast(resized, dtype)

    def transform_images(self, images, transformation=None, training=True):
        return self._transform_images(images, transformation, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return self._transform_images(segmentation_masks, transformation, "nearest")

    def transform_labels(self, labels, transformation=None, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        input_height, input_width = transformation
        boxes = ops.convert_to_tensor(bounding_boxes["boxes"])
        # All -1 or all 0: padding entries (see MaxNumBoundingBoxes); they stay zeros.
        is_padding = ops.logical_or(ops.all(boxes == -1, axis=-1), ops.all(boxes == 0, axis=-1))
        xyxy = bounding_box.convert(
            boxes, self.bounding_box_format, "xyxy", input_height, input_width
        )
        scale_x, scale_y, shift_x, shift_y = self._box_mapping(input_height, input_width)
        x1, y1, x2, y2 = ops.split(xyxy, 4, axis=-1)
        xyxy = ops.concatenate(
            [x1 * scale_x - shift_x, y1 * scale_y - shift_y,
             x2 * scale_x - shift_x, y2 * scale_y - shift_y],
            axis=-1,
        )  # fmt: skip
        result = clip_to_image_size(
            {**bounding_boxes, "boxes": xyxy}, height=self.height, width=self.width
        )
        result["boxes"] = ops.where(
            ops.expand_dims(is_padding, -1), ops.zeros_like(result["boxes"]), result["boxes"]
        )
        result["boxes"] = bounding_box.convert(
            result["boxes"], "xyxy", self.bounding_box_format, self.height, self.width
        )
        return result

    def _box_mapping(self, input_height, input_width):
        """(scale_x, scale_y, shift_x, shift_y): output = input * scale - shift, in pixels."""
        if self.pad_to_aspect_ratio:
            scale = min(self.height / input_height, self.width / input_width)
            shift_x = -((self.width - input_width * scale) // 2)
            shift_y = -((self.height - input_height * scale) // 2)
            return scale, scale, shift_x, shift_y
        if self.crop_to_aspect_ratio:
            source_ratio = input_width / input_height
            if source_ratio > self.width / self.height:  # wider: crop the sides
                new_width, new_height = self.height * source_ratio, float(self.height)
            else:
                new_width, new_height = float(self.width), self.width / source_ratio
            return (
                new_width / input_width,
                new_height / input_height,
                (new_width - self.width) // 2,
                (new_height - self.height) // 2,
            )
        return self.width / input_width, self.height / input_height, 0.0, 0.0

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if self.data_format == "channels_last":
            shape[-3], shape[-2] = self.height, self.width
        else:
            shape[-2], shape[-1] = self.height, self.width
        return tuple(shape)

    def compute_output_spec(self, data, training=True):
        outputs = super().compute_output_spec(data, training)
        # Keras keeps the input dtype (an integer image stays an integer image).
        if isinstance(outputs, dict):
            images = outputs["images"]
            outputs["images"] = KerasTensor(images.shape, dtype=data["images"].dtype)
            return outputs
        return KerasTensor(outputs.shape, dtype=data.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }
