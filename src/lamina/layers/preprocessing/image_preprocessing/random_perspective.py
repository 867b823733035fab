"""RandomPerspective: moves the image corners at random (a projective warp) while training."""

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
    INTERPOLATIONS,
    batch_size_of,
    check_choice,
    height_width,
    images_of,
)


def _point_map(source, target):
    """(N, 3, 3) homographies sending each of the 4 ``source`` points to its ``target``
    (both (N, 4, 2)): eight linear equations in the eight free coefficients."""
    x, y = source[..., 0], source[..., 1]  # (N, 4)
    u, v = target[..., 0], target[..., 1]
    ones, zeros = ops.ones_like(x), ops.zeros_like(x)
    rows_u = ops.stack([x, y, ones, zeros, zeros, zeros, -u * x, -u * y], axis=-1)
    rows_v = ops.stack([zeros, zeros, zeros, x, y, ones, -v * x, -v * y], axis=-1)
    system = ops.concatenate([rows_u, rows_v], axis=-2)  # (N, 8, 8)
    rhs = ops.concatenate([u, v], axis=-1)[..., None]  # (N, 8, 1)
    coefficients = ops.linalg.solve(system, rhs)[..., 0]  # (N, 8)
    full = ops.concatenate([coefficients, ops.ones_like(coefficients[:, :1])], axis=-1)
    return ops.reshape(full, (-1, 3, 3))


class RandomPerspective(BaseImagePreprocessingLayer):
    """Warps each image, with probability drawn from ``factor``, by moving its four corners
    by random fractions (up to ``scale / 2``) of their coordinates, as Keras. Points from
    outside the image take ``fill_value``. Bounding boxes become the boxes around their
    warped corners.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_value=0.0,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        if not isinstance(scale, (int, float)) or not 0.0 <= scale <= 1.0:
            raise ValueError(
                f"The `scale` argument should be a number in the range [0,1]. "
                f"Received: scale={scale}"
            )
        check_choice("RandomPerspective", "interpolation", interpolation, INTERPOLATIONS)
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = scale
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = backend.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        shape = tuple(ops.shape(images))
        height, width = height_width(shape, self.data_format)
        batch_size = batch_size_of(images)
        seed = self.generator if seed is None else seed
        probability = ops.random.uniform((batch_size,), *self.factor, seed=seed)
        apply = ops.random.uniform((batch_size,), seed=seed) < probability
        moves = ops.random.uniform(
            (batch_size, 4, 2), -0.5 * self.scale, 0.5 * self.scale, seed=seed
        )
        corners = [[0.0, 0.0], [width - 1.0, 0.0], [0.0, height - 1.0],
                   [width - 1.0, height - 1.0]]  # fmt: skip
        start_points = ops.repeat(ops.convert_to_tensor([corners], "float32"), batch_size, 0)
        end_points = start_points + start_points * moves
        return {
            "apply_perspective": apply,
            "start_points": start_points,
            "end_points": end_points,
            "input_shape": shape,
        }

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        warped = ops.image.perspective_transform(
            images,
            transformation["start_points"],
            transformation["end_points"],
            interpolation=interpolation,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )
        apply = ops.reshape(transformation["apply_perspective"], (-1, 1, 1, 1))
        return ops.where(apply, warped, images)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = height_width(transformation["input_shape"], self.data_format)
        xyxy = bounding_box.convert(
            bounding_boxes["boxes"], self.bounding_box_format, "xyxy", height, width
        )
        # Content at a start point moves to its end point.
        matrix = _point_map(transformation["start_points"], transformation["end_points"])
        entry = lambda i, j: matrix[:, None, i, j, None]  # noqa: E731  (N, 1, 1)
        x1, y1, x2, y2 = (xyxy[..., i : i + 1] for i in range(4))
        xs = ops.concatenate([x1, x2, x2, x1], axis=-1)  # (N, boxes, 4 corners)
        ys = ops.concatenate([y1, y1, y2, y2], axis=-1)
        scale = entry(2, 0) * xs + entry(2, 1) * ys + entry(2, 2)
        new_x = (entry(0, 0) * xs + entry(0, 1) * ys + entry(0, 2)) / scale
        new_y = (entry(1, 0) * xs + entry(1, 1) * ys + entry(1, 2)) / scale
        moved = ops.stack(
            [ops.min(new_x, axis=-1), ops.min(new_y, axis=-1), ops.max(new_x, axis=-1),
             ops.max(new_y, axis=-1)],
            axis=-1,
        )  # fmt: skip
        apply = ops.reshape(transformation["apply_perspective"], (-1, 1, 1))
        moved = ops.where(apply, moved, xyxy)
        result = clip_to_image_size({**bounding_boxes, "boxes": moved}, height, width)
        result["boxes"] = bounding_box.convert(
            result["boxes"], "xyxy", self.bounding_box_format, height, width
        )
        return result

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }
