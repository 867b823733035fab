"""RandomElasticTransform: bends images by a smooth random displacement field while training."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    check_value_range,
)
from lamina.layers.preprocessing.image_preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.image_geometry import (
    INTERPOLATIONS,
    batch_size_of,
    check_choice,
    height_width,
    images_of,
)

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
_ORDERS = {"nearest": 0, "bilinear": 1}
# Keras's field strength per unit of distortion: alpha in units of the longer side, sigma
# (the smoothing width) in units of the shorter side.
_ALPHA_PER_SIDE = 0.1
_SIGMA_PER_SIDE = 0.05
_MIN_SIGMA = 1e-6  # a zero draw of the distortion would make the Gaussian 0 / 0


def _scale_range(scale) -> tuple:
    """Keras's rule for ``scale``: a number s in [0, 1] means (0, s); a pair is sorted and
    only needs its low end <= 1 and its high end >= 0."""
    message = (
        "The `scale` argument should be a number (or a list of two numbers) in the range "
        f"[0, 1]. Received: scale={scale!r}"
    )
    if isinstance(scale, (tuple, list)):
        if len(scale) != 2 or not all(_is_number(value) for value in scale):
            raise ValueError(message)
        if scale[0] > 1 or scale[1] < 0:
            raise ValueError(message)
        return tuple(sorted(scale))
    if not _is_number(scale) or not 0 <= scale <= 1:
        raise ValueError(message)
    return (0, scale)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class RandomElasticTransform(BaseImagePreprocessingLayer):
    """Elastic deformation for augmentation (Simard et al. 2003), as Keras 3.15.

    During training, each image is applied the deformation with a probability drawn from
    ``factor`` (a number f in [0, 1] means [0, f]). One distortion ``d`` per call is drawn
    from ``scale`` (same rule); the displacement field per image is standard normal noise
    times ``sigma = 0.05 d min(H, W)``, smoothed by a Gaussian of standard deviation
    ``sigma`` and multiplied by ``alpha = 0.1 d max(H, W)``. Each output pixel reads the
    input at its displaced position with ``interpolation`` ("bilinear" or "nearest");
    positions outside follow ``fill_mode`` ("constant" with ``fill_value``, "nearest",
    "wrap", "mirror", "reflect"). Outputs are clipped to ``value_range``. Segmentation
    masks follow the same field with nearest sampling; labels pass through; bounding boxes
    are not supported (as in Keras).

    >>> layer = RandomElasticTransform(scale=0.5, seed=1)
    >>> layer(np.random.uniform(0, 255, (2, 32, 32, 3)), training=True).shape
    (2, 32, 32, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        **kwargs,
    ):
        check_choice("RandomElasticTransform", "interpolation", interpolation, INTERPOLATIONS)
        check_choice("RandomElasticTransform", "fill_mode", fill_mode, FILL_MODES)
        scale_range = _scale_range(scale)
        checked_value_range = check_value_range("RandomElasticTransform", value_range)
        if not _is_number(fill_value):
            raise TypeError(
                "RandomElasticTransform: `fill_value` must be a number. "
                f"Received: fill_value={fill_value!r}"
            )
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = scale_range
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = tuple(checked_value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        """Draws the whole deformation once, so images and masks share it: which images
        change (``apply_transform``, (N,)), the distortion, and the displacement field
        ``(2, N, H, W)`` in pixels (x first, then y)."""
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        images = images_of(data)
        batch_size = batch_size_of(images)
        height, width = height_width(tuple(ops.shape(images)), self.data_format)
        seed = self.generator if seed is None else seed
        probability = ops.random.uniform((batch_size,), *self.factor, seed=seed)
        apply_transform = ops.random.uniform((batch_size,), seed=seed) < probability
        distortion = ops.random.uniform((), *self.scale, dtype="float32", seed=seed)
        alpha = max(height, width) * _ALPHA_PER_SIDE * distortion
        sigma = ops.maximum(min(height, width) * _SIGMA_PER_SIDE * distortion, _MIN_SIGMA)
        # One static kernel wide enough for the largest sigma the scale allows (Keras sizes
        # it int(6 sigma) | 1 for the drawn sigma); the taps beyond a smaller sigma's reach
        # weigh next to nothing, and the shape stays fixed under jit.
        largest_sigma = min(height, width) * _SIGMA_PER_SIDE * self.scale[1]
        kernel_size = int(6 * largest_sigma) | 1
        noise = ops.random.normal((2 * batch_size, height, width, 1), seed=seed) * sigma
        smooth = ops.image.gaussian_blur(
            noise, (kernel_size, kernel_size), ops.stack([sigma, sigma]), "channels_last"
        )
        displacement = ops.reshape(smooth * alpha, (2, batch_size, height, width))
        return {
            "apply_transform": apply_transform,
            "distortion_factor": distortion,
            "displacement": displacement,
        }

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        warped = self._warp(images, transformation["displacement"], _ORDERS[interpolation])
        apply = ops.reshape(transformation["apply_transform"], (-1, 1, 1, 1))
        images = ops.where(apply, warped, images)
        images = ops.clip(images, self.value_range[0], self.value_range[1])
        return ops.cast(images, self.compute_dtype)

    def _warp(self, images, displacement, order):
        """Samples (N, H, W, C) or (N, C, H, W) ``images`` at grid + displacement, one
        channel plane at a time: (N * C, H, W) planes keep the gather three-dimensional."""
        channels_last = self.data_format == "channels_last"
        if channels_last:
            images = ops.transpose(images, (0, 3, 1, 2))  # (N, C, H, W)
        batch_size, channels, height, width = tuple(ops.shape(images))
        planes = ops.reshape(images, (batch_size * channels, height, width))
        shape = (batch_size, channels, height, width)
        dtype = ops.dtype(displacement)
        rows = ops.arange(height, dtype=dtype)[:, None]
        columns = ops.arange(width, dtype=dtype)[None, :]
        source_x = ops.broadcast_to((columns + displacement[0])[:, None], shape)
        source_y = ops.broadcast_to((rows + displacement[1])[:, None], shape)
        plane_index = ops.broadcast_to(
            ops.arange(batch_size * channels, dtype=dtype)[:, None, None],
            (batch_size * channels, height, width),
        )
        flat = (batch_size * channels, height, width)
        coordinates = [plane_index, ops.reshape(source_y, flat), ops.reshape(source_x, flat)]
        warped = ops.image.map_coordinates(
            planes, coordinates, order, fill_mode=self.fill_mode, fill_value=self.fill_value
        )
        warped = ops.reshape(warped, shape)
        return ops.transpose(warped, (0, 2, 3, 1)) if channels_last else warped

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }
