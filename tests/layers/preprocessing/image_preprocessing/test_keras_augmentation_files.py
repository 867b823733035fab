"""Keras-3.15.1-written ``.keras`` files of the colour, intensity and mixing augmentation
layers load in Lamina with the same configs and give Keras's outputs (fixtures from
tools/keras_interop/augmentation_fixtures.py): the identity with ``training=False`` for
the random layers, and the deterministic layers' numbers with ``training=True`` too."""

import pathlib

import numpy as np
import pytest

from lamina import ops, saving

FILES = pathlib.Path(__file__).parent / "keras_files"
CASES = [
    "random_contrast",
    "random_brightness",
    "random_grayscale",
    "random_hue",
    "random_saturation",
    "random_sharpness",
    "random_invert",
    "random_posterization",
    "random_color_degeneration",
    "random_color_jitter",
    "solarization",
    "random_gaussian_blur",
    "random_erasing",
    "mix_up",
    "cut_mix",
    "auto_contrast",
    "clahe",
    "rand_augment",
    "aug_mix",
]


@pytest.mark.parametrize("case", CASES)
def test_keras_augmentation_file_loads_with_keras_outputs(case):
    expected = np.load(FILES / f"{case}.npz")
    model = saving.load_model(FILES / f"{case}.keras")
    inputs = expected["inputs"]
    outputs = ops.convert_to_numpy(model(inputs, training=False))
    np.testing.assert_allclose(outputs, expected["outputs"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected["outputs"], atol=1e-5)
    if "training_outputs" in expected:
        training = ops.convert_to_numpy(model(inputs, training=True))
        np.testing.assert_allclose(training, expected["training_outputs"], atol=1e-4)
