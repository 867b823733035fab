"""``lamina.preprocessing`` holds the names Keras 3.15's ``keras.preprocessing`` exports."""

import pytest

import lamina
from lamina import utils

KERAS_PREPROCESSING = {
    "": ["image", "sequence", "image_dataset_from_directory", "text_dataset_from_directory",
         "timeseries_dataset_from_array"],
    "image": ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"],
    "sequence": ["pad_sequences"],
}  # fmt: skip


@pytest.mark.parametrize("namespace", sorted(KERAS_PREPROCESSING))
def test_names_exist_and_are_listed(namespace):
    module = lamina.preprocessing
    if namespace:
        module = getattr(module, namespace)
    assert sorted(module.__all__) == sorted(KERAS_PREPROCESSING[namespace])
    for name in KERAS_PREPROCESSING[namespace]:
        assert hasattr(module, name), f"lamina.preprocessing.{namespace} lacks {name}"


def test_same_functions_as_lamina_utils():
    assert lamina.preprocessing.image.load_img is utils.load_img
    assert lamina.preprocessing.sequence.pad_sequences is utils.pad_sequences
    assert lamina.preprocessing.image_dataset_from_directory is utils.image_dataset_from_directory
