import h5py
import numpy as np
import pytest

from lamina import backend
from lamina.layers import Dense, Layer
from lamina.saving import load_weights, save_weights, weights_h5
from lamina.saving.object_walk import to_snake_case


class TwoDense(Layer):
    """A container layer: two named sublayers and a list of two more."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = Dense(4)
        self.second = Dense(2)
        self.heads = [Dense(3), Dense(1, use_bias=False)]

    def call(self, inputs):
        hidden = self.first(inputs)
        return [self.second(hidden), *(head(hidden) for head in self.heads)]


def make_model(rng, seed_offset=0.0):
    model = TwoDense()
    model(rng.standard_normal((2, 5)).astype("float32"))
    model.set_weights([w + seed_offset for w in model.get_weights()])
    return model


def weights_equal(left, right):
    return all(np.array_equal(a, b) for a, b in zip(left, right))


def test_round_trip(tmp_path, rng):
    path = tmp_path / "model.weights.h5"
    source = make_model(rng)
    save_weights(source, path)
    target = make_model(rng, seed_offset=1.0)
    assert not weights_equal(source.get_weights(), target.get_weights())
    load_weights(target, path)
    assert weights_equal(source.get_weights(), target.get_weights())


def test_layout_matches_keras(tmp_path, rng):
    path = tmp_path / "model.weights.h5"
    model = make_model(rng)
    save_weights(model, path)
    with h5py.File(path, "r") as file:
        names = set()
        file.visit(names.add)
        assert dict(file.attrs) == {}
        kernel = file["first/vars/0"][()]
    assert names == {
        "vars",
        "first", "first/vars", "first/vars/0", "first/vars/1",
        "second", "second/vars", "second/vars/0", "second/vars/1",
        "heads", "heads/dense", "heads/dense/vars", "heads/dense/vars/0", "heads/dense/vars/1",
        "heads/dense_1", "heads/dense_1/vars", "heads/dense_1/vars/0",
    }  # fmt: skip
    np.testing.assert_array_equal(kernel, model.first.kernel.numpy())


def test_shape_mismatch_leaves_the_model_unchanged(tmp_path, rng):
    path = tmp_path / "model.weights.h5"
    save_weights(make_model(rng), path)
    with h5py.File(path, "r+") as file:
        del file["second/vars/0"]
        file["second/vars/0"] = np.zeros((4, 7), "float32")
    target = make_model(rng)
    before = target.get_weights()
    with pytest.raises(ValueError, match=r"'dense_\d+'.*expects shape \(4, 2\).*\(4, 7\)"):
        load_weights(target, path)
    assert weights_equal(before, target.get_weights())


def test_count_mismatch_and_skip_mismatch(tmp_path, rng):
    path = tmp_path / "model.weights.h5"
    source = make_model(rng)
    save_weights(source, path)
    with h5py.File(path, "r+") as file:
        del file["heads/dense_1/vars/0"]
    target = make_model(rng, seed_offset=1.0)
    before = target.get_weights()
    with pytest.raises(ValueError, match="expected 1 variables"):
        load_weights(target, path)
    assert weights_equal(before, target.get_weights())
    with pytest.warns(UserWarning, match="skip_mismatch"):
        load_weights(target, path, skip_mismatch=True)
    np.testing.assert_array_equal(target.first.kernel.numpy(), source.first.kernel.numpy())
    np.testing.assert_array_equal(target.heads[1].kernel.numpy(), before[-1])


def test_bad_files(tmp_path, rng):
    model = make_model(rng)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        save_weights(model, tmp_path / "model.h5")
    with pytest.raises(ValueError, match="extension"):
        load_weights(model, tmp_path / "model.pkl")
    not_hdf5 = tmp_path / "junk.weights.h5"
    not_hdf5.write_bytes(b"not an hdf5 file at all")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        load_weights(model, not_hdf5)
    odd = tmp_path / "odd.weights.h5"
    with h5py.File(odd, "w") as file:
        file["first/kernel"] = np.zeros((5, 4), "float32")
    with pytest.raises(ValueError, match="layout"):
        load_weights(model, odd)
    legacy = tmp_path / "legacy.weights.h5"
    with h5py.File(legacy, "w") as file:
        file.attrs["layer_names"] = [b"dense"]
    with pytest.raises(ValueError, match="Keras 2"):
        load_weights(model, legacy)
    with pytest.raises(FileNotFoundError):
        load_weights(model, tmp_path / "missing.weights.h5")
    assert weights_equal(before, model.get_weights())


def test_failed_save_keeps_the_old_file(tmp_path, rng, monkeypatch):
    path = tmp_path / "model.weights.h5"
    model = make_model(rng)
    save_weights(model, path)
    original = path.read_bytes()

    def fail_midway(h5_file, objects):
        h5_file.create_group("vars")
        raise OSError("disk full")

    monkeypatch.setattr(weights_h5, "write_objects", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        save_weights(model, path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.weights.h5"]


class FakeOptimizer:
    """What the saver asks of an optimizer: ``variables`` and an update method."""

    def __init__(self, variables):
        self.variables = variables
        self.name = "adam"

    def apply_gradients(self, grads_and_vars):
        raise NotImplementedError


def test_optimizer_state_goes_to_optimizer_vars(tmp_path, rng):
    path = tmp_path / "model.weights.h5"
    source = make_model(rng)
    source.optimizer = FakeOptimizer(
        [backend.Variable(np.array(7.0, "float32"), name="iterations")]
    )
    save_weights(source, path)
    with h5py.File(path, "r") as file:
        assert file["optimizer/vars/0"][()] == 7.0
    target = make_model(rng)
    target.optimizer = FakeOptimizer([backend.Variable(np.array(0.0, "float32"), name="it")])
    load_weights(target, path)
    assert float(target.optimizer.variables[0].numpy()) == 7.0
    # An optimizer that is not built yet is skipped with a warning, as in Keras.
    target.optimizer = FakeOptimizer([])
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        load_weights(target, path)


@pytest.fixture
def sequential_factory():
    """Small built Sequential models."""
    from lamina import models

    def make(rng):
        model = models.Sequential([Dense(4), Dense(2)])
        model(rng.standard_normal((2, 3)).astype("float32"))
        return model

    return make


def test_sequential_round_trip_and_layout(tmp_path, rng, sequential_factory):
    path = tmp_path / "seq.weights.h5"
    source, target = sequential_factory(rng), sequential_factory(rng)
    save_weights(source, path)
    with h5py.File(path, "r") as file:
        datasets = set()
        file.visit(lambda name: datasets.add(name) if "vars/" in name else None)
    assert datasets == {
        "layers/dense/vars/0", "layers/dense/vars/1",
        "layers/dense_1/vars/0", "layers/dense_1/vars/1",
    }  # fmt: skip
    load_weights(target, path)
    assert weights_equal(source.get_weights(), target.get_weights())


@pytest.mark.parametrize(
    ("class_name", "expected"),
    [
        ("Dense", "dense"),
        ("BatchNormalization", "batch_normalization"),
        ("Conv2D", "conv2d"),
        ("Conv2DTranspose", "conv2d_transpose"),
        ("LSTM", "lstm"),
        ("InputLayer", "input_layer"),
    ],
)
def test_container_names_follow_keras_snake_case(class_name, expected):
    assert to_snake_case(class_name) == expected


def test_overwrite_false_keeps_an_existing_file(tmp_path, rng):
    import lamina

    path = tmp_path / "model.weights.h5"
    model = lamina.Sequential([lamina.Input((5,)), Dense(2)])
    model.save_weights(path)
    before = path.read_bytes()
    model.set_weights([w + 1.0 for w in model.get_weights()])
    with pytest.raises(FileExistsError):
        model.save_weights(path, overwrite=False)
    assert path.read_bytes() == before


def test_save_zipped_defaults_to_none_as_keras(tmp_path):
    import inspect
    import zipfile

    import lamina

    assert inspect.signature(lamina.Model.save).parameters["zipped"].default is None
    assert inspect.signature(lamina.saving.save_model).parameters["zipped"].default is None
    model = lamina.Sequential([lamina.Input((5,)), Dense(2)])
    model.save(tmp_path / "m.keras")
    assert zipfile.is_zipfile(tmp_path / "m.keras")
