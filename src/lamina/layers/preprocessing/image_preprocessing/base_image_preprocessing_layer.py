"""BaseImagePreprocessingLayer: the contract every image preprocessing layer follows.

A layer draws one transformation per call (``get_random_transformation``) and applies it
consistently to every part of its input: images, labels, bounding boxes and segmentation
masks (Keras 3's design). Subclasses override the ``transform_*`` methods they need.
"""

from __future__ import annotations

import math

from lamina import backend, ops
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes.validation import (
    densify_bounding_boxes,
)

_DATA_KEYS = ("images", "labels", "bounding_boxes", "segmentation_masks")


class BaseImagePreprocessingLayer(Layer):
    """Base of the image preprocessing and augmentation layers.

    ``call(data, training=True)`` takes a batch of images ``(N, H, W, C)``, one image
    ``(H, W, C)`` (``channels_first`` swaps the channel axis), or a dict with ``"images"``
    and optionally ``"labels"``, ``"bounding_boxes"`` (a dict of ``"boxes"`` and
    ``"labels"``, in ``bounding_box_format``) and ``"segmentation_masks"``. It returns the
    same structure (a new dict; the input is not modified).

    Subclasses set ``_USE_BASE_FACTOR = False`` when they take no ``factor``, or
    ``_FACTOR_BOUNDS`` for the range a ``factor`` may span; ``self.factor`` is then the
    ``(lower, upper)`` pair. Random subclasses keep ``self.seed`` and
    ``self.generator = SeedGenerator(seed)`` and draw from it in
    ``get_random_transformation``, so ``utils.set_random_seed`` or ``seed=`` repeats runs.
    """

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS: tuple = (-1, 1)

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = backend.standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(
                f"Layer {type(self).__name__} does not take a `factor` argument. "
                f"Received: factor={factor}"
            )

    def _set_factor(self, factor) -> None:
        """``factor`` (a number f, or a pair) to ``self.factor = (lower, upper)``: a number
        means ``(-|f|, |f|)`` cut to ``_FACTOR_BOUNDS``; a pair is sorted."""
        low, high = self._FACTOR_BOUNDS
        message = (
            "The `factor` argument should be a number (or a list of two numbers) in the "
            f"range [{low}, {high}]. Received: factor={factor}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or not all(_is_number(value) for value in factor):
                raise ValueError(message)
            if factor[0] > high or factor[1] < low:
                raise ValueError(message)
            lower, upper = sorted(factor)
        elif _is_number(factor):
            if factor < low or factor > high:
                raise ValueError(message)
            factor = abs(factor)
            lower, upper = max(-factor, low), factor
        else:
            raise ValueError(message)
        self.factor = (lower, upper)

    # ---- what subclasses override --------------------------------------------------------

    def get_random_transformation(self, data, training=True, seed=None):
        """The parameters of one transformation for ``data`` (None: the identity)."""

    def _transform_images(self, images, transformation, interpolation):
        raise NotImplementedError(
            f"{type(self).__name__} must implement transform_images or _transform_images."
        )

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if training:
            interpolation = getattr(self, "interpolation", "bilinear")
            images = self._transform_images(images, transformation, interpolation)
        return images

    def transform_labels(self, labels, transformation, training=True):
        raise NotImplementedError(f"{type(self).__name__} does not transform labels.")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError(f"{type(self).__name__} does not transform bounding boxes.")

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        """Masks move with the image, sampled with nearest neighbours (labels stay labels)."""
        if training:
            segmentation_masks = self._transform_images(
                segmentation_masks, transformation, "nearest"
            )
        return segmentation_masks

    # ---- one image instead of a batch ----------------------------------------------------

    def transform_single_image(self, image, transformation, training=True):
        images = self.transform_images(ops.expand_dims(image, 0), transformation, training)
        return ops.squeeze(images, axis=0)

    def transform_single_label(self, label, transformation, training=True):
        labels = self.transform_labels(ops.expand_dims(label, 0), transformation, training)
        return ops.squeeze(labels, axis=0)

    def transform_single_bounding_box(self, bounding_box, transformation, training=True):
        batched = _map_boxes(bounding_box, lambda value: ops.expand_dims(value, 0))
        outputs = self.transform_bounding_boxes(batched, transformation, training)
        return _map_boxes(outputs, lambda value: ops.squeeze(value, axis=0))

    def transform_single_segmentation_mask(self, segmentation_mask, transformation, training=True):
        masks = self.transform_segmentation_masks(
            ops.expand_dims(segmentation_mask, 0), transformation, training
        )
        return ops.squeeze(masks, axis=0)

    # ---- calling -------------------------------------------------------------------------

    def _is_batched(self, images) -> bool:
        rank = len(ops.shape(images))
        if rank not in (3, 4):
            raise ValueError(
                "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
                f"Received: data.shape={tuple(ops.shape(images))}"
            )
        return rank == 4

    def _convert_inputs(self, inputs):
        if isinstance(inputs, dict):  # only the images are cast; boxes may be Python lists
            converted = dict(inputs)
            if "images" in converted:
                converted["images"] = super()._convert_inputs(converted["images"])
            return converted
        return super()._convert_inputs(inputs)

    def call(self, data, training=True):
        if isinstance(data, dict):
            self._check_dict(data)
        transformation = self.get_random_transformation(data, training=training)
        if not isinstance(data, dict):
            images = ops.convert_to_tensor(data)
            if self._is_batched(images):
                return self.transform_images(images, transformation, training=training)
            return self.transform_single_image(images, transformation, training=training)
        return self._transform_dict(data, transformation, training)

    def _transform_dict(self, data, transformation, training):
        data = dict(data)
        images = ops.convert_to_tensor(data["images"])
        batched = self._is_batched(images)
        if batched:
            data["images"] = self.transform_images(images, transformation, training=training)
        else:
            data["images"] = self.transform_single_image(images, transformation, training)
        if "bounding_boxes" in data:
            boxes = densify_bounding_boxes(data["bounding_boxes"], is_batched=batched)
            transform = (
                self.transform_bounding_boxes if batched else self.transform_single_bounding_box
            )
            data["bounding_boxes"] = transform(boxes, transformation, training=training)
        if "labels" in data:
            labels = ops.convert_to_tensor(data["labels"])
            transform = self.transform_labels if batched else self.transform_single_label
            data["labels"] = transform(labels, transformation, training=training)
        if "segmentation_masks" in data:
            masks = ops.convert_to_tensor(data["segmentation_masks"])
            transform = (
                self.transform_segmentation_masks
                if batched
                else self.transform_single_segmentation_mask
            )
            data["segmentation_masks"] = transform(masks, transformation, training=training)
        return data

    def _check_dict(self, data) -> None:
        if "images" not in data:
            raise ValueError(
                f"{type(self).__name__} expects a dict input to hold an 'images' key "
                f"(and optionally {list(_DATA_KEYS[1:])}). Received keys: {sorted(data)}"
            )
        if "bounding_boxes" in data and not self.bounding_box_format:
            raise ValueError(
                "You passed an input with a 'bounding_boxes' key, but you didn't specify a "
                f"bounding box format. Pass a `bounding_box_format` argument to your "
                f"{type(self).__name__} layer, e.g. `bounding_box_format='xyxy'`."
            )

    # ---- symbolic calls ------------------------------------------------------------------

    def compute_output_shape(self, input_shape):
        """Most layers keep the image shape; resizing and cropping layers override this."""
        return input_shape

    def compute_output_spec(self, data, training=True):
        if not isinstance(data, dict):
            shape = self.compute_output_shape(tuple(data.shape))
            return KerasTensor(shape, dtype=self.compute_dtype)
        outputs = dict(data)
        images_shape = tuple(data["images"].shape)
        outputs["images"] = KerasTensor(
            self.compute_output_shape(images_shape), dtype=self.compute_dtype
        )
        masks = data.get("segmentation_masks")
        if isinstance(masks, KerasTensor):
            shape = self._segmentation_mask_shape(images_shape, tuple(masks.shape))
            outputs["segmentation_masks"] = KerasTensor(shape, dtype=masks.dtype)
        return outputs

    def _segmentation_mask_shape(self, images_shape, masks_shape):
        """Masks take the images' new spatial size and keep their own channel count."""
        output = list(self.compute_output_shape(images_shape))
        channel_axis = -1 if self.data_format == "channels_last" else -3
        output[channel_axis] = masks_shape[channel_axis]
        return tuple(output)

    # ---- config --------------------------------------------------------------------------

    def get_config(self) -> dict:
        config = {**super().get_config(), "data_format": self.data_format}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config

    # ---- helpers for subclasses ----------------------------------------------------------

    def _transform_value_range(self, images, original_range, target_range, dtype="float32"):
        """Map pixel values linearly from ``original_range`` to ``target_range`` (colour
        layers work in (0, 255) internally whatever the user's range)."""
        if tuple(original_range) == tuple(target_range):
            return images
        images = ops.cast(images, dtype)
        original_low, original_high = (float(value) for value in original_range)
        target_low, target_high = (float(value) for value in target_range)
        unit = (images - original_low) / (original_high - original_low)
        return unit * (target_high - target_low) + target_low

    def _compute_affine_matrix(
        self,
        center_x,
        center_y,
        angle,
        translate_x,
        translate_y,
        scale,
        shear_x,
        shear_y,
        height,
        width,
    ):
        """``(batch, 8)`` transforms for ``ops.image.affine_transform`` (output pixel to
        input pixel): scaling, shear (degrees) and rotation (degrees) about the centre
        (fractions of the size), then a translation in pixels."""
        angle = angle * (math.pi / 180.0)
        dtype = ops.dtype(angle)
        batch_size = ops.shape(angle)[0]
        tan_shear_x = ops.tan(shear_x * (math.pi / 180.0))
        tan_shear_y = ops.tan(shear_y * (math.pi / 180.0))
        center_x = center_x * (ops.cast(width, dtype) - 1)
        center_y = center_y * (ops.cast(height, dtype) - 1)
        cos, sin = ops.cos(angle), ops.sin(angle)
        # scale * [[1, shx], [shy, 1]] @ [[cos, -sin], [sin, cos]], about the centre.
        a0 = scale * (cos + tan_shear_x * sin)
        a1 = scale * (tan_shear_x * cos - sin)
        b0 = scale * (tan_shear_y * cos + sin)
        b1 = scale * (cos - tan_shear_y * sin)
        a2 = translate_x + center_x - center_x * a0 - center_y * a1
        b2 = translate_y + center_y - center_x * b0 - center_y * b1
        columns = [a0, a1, a2, b0, b1, b2]
        columns = [ops.broadcast_to(ops.cast(c, dtype), (batch_size,)) for c in columns]
        zeros = ops.zeros((batch_size,), dtype)
        return ops.stack([*columns, zeros, zeros], axis=1)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _map_boxes(bounding_boxes, function):
    result = dict(bounding_boxes)
    for key in ("boxes", "labels"):
        if key in result:
            result[key] = function(result[key])
    return result
