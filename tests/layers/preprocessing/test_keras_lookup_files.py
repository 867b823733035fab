"""Keras-3.15.1-written ``.keras`` files of StringLookup, IntegerLookup and
TextVectorization load in Lamina with Keras's outputs, and Lamina's ``adapt`` learns
Keras's vocabulary from the same data (fixtures from tools/keras_interop/lookup_fixtures.py:
adapted vocabularies come from the archive's assets, tf_idf weights from its weights)."""

import pathlib

import numpy as np
import pytest

from lamina import ops, saving

FILES = pathlib.Path(__file__).parent / "keras_files"
CASES = [
    "string_lookup_adapted",
    "string_lookup_multi_hot",
    "string_lookup_oov_buckets",
    "string_lookup_salted",
    "integer_lookup_farmhash",
    "integer_lookup_adapted",
    "text_vectorization_int",
    "text_vectorization_tf_idf",
]
ADAPTED = [case for case in CASES if "adapt" in np.load(FILES / f"{case}.npz").files]


@pytest.mark.parametrize("case", CASES)
def test_keras_file_loads_with_keras_outputs(case):
    expected = np.load(FILES / f"{case}.npz")
    model = saving.load_model(FILES / f"{case}.keras")
    layer = model.layers[-1]
    assert layer.get_vocabulary() == expected["vocabulary"].tolist()
    outputs = np.asarray(ops.convert_to_numpy(model.predict(expected["inputs"], verbose=0)))
    np.testing.assert_allclose(outputs, expected["outputs"], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", ADAPTED)
def test_adapt_learns_the_keras_vocabulary(case):
    expected = np.load(FILES / f"{case}.npz")
    loaded = saving.load_model(FILES / f"{case}.keras").layers[-1]
    config = {**loaded.get_config(), "vocabulary": None, "vocabulary_size": None}
    layer = type(loaded).from_config(config)
    layer.adapt(expected["adapt"])
    assert layer.get_vocabulary() == expected["vocabulary"].tolist()
    outputs = np.asarray(ops.convert_to_numpy(layer(expected["inputs"])))
    np.testing.assert_allclose(outputs, expected["outputs"], rtol=1e-6, atol=1e-6)
