"""image_dataset_from_directory on small PNG trees written by the tests."""

import importlib.util
import os

import numpy as np
import pytest

import lamina
from lamina.utils import image_dataset_from_directory

Image = pytest.importorskip("PIL.Image", reason="Pillow is optional; these tests need it")

HEIGHT, WIDTH = 6, 8


@pytest.fixture
def tree(tmp_path, rng):
    """Three classes, 3 + 2 + 3 RGB PNGs of 6x8 pixels; returns (root, {path: pixels})."""
    pixels = {}
    for name, count in (("dogs", 2), ("cats", 3), ("owls", 3)):
        os.makedirs(tmp_path / name)
        for index in range(count):
            path = str(tmp_path / name / f"{index}.png")
            pixels[path] = rng.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8)
            Image.fromarray(pixels[path]).save(path)
    return str(tmp_path), pixels


def _load(root, **kwargs):
    kwargs = {"image_size": (HEIGHT, WIDTH), "verbose": False, **kwargs}
    return image_dataset_from_directory(root, **kwargs)


def test_batches_hold_the_files_pixels_and_labels(tree):
    root, pixels = tree
    dataset = _load(root, batch_size=3, shuffle=False)
    assert dataset.class_names == ["cats", "dogs", "owls"]
    assert len(dataset) == 3
    images, labels = (np.concatenate(parts) for parts in zip(*dataset))
    assert images.dtype == np.float32
    assert labels.dtype == np.int32
    assert images.shape == (8, HEIGHT, WIDTH, 3)
    expected = np.stack([pixels[path] for path in dataset.file_paths]).astype("float64")
    np.testing.assert_array_equal(images, expected)
    names = [os.path.basename(os.path.dirname(path)) for path in dataset.file_paths]
    np.testing.assert_array_equal(labels, [dataset.class_names.index(n) for n in names])


@pytest.mark.parametrize(
    ("label_mode", "label_shape", "label_dtype"),
    [("categorical", (4, 3), np.float32), ("int", (4,), np.int32)],
)
def test_label_modes_shapes_and_dtypes(tree, label_mode, label_shape, label_dtype):
    dataset = _load(tree[0], batch_size=4, label_mode=label_mode, seed=1)
    images, labels = dataset[0]
    assert images.shape == (4, HEIGHT, WIDTH, 3)
    assert labels.shape == label_shape
    assert labels.dtype == label_dtype
    if label_mode == "categorical":
        np.testing.assert_array_equal(labels.sum(axis=1), 1.0)


def test_binary_labels_need_two_classes(tree):
    root, _ = tree
    dataset = _load(root, label_mode="binary", class_names=["dogs", "owls"], seed=0)
    _, labels = dataset[0]
    assert labels.shape == (5, 1)
    assert labels.dtype == np.float32
    with pytest.raises(ValueError, match="label_mode='binary' needs exactly 2 classes"):
        _load(root, label_mode="binary")


def test_no_labels_and_unbatched(tree):
    root, pixels = tree
    images = _load(root, labels=None, batch_size=None, shuffle=False)
    assert images.class_names is None
    assert len(images) == 8
    np.testing.assert_array_equal(images[0], pixels[images.file_paths[0]])


@pytest.mark.parametrize(("color_mode", "channels"), [("grayscale", 1), ("rgba", 4)])
def test_color_modes_and_channels_first(tree, color_mode, channels):
    root, pixels = tree
    dataset = _load(root, color_mode=color_mode, data_format="channels_first", shuffle=False)
    images, _ = dataset[0]
    assert images.shape == (8, channels, HEIGHT, WIDTH)
    pil_mode = "L" if channels == 1 else "RGBA"
    converted = Image.fromarray(pixels[dataset.file_paths[0]]).convert(pil_mode)
    expected = np.asarray(converted, dtype="float64").reshape(HEIGHT, WIDTH, channels)
    np.testing.assert_array_equal(images[0], expected.transpose(2, 0, 1))


