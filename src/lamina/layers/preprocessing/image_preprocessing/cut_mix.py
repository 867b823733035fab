"""CutMix: pastes a random rectangle of another example of the batch into each image."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.mixing_boxes import random_boxes_mask


class CutMix(BaseImagePreprocessingLayer):
    """CutMix (Yun et al., 2019, arXiv:1905.04899): during training, a rectangle of each
    image is replaced by the same rectangle of another example (a random permutation of
    the batch); labels mix in proportion to the area kept, segmentation masks are cut and
    pasted like the images. A single image (no batch) is returned unchanged.

    The rectangle covers ``1 - w`` of the image, ``w ~ Beta(a, a)`` per example, with
    ``a`` drawn once per call from ``factor`` (a number ``f`` in [0, 1] means ``[0, f]``).
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        shape = tuple(ops.shape(images))
        if not training or len(shape) == 3:
            return None
        seed = self.generator if seed is None else seed
        batch_size = shape[0]
        alpha = ops.random.uniform((), self.factor[0], self.factor[1], seed=seed) + 1e-6
        weight = ops.random.beta((batch_size,), alpha, alpha, seed=seed)
        side = ops.sqrt(1.0 - weight)  # (N,) share of each side inside the rectangle
        mask, area = random_boxes_mask(shape, side, side, self.data_format, seed)
        order = ops.random.shuffle(ops.arange(batch_size, dtype="int32"), seed=seed)
        return {"permutation_order": order, "batch_masks": mask, "mix_weight": 1.0 - area}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        partners = ops.take(images, transformation["permutation_order"], axis=0)
        return ops.where(transformation["batch_masks"], partners, images)

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        labels = ops.cast(labels, self.compute_dtype)
        partners = ops.take(labels, transformation["permutation_order"], axis=0)
        weight = ops.reshape(ops.cast(transformation["mix_weight"], self.compute_dtype), (-1, 1))
        return weight * labels + (1.0 - weight) * partners

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError(
            "CutMix does not transform bounding boxes (nor does Keras 3.15): a pasted "
            "rectangle cuts boxes of both images."
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
