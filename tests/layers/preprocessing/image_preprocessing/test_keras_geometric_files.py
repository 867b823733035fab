"""Keras-3.15.1-written ``.keras`` files of the geometric image layers load in Lamina with
the same configs and give Keras's outputs (fixtures from
tools/keras_interop/geometric_fixtures.py): the identity with ``training=False`` for the
random layers, and Resizing's and CenterCrop's numbers with ``training=True`` too."""

import pathlib

import numpy as np
import pytest

from lamina import ops, saving

FILES = pathlib.Path(__file__).parent / "keras_files"
CASES = [
    "resizing",
    "resizing_pad",
    "center_crop",
    "random_flip",
    "random_translation",
    "random_rotation",
    "random_zoom",
    "random_shear",
    "random_elastic_transform",
]


@pytest.mark.parametrize("case", CASES)
def test_keras_geometric_file_loads_with_keras_outputs(case):
    expected = np.load(FILES / f"geometric_{case}.npz")
    model = saving.load_model(FILES / f"geometric_{case}.keras")
    inputs = expected["inputs"]
    outputs = ops.convert_to_numpy(model(inputs, training=False))
    np.testing.assert_allclose(outputs, expected["outputs"], rtol=1e-5, atol=1e-5)
    if "training_outputs" in expected:
        training = ops.convert_to_numpy(model(inputs, training=True))
        np.testing.assert_allclose(training, expected["training_outputs"], atol=1e-5)
