"""Keras 2's HDF5 weights layout: written here with h5py exactly as Keras 2 wrote it
(``layer_names``/``weight_names`` attributes, ``kernel:0`` dataset names), and by Keras 3's
own legacy writer (tests/saving/keras_files/legacy/); loaded by position, by name, with
``skip_mismatch``; mismatches and hostile files refused before any weight changes."""

import pathlib

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving.errors import SavedFileError, UnsafeFileError
from tests.harness import assert_close, to_numpy

LEGACY = pathlib.Path(__file__).parent / "keras_files" / "legacy"


def mlp(names=("dense", "batch_normalization", "dense_1"), units=3):
    model = lamina.Sequential(
        [
            lamina.Input((4,)),
            layers.Dense(units, name=names[0]),
            layers.BatchNormalization(name=names[1]),
            layers.Dense(2, name=names[2]),
        ]
    )
    return model


def keras2_values(rng, units=3):
    """The values a Keras 2 file holds for ``mlp``, by layer, in Keras 2's saved order."""
    return {
        "dense": {
            "kernel:0": rng.standard_normal((4, units)),
            "bias:0": rng.standard_normal(units),
        },
        "batch_normalization": {
            "gamma:0": rng.uniform(0.5, 1.5, units),
            "beta:0": rng.standard_normal(units),
            "moving_mean:0": rng.standard_normal(units),
            "moving_variance:0": rng.uniform(0.5, 1.5, units),
        },
        "dense_1": {"kernel:0": rng.standard_normal((units, 2)), "bias:0": rng.standard_normal(2)},
    }


def write_keras2_weights(path, values, layer_names=None, chunk_names=False, root=None):
    """Keras 2's ``save_weights("w.h5")``: per-layer groups under the top (or ``root``)."""
    layer_names = list(values) if layer_names is None else layer_names
    with h5py.File(path, "w") as h5_file:
        top = h5_file if root is None else h5_file.create_group(root)
        encoded = [name.encode("utf8") for name in layer_names]
        if chunk_names:  # what Keras does when the list is too long for one object header
            top.attrs["layer_names0"] = encoded[:1]
            top.attrs["layer_names1"] = encoded[1:]
        else:
            top.attrs["layer_names"] = encoded
        top.attrs["backend"] = b"tensorflow"
        top.attrs["keras_version"] = b"2.15.0"
        for name in sorted(layer_names):
            group = top.create_group(name)
            weights = values.get(name, {})
            group.attrs["weight_names"] = [f"{name}/{key}".encode() for key in weights]
            for key, value in weights.items():
                group.create_dataset(f"{name}/{key}", data=np.asarray(value, "float32"))
    return str(path)


def numpy_mlp(values, x):
    dense, norm, head = (values[k] for k in ("dense", "batch_normalization", "dense_1"))
    hidden = x @ dense["kernel:0"] + dense["bias:0"]
    scale = norm["gamma:0"] / np.sqrt(norm["moving_variance:0"] + 1e-3)
    hidden = (hidden - norm["moving_mean:0"]) * scale + norm["beta:0"]
    return hidden @ head["kernel:0"] + head["bias:0"]


def randomize(model, rng):
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    return model.get_weights()


def assert_weights_equal(model, before):
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("chunk_names", [False, True])
def test_keras2_weights_load_by_position(tmp_path, rng, chunk_names):
    values = keras2_values(rng)
    names = ["input_1", "dense", "batch_normalization", "dense_1"]  # weightless layers listed
    path = write_keras2_weights(tmp_path / "w.h5", values, names, chunk_names=chunk_names)
    model = mlp(names=("first", "second", "third"))  # names differ: order decides
    model.load_weights(path)
    x = rng.standard_normal((5, 4))
    assert_close(model(x.astype("float32")), numpy_mlp(values, x), rtol=1e-4, atol=1e-5)


def test_whole_model_file_weights_load_from_model_weights(tmp_path, rng):
    values = keras2_values(rng)
    path = write_keras2_weights(tmp_path / "m.hdf5", values, root="model_weights")
    model = mlp()
    model.load_weights(path)
    x = rng.standard_normal((2, 4))
    assert_close(model(x.astype("float32")), numpy_mlp(values, x), rtol=1e-4, atol=1e-5)


def test_by_name_loads_matching_layers_and_leaves_the_others(tmp_path, rng):
    values = keras2_values(rng)
    del values["batch_normalization"]
    values["unrelated"] = {"kernel:0": rng.standard_normal((7, 7))}
    path = write_keras2_weights(tmp_path / "w.h5", values)
    model = mlp(names=("dense", "norm", "dense_1"))
    randomize(model, rng)
    norm_before = model.get_layer("norm").get_weights()
    model.load_weights(path, by_name=True)
    assert_close(model.get_layer("dense").kernel, values["dense"]["kernel:0"])
    assert_close(model.get_layer("dense_1").bias, values["dense_1"]["bias:0"])
    for old, new in zip(norm_before, model.get_layer("norm").get_weights()):
        np.testing.assert_array_equal(old, new)


