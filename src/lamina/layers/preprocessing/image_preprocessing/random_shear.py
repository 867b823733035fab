"""RandomShear: shears images along x and/or y by random amounts while training."""

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
    factor_range,
    height_width,
    images_of,
)


def _shear_range(name, factor):
    """A number f in [0, 1] draws from [-f, f]; a pair (as Keras writes it back in its
    config) is a range within [-1, 1]."""
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and factor < 0:
        raise ValueError(
            f"RandomShear: `{name}` should be a number in [0, 1] or a pair of numbers in "
            f"[-1, 1]. Received: {name}={factor}"
        )
    return factor_range("RandomShear", name, factor)


class RandomShear(BaseImagePreprocessingLayer):
    """Shears each image while training: output pixel ``(x, y)`` reads the input at
    ``(x + sx * y, y + sy * x)``, with ``sx`` drawn from ``x_factor`` and ``sy`` from
    ``y_factor`` (a number f draws from [-f, f]) and one random sign per image, as Keras.
    Bounding boxes become the boxes around their sheared corners.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        x_factor=0.0,
        y_factor=0.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        data_format=None,
        seed=None,
        **kwargs,
    ):
        x_range = _shear_range("x_factor", x_factor)
        y_range = _shear_range("y_factor", y_factor)
        check_choice("RandomShear", "fill_mode", fill_mode, FILL_MODES)
        check_choice("RandomShear", "interpolation", interpolation, INTERPOLATIONS)
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = x_range
        self.y_factor = y_range
        self._x_factor_argument, self._y_factor_argument = x_factor, y_factor
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.seed = seed
        self.generator = backend.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        batch_size = batch_size_of(images)
        seed = self.generator if seed is None else seed
        sign = ops.where(ops.random.uniform((batch_size, 1), seed=seed) > 0.5, -1.0, 1.0)
        shear_y = ops.random.uniform((batch_size, 1), *self.y_factor, seed=seed)
        shear_x = ops.random.uniform((batch_size, 1), *self.x_factor, seed=seed)
        shear_factor = ops.concatenate([shear_x, shear_y], axis=1) * sign  # (N, 2)
        return {"shear_factor": shear_factor, "input_shape": tuple(ops.shape(images))}

    @staticmethod
    def _shear_matrix(shear_factor):
        count = ops.shape(shear_factor)[0]
        ones, zeros = ops.ones((count,)), ops.zeros((count,))
        shear_factor = ops.cast(shear_factor, "float32")
        return ops.stack(
            [ones, shear_factor[:, 0], zeros, shear_factor[:, 1], ones, zeros, zeros, zeros],
            axis=1,
        )

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        return ops.image.affine_transform(
            images,
            self._shear_matrix(transformation["shear_factor"]),
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
        height, width = height_width(transformation["input_shape"], self.data_format)
        xyxy = bounding_box.convert(
            bounding_boxes["boxes"], self.bounding_box_format, "xyxy", height, width
        )
        shear = ops.cast(transformation["shear_factor"], "float32")
        sx, sy = shear[:, 0:1], shear[:, 1:2]  # (N, 1)
        if len(ops.shape(xyxy)) == 3:
            sx, sy = sx[:, :, None], sy[:, :, None]  # (N, 1, 1) against (N, boxes, corners)
        # Content moves by the inverse of the sampling map [[1, sx], [sy, 1]].
        determinant = 1.0 - sx * sy
        x1, y1, x2, y2 = (xyxy[..., i : i + 1] for i in range(4))
        corner_x = ops.concatenate([x1, x2, x2, x1], axis=-1)
        corner_y = ops.concatenate([y1, y1, y2, y2], axis=-1)
        new_x = (corner_x - sx * corner_y) / determinant
        new_y = (corner_y - sy * corner_x) / determinant
        moved = ops.stack(
            [ops.min(new_x, axis=-1), ops.min(new_y, axis=-1), ops.max(new_x, axis=-1),
             ops.max(new_y, axis=-1)],
            axis=-1,
        )  # fmt: skip
        result = clip_to_image_size({**bounding_boxes, "boxes": moved}, height, width)
        result["boxes"] = bounding_box.convert(
            result["boxes"], "xyxy", self.bounding_box_format, height, width
        )
        return result

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "x_factor": self._x_factor_argument,
            "y_factor": self._y_factor_argument,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }
