"""MixUp: blends each image and its label with another example of the batch."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    images_of,
)
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)


class MixUp(BaseImagePreprocessingLayer):
    """MixUp (Zhang et al., 2018, arXiv:1710.09412): during training, each example ``i``
    becomes ``w * x_i + (1 - w) * x_p(i)`` for a random permutation ``p`` of the batch and
    ``w ~ Beta(alpha, alpha)`` per example; labels and segmentation masks mix with the same
    weights. Bounding boxes of both examples are kept (concatenated along the box axis).
    """

    _USE_BASE_FACTOR = False

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number. Received: alpha={alpha!r}")
        self.alpha = alpha
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        seed = self.generator if seed is None else seed
        order = ops.random.shuffle(ops.arange(batch_size, dtype="int64"), seed=seed)
        weight = ops.random.beta((batch_size,), self.alpha, self.alpha, seed=seed)
        return {"mix_weight": weight, "permutation_order": order}

    def _mix(self, values, transformation):
        values = ops.cast(values, self.compute_dtype)
        partners = ops.take(values, transformation["permutation_order"], axis=0)
        rank = len(ops.shape(values))
        weight = ops.reshape(
            ops.cast(transformation["mix_weight"], self.compute_dtype), (-1,) + (1,) * (rank - 1)
        )
        return weight * values + (1.0 - weight) * partners

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        return self._mix(images, transformation)

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        return self._mix(labels, transformation)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        return self._mix(segmentation_masks, transformation)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        order = transformation["permutation_order"]
        boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
        # Keras 3.15 joins the partner's box labels along the batch axis, which breaks the
        # (batch, boxes) layout; both go along the box axis here.
        return {
            **bounding_boxes,
            "boxes": ops.concatenate([boxes, ops.take(boxes, order, axis=0)], axis=1),
            "labels": ops.concatenate([labels, ops.take(labels, order, axis=0)], axis=1),
        }

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}