def test_resize_and_crop_to_aspect_ratio_match_a_numpy_reference(tree):
    root, pixels = tree
    resized = _load(root, image_size=(3, 4), interpolation="nearest", shuffle=False)
    images, _ = resized[0]
    source = np.stack([pixels[path] for path in resized.file_paths]).astype("float64")
    # nearest: source pixel floor((i + 0.5) * in / out) = 2 i + 1 on both axes
    np.testing.assert_array_equal(images, source[:, 1::2, 1::2])
    cropped = _load(root, image_size=(3, 3), interpolation="nearest", shuffle=False,
                    crop_to_aspect_ratio=True)  # fmt: skip
    images, _ = cropped[0]
    centre = source[:, :, 1:7]  # the centred 6x6 box of each 6x8 image
    np.testing.assert_array_equal(images, centre[:, 1::2, 1::2])


def test_pad_to_aspect_ratio_pads_with_zeros(tree):
    root, pixels = tree
    padded = _load(root, image_size=(8, 8), interpolation="nearest", shuffle=False,
                   pad_to_aspect_ratio=True)  # fmt: skip
    images, _ = padded[0]
    np.testing.assert_array_equal(images[:, 0], 0.0)  # a zero row above, one below
    np.testing.assert_array_equal(images[:, 7], 0.0)
    np.testing.assert_array_equal(images[0, 1:7], pixels[padded.file_paths[0]])


def test_validation_split_with_a_seed_is_deterministic_and_disjoint(tree):
    root, _ = tree
    train, val = _load(root, validation_split=0.25, subset="both", seed=42, batch_size=2)
    again = _load(root, validation_split=0.25, subset="validation", seed=42)
    assert len(val.file_paths) == 2
    assert val.file_paths == again.file_paths
    assert not set(train.file_paths) & set(val.file_paths)
    assert len(train.file_paths) + len(val.file_paths) == 8
    assert train.class_names == val.class_names == ["cats", "dogs", "owls"]
    assert not val.shuffle  # Keras never shuffles the validation subset


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"labels": "folders"}, ValueError, "labels must be 'inferred', None, or a list"),
        ({"labels": [0] * 8, "class_names": ["a"]}, ValueError, "class_names can only be given"),
        ({"label_mode": "sparse"}, ValueError, "label_mode must be one of"),
        ({"color_mode": "cmyk"}, ValueError, "color_mode must be one of"),
        ({"image_size": (4,)}, ValueError, "image_size must be"),
        ({"interpolation": "cubic"}, ValueError, "interpolation must be one of"),
        ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, ValueError, "at most one"),
        ({"format": "torch"}, ValueError, "format must be 'lamina', 'tf' or 'grain'"),
    ],
)
def test_bad_arguments_are_named(tree, kwargs, error, message):
    with pytest.raises(error, match=message):
        _load(tree[0], **kwargs)


def test_a_directory_without_images_is_an_error(tmp_path):
    os.makedirs(tmp_path / "empty_class")
    with pytest.raises(ValueError, match="No image files found in directory"):
        _load(str(tmp_path))


@pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is not None, reason="TensorFlow is installed"
)
def test_tf_format_without_tensorflow_is_a_clear_import_error(tree):
    with pytest.raises(ImportError, match=r"format='tf' .*needs tensorflow: pip install"):
        _load(tree[0], format="tf", seed=0)


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs TensorFlow")
def test_tf_format_gives_a_tf_dataset(tree):  # pragma: no cover - TensorFlow is optional
    dataset = _load(tree[0], format="tf", batch_size=4, seed=0)
    images, labels = next(iter(dataset))
    assert tuple(images.shape) == (4, HEIGHT, WIDTH, 3)
    assert dataset.class_names == ["cats", "dogs", "owls"]


@pytest.mark.skipif(importlib.util.find_spec("grain") is None, reason="needs grain (optional)")
def test_grain_format_gives_a_grain_dataset(tree):  # pragma: no cover - grain is optional
    dataset = _load(tree[0], format="grain", batch_size=4, seed=0)
    images, labels = next(iter(dataset))
    assert tuple(images.shape) == (4, HEIGHT, WIDTH, 3)
    assert dataset.file_paths is not None


@pytest.mark.training
def test_fit_consumes_the_datasets(tree):
    root, _ = tree
    train, val = _load(root, validation_split=0.25, subset="both", seed=3, batch_size=2)
    model = lamina.Sequential([
        lamina.Input((HEIGHT, WIDTH, 3)), lamina.layers.Rescaling(1 / 255),
        lamina.layers.Flatten(), lamina.layers.Dense(3),
    ])  # fmt: skip
    model.compile("sgd", lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(train, validation_data=val, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.isfinite(history.history["val_loss"]).all()
