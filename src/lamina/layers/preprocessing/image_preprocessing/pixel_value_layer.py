"""PixelValueLayer: base of the layers that change pixel values only (colour, intensity)."""

from __future__ import annotations

from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)


class PixelValueLayer(BaseImagePreprocessingLayer):
    """An image layer whose transformation moves no pixel: labels, bounding boxes and
    segmentation masks pass through unchanged (as in each such Keras layer)."""

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks
