"""Keras-3.15.1-written ``.keras`` files of the numeric preprocessing layers load in Lamina
and give Keras's outputs (fixtures from tools/keras_interop/preprocessing_fixtures.py)."""

import pathlib

import numpy as np
import pytest

from lamina import ops, saving

FILES = pathlib.Path(__file__).parent / "keras_files"
CASES = [
    "normalization_adapted",
    "normalization_axes_invert",
    "normalization_given",
    "discretization_adapted",
    "discretization_one_hot",
    "category_encoding_count",
    "hashing_salted_multi_hot",
    "hashed_crossing_one_hot",
    "pipeline",
    "mel_spectrogram",
    "stft_spectrogram",
]


def saved_inputs(arrays):
    if "inputs" in arrays:
        return arrays["inputs"]
    return [arrays[f"inputs_{i}"] for i in range(len(arrays.files) - 1)]


@pytest.mark.parametrize("case", CASES)
def test_keras_file_loads_with_keras_outputs(case):
    expected = np.load(FILES / f"{case}.npz")
    model = saving.load_model(FILES / f"{case}.keras")
    inputs = saved_inputs(expected)
    outputs = np.asarray(ops.convert_to_numpy(model(inputs)))
    assert outputs.dtype == expected["outputs"].dtype
    np.testing.assert_allclose(outputs, expected["outputs"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.predict(inputs, verbose=0), outputs, rtol=1e-6, atol=1e-6)


def test_adapted_normalization_state_comes_from_the_weights_file():
    layer = saving.load_model(FILES / "normalization_adapted.keras").layers[-1]
    assert [w.path.split("/")[-1] for w in layer.weights] == ["mean", "variance", "count"]
    assert float(np.min(ops.convert_to_numpy(layer.adapt_variance))) > 0.1  # not the ones init
