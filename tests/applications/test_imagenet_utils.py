"""preprocess_input's three modes against float64 NumPy, on arrays and tensors, channels
last and first; decode_predictions; the input-shape rules."""

import numpy as np
import pytest

from lamina.applications import imagenet_utils
from tests.harness import assert_close

TORCH_MEAN, TORCH_STD = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
CAFFE_MEAN = np.array([103.939, 116.779, 123.68])


def reference(images, mode):
    if mode == "tf":
        return images / 127.5 - 1
    if mode == "torch":
        return (images / 255 - TORCH_MEAN) / TORCH_STD
    return images[..., ::-1] - CAFFE_MEAN


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_modes_match_numpy(rng, mode):
    images = rng.uniform(0, 255, (2, 3, 4, 3))
    expected = reference(images, mode)
    assert_close(imagenet_utils.preprocess_input(images.copy(), mode=mode), expected)
    tensor_out = imagenet_utils.preprocess_input(
        imagenet_utils.ops.convert_to_tensor(images.astype("float32")), mode=mode
    )
    assert_close(tensor_out, expected, rtol=1e-5, atol=1e-4)
    first = np.moveaxis(images, -1, 1)
    out = imagenet_utils.preprocess_input(first, data_format="channels_first", mode=mode)
    assert_close(np.moveaxis(out, 1, -1), expected)
    single = imagenet_utils.preprocess_input(first[0], data_format="channels_first", mode=mode)
    assert_close(np.moveaxis(single, 0, -1), expected[0])


def test_integer_images_and_no_mutation(rng):
    images = rng.integers(0, 256, (1, 2, 2, 3)).astype("uint8")
    copy = images.copy()
    out = imagenet_utils.preprocess_input(images, mode="tf")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(images, copy)


def test_argument_errors():
    with pytest.raises(ValueError, match="mode=bgr"):
        imagenet_utils.preprocess_input(np.ones((1, 2, 2, 3)), mode="bgr")
    with pytest.raises(ValueError, match="data_format=nhwc"):
        imagenet_utils.preprocess_input(np.ones((1, 2, 2, 3)), data_format="nhwc")
    with pytest.raises(ValueError, match=r"shape: \(2, 10\)"):
        imagenet_utils.decode_predictions(np.ones((2, 10)))


def test_decode_predictions(monkeypatch, rng):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    monkeypatch.setattr(imagenet_utils, "_class_index", index)
    preds = rng.uniform(size=(2, 1000))
    decoded = imagenet_utils.decode_predictions(preds, top=3)
    for row, result in zip(preds, decoded):
        best = np.argsort(row)[::-1][:3]
        assert [r[:2] for r in result] == [(f"n{i:08d}", f"class_{i}") for i in best]
        assert [r[2] for r in result] == list(row[best])


def test_shipped_class_index_is_keras_file(monkeypatch):
    """The package's class index is byte for byte the file Keras downloads (its MD5), and
    decode_predictions reads it without the network."""
    import hashlib
    import os

    import lamina

    path = os.path.join(os.path.dirname(imagenet_utils.__file__), imagenet_utils.CLASS_INDEX_FILE)
    with open(path, "rb") as file:
        assert hashlib.md5(file.read()).hexdigest() == imagenet_utils.CLASS_INDEX_HASH

    def no_download(*args, **kwargs):
        raise AssertionError("decode_predictions must not download")

    monkeypatch.setattr(lamina.utils, "get_file", no_download)
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    preds = np.full((1, 1000), 0.1)
    preds[0, [2, 517, 999]] = [0.5, 0.9, 0.7]
    decoded = imagenet_utils.decode_predictions(preds, top=3)
    assert [item[:2] for item in decoded[0]] == [
        ("n03126707", "crane"),
        ("n15075141", "toilet_tissue"),
        ("n01484850", "great_white_shark"),
    ]


def test_obtain_input_shape():
    shape = imagenet_utils.obtain_input_shape
    assert shape(None, 224, 32, "channels_last", require_flatten=True) == (224, 224, 3)
    assert shape(None, 224, 32, "channels_last", require_flatten=False) == (None, None, 3)
    assert shape((64, 48, 3), 224, 32, "channels_last", False, "imagenet") == (64, 48, 3)
    with pytest.raises(ValueError, match="at least 32x32"):
        shape((16, 64, 3), 224, 32, "channels_last", False)
    with pytest.raises(ValueError, match="3 channels"):
        shape((64, 64, 1), 224, 32, "channels_last", False, "imagenet")
    with pytest.raises(ValueError, match=r"should be \(224, 224, 3\)"):
        shape((64, 64, 3), 224, 32, "channels_last", True, "imagenet")
    with pytest.raises(ValueError, match="static `input_shape`"):
        shape((None, None, 3), 224, 32, "channels_last", True)
