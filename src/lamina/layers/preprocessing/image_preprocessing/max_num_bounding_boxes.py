"""MaxNumBoundingBoxes: pads or truncates bounding boxes to a fixed count per image."""

from __future__ import annotations

from lamina import ops
from lamina.backend import KerasTensor
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)


class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Gives every image exactly ``max_number`` boxes: extra boxes are dropped, missing ones
    are added with boxes and labels of ``fill_value``. Images pass through unchanged. Use it
    to batch detection data whose images hold different numbers of boxes.
    """

    def __init__(self, max_number, fill_value=-1, **kwargs):
        if isinstance(max_number, bool) or not isinstance(max_number, int) or max_number < 1:
            raise ValueError(
                "MaxNumBoundingBoxes: `max_number` must be a positive int. "
                f"Received: max_number={max_number!r}"
            )
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def transform_images(self, images, transformation=None, training=True):
        return images

    def transform_labels(self, labels, transformation=None, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return segmentation_masks

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
        missing = max(self.max_number - ops.shape(boxes)[1], 0)
        boxes = ops.pad(
            boxes[:, : self.max_number], [(0, 0), (0, missing), (0, 0)],
            constant_values=self.fill_value,
        )  # fmt: skip
        label_padding = [(0, 0), (0, missing)] + [(0, 0)] * (len(ops.shape(labels)) - 2)
        labels = ops.pad(
            labels[:, : self.max_number], label_padding, constant_values=self.fill_value
        )
        return {**bounding_boxes, "boxes": boxes, "labels": labels}

    def compute_output_spec(self, data, training=True):
        if not isinstance(data, dict):
            return KerasTensor(tuple(data.shape), dtype=data.dtype)
        outputs = dict(data)
        boxes = data.get("bounding_boxes")
        if isinstance(boxes, dict):
            resized = dict(boxes)
            for key in ("boxes", "labels"):
                if isinstance(boxes.get(key), KerasTensor):
                    shape = list(boxes[key].shape)
                    shape[-2 if key == "boxes" else 1] = self.max_number
                    resized[key] = KerasTensor(tuple(shape), dtype=boxes[key].dtype)
            outputs["bounding_boxes"] = resized
        return outputs

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "max_number": self.max_number,
            "fill_value": self.fill_value,
        }
