import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.aug_mix import AugMix
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    images,
)


def test_aug_mix_mixes_chains_with_the_original(rng):
    x = images(rng, high=1.0)
    low, high = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
    stretched = (x - low) / (high - low)  # auto_contrast
    thresholds = np.full((3, 1, 1, 1), 100.0, "float32")
    shifted = np.clip(x * 255 + 10, 0, 255)
    solarized = np.where(shifted < thresholds, shifted, 255 - shifted) / 255
    transformation = {
        "chain_mixing_weights": np.array([0.3, 0.7], "float32"),
        "weight_sample": np.array(0.4, "float32"),
        "chain_transforms": [
            [{"layer_name": "auto_contrast", "transformation": None}],
            [
                {
                    "layer_name": "solarization",
                    "transformation": {
                        "additions": np.full((3, 1, 1, 1), 10.0, "float32"),
                        "thresholds": thresholds,
                    },
                }
            ],
        ],
    }
    expected = np.clip(0.4 * x + 0.6 * (0.3 * stretched + 0.7 * solarized), 0, 1)
    layer = AugMix(value_range=(0, 1), num_chains=2, chain_depth=1)
    assert_close(layer.transform_images(x, transformation), expected, atol=1e-5)


def test_aug_mix_operation_lists():
    assert hasattr(AugMix(), "random_contrast")
    layer = AugMix(all_ops=False, factor=(0.1, 0.5))
    assert not hasattr(layer, "random_contrast")
    assert layer.random_posterization.factor == (1, 4)


def test_aug_mix_random_behaviour(rng):
    # One image: its unbatched call then reuses the batch's shapes (JAX compiles once).
    x = images(rng, (1, 5, 6, 3))
    check_random_layer(lambda seed: AugMix(num_chains=2, chain_depth=1, seed=seed), x)


@pytest.mark.parametrize(
    ("argument", "value"), [("num_chains", 0), ("chain_depth", 1.5), ("alpha", -1.0), ("factor", 2)]
)
def test_aug_mix_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        AugMix(**{argument: value})
