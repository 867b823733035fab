"""What every constructor shares: the ``weights`` checks, and ``weights="imagenet"``
fetching Keras's published file once (hash checked, cached) from a local HTTP server."""

import hashlib

import h5py
import numpy as np
import pytest

import lamina
from lamina.applications import application_model, resnet, vgg16
from lamina.saving.errors import SavedFileError
from tests.harness import assert_close
from tests.utils.test_file_utils import _QuietHandler, served  # noqa: F401


def small_model():
    model = lamina.Sequential(
        [lamina.Input((3,)), lamina.layers.Dense(2, name="d1"), lamina.layers.Dense(1, name="d2")]
    )
    return model


def write_keras2_weights(path, model, rng):
    """The model's layers in Keras 2's weights layout, with random values; returns them."""
    values = {}
    with h5py.File(path, "w") as h5_file:
        h5_file.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        for layer in model.layers:
            group = h5_file.create_group(layer.name)
            names = [f"{layer.name}/{w.name}:0" for w in layer.weights]
            group.attrs["weight_names"] = [name.encode() for name in names]
            for name, weight in zip(names, layer.weights):
                values[name] = rng.standard_normal(weight.shape).astype("float32")
                group.create_dataset(name, data=values[name])
    return values


def test_imagenet_weights_download_once_then_load_from_the_cache(served, tmp_path, rng):  # noqa: F811
    root, url = served
    values = write_keras2_weights(root / "tiny_weights.h5", small_model(), rng)
    digest = hashlib.md5((root / "tiny_weights.h5").read_bytes()).hexdigest()
    for _ in range(2):
        model = small_model()
        application_model.load_weights(model, "imagenet", f"{url}/", "tiny_weights.h5", digest)
        assert_close(model.get_layer("d1").kernel, values["d1/kernel:0"])
    assert _QuietHandler.requests == ["/tiny_weights.h5"]  # the second came from the cache
    assert (tmp_path / "home" / "models" / "tiny_weights.h5").is_file()


def test_a_corrupt_download_fails_and_leaves_no_file(served, tmp_path, rng):  # noqa: F811
    root, url = served
    write_keras2_weights(root / "tiny_weights.h5", small_model(), rng)
    model = small_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match="corrupted"):
        application_model.load_weights(model, "imagenet", f"{url}/", "tiny_weights.h5", "0" * 32)
    assert not (tmp_path / "home" / "models" / "tiny_weights.h5").exists()
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_a_local_weights_file_loads_and_none_loads_nothing(tmp_path, rng):
    path = tmp_path / "local.h5"
    values = write_keras2_weights(path, small_model(), rng)
    model = small_model()
    application_model.load_weights(model, str(path))
    assert_close(model.get_layer("d2").bias, values["d2/bias:0"])
    before = model.get_weights()
    application_model.load_weights(model, None)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    with pytest.raises(SavedFileError, match="layers with weights"):
        application_model.load_weights(lamina.Sequential([lamina.Input((3,))]), str(path))


class _Fetched(Exception):
    pass


@pytest.mark.parametrize(
    ("constructor", "include_top", "origin", "file_hash"),
    [
        (
            lamina.applications.ResNet50,
            False,
            resnet.BASE_WEIGHTS_PATH + "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "4d473c1dd8becc155b73f8504c6f6626",
        ),
        (
            lamina.applications.VGG19,
            False,
            vgg16.BASE_WEIGHTS_PATH + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "253f8cb515780f3b799900260a226db6",
        ),
    ],
    ids=["resnet50_notop", "vgg19_notop"],
)
def test_constructors_fetch_keras_files(monkeypatch, constructor, include_top, origin, file_hash):
    """Keras's file names, addresses and hashes (keras/src/applications/*.py)."""
    calls = []

    def fake_get_file(fname, origin, cache_subdir, file_hash):
        calls.append((fname, origin, cache_subdir, file_hash))
        raise _Fetched

    monkeypatch.setattr(lamina.utils, "get_file", fake_get_file)
    with backend_deferred(), pytest.raises(_Fetched):
        constructor(include_top=include_top, input_shape=None if include_top else (32, 32, 3))
    assert calls == [(origin.rpartition("/")[2], origin, "models", file_hash)]


def backend_deferred():
    return lamina.backend.global_state.deferred_initializers()


def test_weights_argument_errors(tmp_path):
    for call, message in [
        (lambda: lamina.applications.ResNet50(weights="imagenet21k"), "weights=imagenet21k"),
        (lambda: lamina.applications.ResNet50(weights="imagenet", classes=10), "classes=10"),
        (
            lambda: lamina.applications.VGG16(
                weights=None,
                classifier_activation="relu",
                input_shape=(32, 32, 3),
                include_top=False,
            ),
            None,
        ),
    ]:
        if message is None:
            call()  # without pretrained weights any activation is fine
            continue
        with pytest.raises(ValueError, match=message):
            call()
    with pytest.raises(ValueError, match="classifier_activation=relu"):
        lamina.applications.imagenet_utils.validate_activation("relu", "imagenet")
