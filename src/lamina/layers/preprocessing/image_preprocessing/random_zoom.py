"""RandomZoom: zooms images in or out by a random factor while training."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes import bounding_box
from lamina.layers.preprocessing.image_preprocessing.image_geometry import (
    FILL_MODES,
    INTERPOLATIONS,
    check_choice,
    factor_range,
    height_width,
    images_of,
)


def _zoom_range(name, factor):
    """As ``factor_range``, but each given value must lie in (-1, 1] (Keras checks the given
    numbers, so ``1.0`` means zooms drawn from [0, 2])."""
    values = factor if isinstance(factor, (tuple, list)) else [factor]
    lower, upper = factor_range("RandomZoom", name, factor)
    if any(isinstance(value, (int, float)) and value <= -1.0 for value in values):
        raise ValueError(
            f"RandomZoom: `{name}` should be a number (or a list of two numbers) in the range "
            f"(-1.0, 1.0]. Received: {name}={factor}"
        )
    return lower, upper


class RandomZoom(BaseImagePreprocessingLayer):
    """Zooms each image about its centre while training.

    ``height_factor`` (and ``width_factor``; ``None`` keeps the aspect ratio by reusing the
    vertical zoom) is a number f, drawing from [-f, f], or a pair, fractions in (-1, 1]:
    the layer reads a window ``1 + draw`` times the image size, so a negative draw zooms in
    and a positive one zooms out. Outside points follow ``fill_mode``.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor,
        width_factor=None,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        self.height_lower, self.height_upper = _zoom_range("height_factor", height_factor)
        if width_factor is not None:
            self.width_lower, self.width_upper = _zoom_range("width_factor", width_factor)
        check_choice("RandomZoom", "fill_mode", fill_mode, FILL_MODES)
        check_choice("RandomZoom", "interpolation", interpolation, INTERPOLATIONS)
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = backend.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = tuple(ops.shape(images_of(data)))
        zoom_shape = (shape[0], 1) if len(shape) == 4 else (1, 1)
        seed = self.generator if seed is None else seed
        height_zoom = ops.random.uniform(
            zoom_shape, 1.0 + self.height_lower, 1.0 + self.height_upper, seed=seed
        )
        width_zoom = height_zoom
        if self.width_factor is not None:
            width_zoom = ops.random.uniform(
                zoom_shape, 1.0 + self.width_lower, 1.0 + self.width_upper, seed=seed
            )
        return {"height_zoom": height_zoom, "width_zoom": width_zoom, "input_shape": shape}

    @staticmethod
    def _zoom_matrix(zooms, height, width):
        """(N, 8) transforms: output pixel x reads input ``zoom * x + (W - 1) / 2 * (1 - zoom)``
        (the centre stays put), likewise for y. ``zooms`` is (N, 2): x zoom, y zoom."""
        count = ops.shape(zooms)[0]
        zeros = ops.zeros((count, 1))
        x_offset = (width - 1.0) / 2.0 * (1.0 - zooms[:, 0:1])
        y_offset = (height - 1.0) / 2.0 * (1.0 - zooms[:, 1:2])
        return ops.concatenate(
            [zooms[:, 0:1], zeros, x_offset, zeros, zooms[:, 1:2], y_offset, zeros, zeros], axis=1
        )

    @staticmethod
    def _zooms(transformation):
        zooms = ops.concatenate([transformation["width_zoom"], transformation["height_zoom"]], 1)
        return ops.cast(zooms, "float32")

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        height, width = height_width(tuple(ops.shape(images)), self.data_format)
        return ops.image.affine_transform(
            images,
            self._zoom_matrix(self._zooms(transformation), height, width),
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
        zooms = self._zooms(transformation)  # (N, 2)
        # The input window the output shows: from the image of (0, 0) to that of (W, H).
        start_x = (width - 1.0) / 2.0 * (1.0 - zooms[:, 0:1])  # (N, 1)
        start_y = (height - 1.0) / 2.0 * (1.0 - zooms[:, 1:2])
        end_x, end_y = zooms[:, 0:1] * width + start_x, zooms[:, 1:2] * height + start_y
        if len(ops.shape(xyxy)) == 3:  # (N, boxes, 4): one window per image
            start_x, start_y, end_x, end_y = (
                v[:, :, None] for v in (start_x, start_y, end_x, end_y)
            )
        x1, y1, x2, y2 = ops.split(xyxy, 4, axis=-1)
        window_width, window_height = end_x - start_x, end_y - start_y
        relative = ops.concatenate(
            [(ops.clip(x1, start_x, end_x) - start_x) / window_width,
             (ops.clip(y1, start_y, end_y) - start_y) / window_height,
             (ops.clip(x2, start_x, end_x) - start_x) / window_width,
             (ops.clip(y2, start_y, end_y) - start_y) / window_height],
            axis=-1,
        )  # fmt: skip
        relative = bounding_box.clip_xyxy(relative, 1.0, 1.0)
        result = dict(bounding_boxes)
        labels = bounding_boxes.get("labels")
        if labels is not None:
            area = ops.squeeze(bounding_box.area(relative), axis=-1)
            result["labels"] = ops.where(area > 0, labels, -1)
        result["boxes"] = bounding_box.convert(
            relative, "rel_xyxy", self.bounding_box_format, height, width
        )
        return result

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }
