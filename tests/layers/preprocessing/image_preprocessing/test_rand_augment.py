import numpy as np
import pytest

from lamina import ops
from lamina.layers.preprocessing.image_preprocessing.rand_augment import RandAugment
from tests.harness import assert_close, to_numpy
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    images,
)


def auto_contrast(x):
    low, high = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
    return (x - low) / (high - low)


def test_rand_augment_applies_the_drawn_operations_in_turn(rng):
    x = images(rng, high=1.0)
    layer = RandAugment(value_range=(0, 1), num_ops=2, factor=0.5, seed=1)
    transformation = layer.get_random_transformation(x)
    delta = np.array([0.2, -0.1, 0.05]).reshape(3, 1, 1, 1)
    transformation["transforms"]["random_brightness"] = {"rgb_delta": delta.astype("float32")}
    transformation["layer_idxes"] = ops.convert_to_tensor(
        np.array([3, 9], "int32")
    )  # brightness, auto_contrast
    expected = auto_contrast(np.clip(x + delta, 0, 1))
    assert_close(layer.transform_images(x, transformation), expected, atol=1e-5)
    transformation["layer_idxes"] = ops.convert_to_tensor(
        np.array([9, 3], "int32")
    )  # the other order
    expected = np.clip(auto_contrast(x.astype(np.float64)) + delta, 0, 1)
    assert_close(layer.transform_images(x, transformation), expected, atol=1e-5)


def test_rand_augment_builds_keras_operations_from_factor():
    layer = RandAugment(factor=0.5, seed=3)
    assert layer.random_posterization.factor == (1, 4)  # max(1, int(8 * 0.5)) bits at most
    assert layer.solarization.addition_factor == (0, 0.5)
    assert layer.random_contrast.factor == (0, 0.5)
    assert layer.random_rotation.seed == 3


def test_rand_augment_random_behaviour(rng):
    # One image: its unbatched call then reuses the batch's shapes (JAX compiles once).
    x = images(rng, (1, 5, 6, 3))
    check_random_layer(lambda seed: RandAugment(num_ops=2, factor=0.3, seed=seed), x)
    np.testing.assert_allclose(to_numpy(RandAugment(num_ops=0)(x)), x)


@pytest.mark.parametrize(
    ("argument", "value"), [("num_ops", -1), ("factor", 1.5), ("value_range", 3)]
)
def test_rand_augment_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        RandAugment(**{argument: value})
