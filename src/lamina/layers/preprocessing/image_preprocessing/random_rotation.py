"""RandomRotation: rotates images by a random angle while training."""

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
    height_width,
    images_of,
)


class RandomRotation(BaseImagePreprocessingLayer):
    """Rotates each image about its centre while training, by an angle drawn from
    ``factor`` (fractions of a full turn: ``0.1`` draws from [-36, 36] degrees; a pair
    gives the range). Positive angles turn content counter-clockwise. Points from outside
    the image follow ``fill_mode`` (``"reflect"``, ``"wrap"``, ``"constant"`` with
    ``fill_value``, ``"nearest"``). Bounding boxes become the boxes around their rotated
    corners.
    """

    def __init__(
        self,
        factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        check_choice("RandomRotation", "fill_mode", fill_mode, FILL_MODES)
        check_choice("RandomRotation", "interpolation", interpolation, INTERPOLATIONS)
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.seed = seed
        self.generator = backend.SeedGenerator(seed)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        height, width = height_width(tuple(ops.shape(images)), self.data_format)
        batch_size = batch_size_of(images)
        angle = ops.random.uniform(
            (batch_size,),
            self.factor[0] * 360.0,
            self.factor[1] * 360.0,
            seed=self.generator if seed is None else seed,
        )
        return self._transformation(angle, height, width)

    def _transformation(self, angle, height, width):
        """The transformation dict for given angles (degrees), one per image."""
        angle = ops.convert_to_tensor(angle, dtype="float32")
        batch_size = ops.shape(angle)[0]
        zeros, ones = ops.zeros((batch_size,)), ops.ones((batch_size,))
        matrix = self._compute_affine_matrix(
            0.5, 0.5, angle, zeros, zeros, ones, zeros, zeros, height, width
        )
        return {
            "angle": angle,
            "rotation_matrix": matrix,
            "image_height": height,
            "image_width": width,
            "batch_size": batch_size,
        }

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        return ops.image.affine_transform(
            images,
            transformation["rotation_matrix"],
            interpolation=interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = transformation["image_height"], transformation["image_width"]
        count = transformation["batch_size"]
        zeros, ones = ops.zeros((count,)), ops.ones((count,))
        xyxy = bounding_box.convert(
            bounding_boxes["boxes"], self.bounding_box_format, "xyxy", height, width
        )
        moved = bounding_box.affine_xyxy(
            xyxy, transformation["angle"], zeros, zeros, ones, zeros, zeros, height, width
        )
        result = clip_to_image_size({**bounding_boxes, "boxes": moved}, height, width)
        result["boxes"] = bounding_box.convert(
            result["boxes"], "xyxy", self.bounding_box_format, height, width
        )
        return result

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
