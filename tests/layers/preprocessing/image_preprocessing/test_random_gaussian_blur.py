import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_gaussian_blur import RandomGaussianBlur
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def gaussian(size, sigma):
    taps = np.exp(-0.5 * ((np.arange(size) - (size - 1) / 2) / sigma) ** 2)
    return taps / taps.sum()


def blur(x, kernel_size, sigma):
    """Separable Gaussian over (N, H, W, C), zero padding; kernel_size[0] and sigma[0] act
    along the width (Keras's order)."""
    kernel = np.outer(gaussian(kernel_size[1], sigma[1]), gaussian(kernel_size[0], sigma[0]))
    kh, kw = kernel.shape
    padded = np.pad(x.astype(np.float64), ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    height, width = x.shape[1:3]
    return sum(
        padded[:, i : i + height, j : j + width] * kernel[i, j]
        for i in range(kh)
        for j in range(kw)
    )


def test_random_gaussian_blur_matches_numpy(rng):
    x = images(rng, (3, 6, 7, 2))
    apply = np.array([True, False, True])
    sigma = np.array([0.8, 1.6])
    expected = np.where(apply[:, None, None, None], blur(x, (3, 5), sigma), x)
    layer = RandomGaussianBlur(kernel_size=(3, 5), sigma=(0.5, 2.0))
    transformation = {"should_apply_blur": apply, "blur_factor": sigma.astype("float32")}
    check_transformation(layer, x, transformation, np.clip(expected, 0, 255))


def test_random_gaussian_blur_random_behaviour(rng):
    check_random_layer(
        lambda seed: RandomGaussianBlur((1.0, 1.0), 3, (0.5, 1.5), seed=seed), images(rng)
    )


@pytest.mark.parametrize(
    ("argument", "value"),
    [("kernel_size", 4), ("kernel_size", (3, 3, 3)), ("sigma", 1.5), ("factor", -0.5)],
)
def test_random_gaussian_blur_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        RandomGaussianBlur(**{argument: value})
