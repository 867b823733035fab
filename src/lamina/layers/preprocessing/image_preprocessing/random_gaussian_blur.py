"""RandomGaussianBlur: blurs a random share of the images with a random Gaussian width."""

from __future__ import annotations

from lamina import ops
from lamina.backend import SeedGenerator
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    batch_size_of,
    check_value_range,
    images_of,
    per_image,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


def _odd_kernel_size(kernel_size) -> tuple:
    pair = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 2
    if len(pair) != 2 or not all(
        isinstance(size, int) and not isinstance(size, bool) and size > 0 and size % 2 == 1
        for size in pair
    ):
        raise ValueError(
            "RandomGaussianBlur: `kernel_size` must be an odd positive int or a pair of them. "
            f"Received: kernel_size={kernel_size!r}"
        )
    return pair


def _sigma_range(sigma) -> tuple:
    """Keras's factor rule: a number in [0, 1] means (0, sigma); a pair (low, high) only
    needs low <= 1 and high >= 0, so wider blurs are a pair such as (0.5, 2.0)."""
    message = (
        "RandomGaussianBlur: `sigma` should be a number in [0, 1] or a pair (low, high) "
        f"with low <= 1 and high >= 0. Received: sigma={sigma!r}"
    )
    if isinstance(sigma, (tuple, list)):
        if len(sigma) != 2 or not all(isinstance(v, (int, float)) for v in sigma):
            raise ValueError(message)
        if sigma[0] > 1 or sigma[1] < 0:
            raise ValueError(message)
        return tuple(sorted(sigma))
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not 0 <= sigma <= 1:
        raise ValueError(message)
    return (0, sigma)


class RandomGaussianBlur(PixelValueLayer):
    """During training, blurs each image with probability drawn from factor (a number
    f in [0, 1] means [0, f]), by ops.image.gaussian_blur with kernel_size
    and one pair of standard deviations per call drawn from sigma; then clips to
    value_range."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        kernel_size=3,
        sigma=1.0,
        value_range=(0, 255),
        data_format=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.kernel_size = _odd_kernel_size(kernel_size)
        self.sigma = _sigma_range(sigma)
        self.value_range = check_value_range("RandomGaussianBlur", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        batch_size = batch_size_of(images_of(data))
        if not training:
            return None
        seed = self.generator if seed is None else seed
        probability = ops.random.uniform(
            (batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed
        )
        threshold = ops.random.uniform((batch_size,), seed=seed)
        sigma = ops.random.uniform((2,), minval=self.sigma[0], maxval=self.sigma[1], seed=seed)
        return {"should_apply_blur": threshold < probability, "blur_factor": sigma + 1e-6}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        blurred = ops.image.gaussian_blur(
            images,
            kernel_size=self.kernel_size,
            sigma=ops.cast(transformation["blur_factor"], self.compute_dtype),
            data_format=self.data_format,
        )
        apply = per_image(transformation["should_apply_blur"], "bool")
        images = ops.where(apply, blurred, images)
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
            "seed": self.seed,
        }