def test_shape_mismatch_is_refused_before_any_weight_changes(tmp_path, rng):
    path = write_keras2_weights(tmp_path / "w.h5", keras2_values(rng, units=5))
    model = mlp(units=3)
    before = randomize(model, rng)
    with pytest.raises(SavedFileError, match=r"expects shape \(4, 3\).*holds shape \(4, 5\)"):
        model.load_weights(path)
    assert_weights_equal(model, before)
    with pytest.raises(SavedFileError, match="expects shape"):
        model.load_weights(path, by_name=True)
    assert_weights_equal(model, before)


def test_skip_mismatch_loads_what_fits(tmp_path, rng):
    values = keras2_values(rng, units=5)
    values["dense_1"] = keras2_values(rng, units=3)["dense_1"]
    path = write_keras2_weights(tmp_path / "w.h5", values)
    model = mlp(units=3)
    before = randomize(model, rng)
    with pytest.warns(UserWarning, match="skip_mismatch"):
        model.load_weights(path, skip_mismatch=True)
    assert_close(model.get_layer("dense_1").kernel, values["dense_1"]["kernel:0"])
    np.testing.assert_array_equal(model.get_layer("dense").get_weights()[0], before[0])


def test_layer_count_mismatch_names_both_counts(tmp_path, rng):
    values = keras2_values(rng)
    del values["dense_1"]
    path = write_keras2_weights(tmp_path / "w.h5", values)
    model = mlp()
    before = randomize(model, rng)
    with pytest.raises(SavedFileError, match="3 layers with weights.*weights for 2 layers"):
        model.load_weights(path, skip_mismatch=True)  # never skipped, as in Keras
    assert_weights_equal(model, before)


def test_weight_count_mismatch_by_name(tmp_path, rng):
    values = keras2_values(rng)
    del values["dense"]["bias:0"]
    path = write_keras2_weights(tmp_path / "w.h5", values)
    model = mlp()
    before = randomize(model, rng)
    with pytest.raises(SavedFileError, match="'dense' expects 2 weight"):
        model.load_weights(path, by_name=True)
    assert_weights_equal(model, before)
    with pytest.warns(UserWarning, match="expects 2 weight"):
        model.load_weights(path, by_name=True, skip_mismatch=True)
    assert_close(model.get_layer("dense_1").kernel, values["dense_1"]["kernel:0"])


def test_keras_written_weights_only_file_loads(rng):
    """Keras 3.15.1's own legacy writer (``save_weights_to_hdf5_group``), a Functional CNN."""
    expected = np.load(LEGACY / "expected.npz")
    model = lamina.saving.load_model(LEGACY / "functional.h5", compile=False)
    randomize(model, rng)
    model.load_weights(LEGACY / "functional_weights.h5")
    assert_close(model(expected["x"]), expected["functional"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: f["dense"].attrs.__setitem__("weight_names", [b"dense/missing:0"]), "missing"),
        (lambda f: f.attrs.__setitem__("layer_names", [b"dense", b"nowhere"]), "nowhere"),
        (lambda f: f.attrs.__setitem__("layer_names", np.arange(3.0)), "not names"),
        (lambda f: f.attrs.__setitem__("layer_names", [b"/dense"]), "/dense"),
    ],
    ids=["missing_dataset", "missing_group", "numeric_names", "absolute_name"],
)
def test_malformed_layout_is_a_clear_error(tmp_path, rng, damage, message):
    path = write_keras2_weights(tmp_path / "w.h5", keras2_values(rng))
    with h5py.File(path, "a") as h5_file:
        damage(h5_file)
    model = mlp()
    before = randomize(model, rng)
    with pytest.raises(SavedFileError, match=message):
        model.load_weights(path, by_name=True)
    assert_weights_equal(model, before)


def test_hostile_legacy_file_is_refused(tmp_path, rng):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(12, dtype="float32").tobytes())
    path = write_keras2_weights(tmp_path / "w.h5", keras2_values(rng))
    with h5py.File(path, "a") as h5_file:
        del h5_file["dense/dense/kernel:0"]
        h5_file["dense/dense"].create_dataset(
            "kernel:0", shape=(4, 3), dtype="float32", external=[(str(secret), 0, 48)]
        )
    model = mlp()
    before = randomize(model, rng)
    with pytest.raises(UnsafeFileError, match="external raw files"):
        model.load_weights(path)
    assert_weights_equal(model, before)


def test_load_weights_argument_errors(tmp_path, rng):
    model = mlp()
    with pytest.raises(ValueError, match="by_name"):
        model.load_weights(str(tmp_path / "w.weights.h5"), by_name=True)
    with pytest.raises(ValueError, match="Invalid keyword arguments"):
        model.load_weights(str(tmp_path / "w.h5"), by_label=True)
    with pytest.raises(FileNotFoundError):
        model.load_weights(str(tmp_path / "absent.h5"))
    assert to_numpy(model.get_layer("dense").kernel).shape == (4, 3)
