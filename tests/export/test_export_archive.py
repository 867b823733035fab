"""ExportArchive's argument checks: each bad call raises before anything is written."""

import importlib.util

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.export import ExportArchive

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None,
    reason="ExportArchive writes TensorFlow SavedModels: tensorflow is not installed",
)

SPEC = [lamina.InputSpec(shape=(None, 3), dtype="float32")]


@pytest.fixture
def model():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model(np.ones((1, 3), "float32"))
    return model


@pytest.fixture
def archive(model):
    archive = ExportArchive()
    archive.track(model)
    return archive


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format='neptune'"):
        ExportArchive(format="neptune")


def test_track_refuses_unbuilt_layers_and_other_objects(archive):
    with pytest.raises(ValueError, match="has not been built"):
        archive.track(layers.Dense(2))
    with pytest.raises(ValueError, match="received 'a string' of type str"):
        archive.track("a string")


def test_track_collects_the_variables(archive, model):
    assert len(archive.variables) == len(model.weights) == 2
    assert len(archive.trainable_variables) == 2
    assert archive.non_trainable_variables == []


def test_endpoint_needs_a_signature_or_a_traced_tf_function(archive, model):
    with pytest.raises(ValueError, match="input_signature"):
        archive.add_endpoint("serve", model)


def test_endpoint_names_are_identifiers_and_unique(archive, model):
    with pytest.raises(ValueError, match="Python identifier; received 'bad name'"):
        archive.add_endpoint("bad name", model, SPEC)
    archive.add_endpoint("serve", model, SPEC)
    with pytest.raises(ValueError, match="'serve' is already taken"):
        archive.add_endpoint("serve", model, SPEC)


def test_endpoint_refuses_unknown_keywords_and_non_callables(archive, model):
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['jit'\]"):
        archive.add_endpoint("serve", model, SPEC, jit=True)
    with pytest.raises(TypeError, match="`fn` must be callable; received int"):
        archive.add_endpoint("serve", 3, SPEC)


@pytest.mark.engine("torch", "numpy", "tensorflow")
def test_jax_only_keywords_are_refused_elsewhere(archive, model):
    with pytest.raises(ValueError, match="jax engine only"):
        archive.add_endpoint("serve", model, SPEC, is_static=True)


def test_bad_signature_entries_name_what_was_received(archive, model):
    with pytest.raises(TypeError, match="received 'x' of type str"):
        archive.add_endpoint("serve", model, ["x"])
    with pytest.raises(ValueError, match="needs both `shape` and `dtype`"):
        archive.add_endpoint("serve", model, [lamina.InputSpec(shape=(None, 3))])


def test_variable_collection_arguments(archive, model):
    with pytest.raises(ValueError, match="list, tuple or set; received str"):
        archive.add_variable_collection("weights", "kernel")
    with pytest.raises(ValueError, match=r"received elements of type \['int'\]"):
        archive.add_variable_collection("weights", [1, 2])
    with pytest.raises(ValueError, match="identifier; received 'my weights'"):
        archive.add_variable_collection("my weights", model.weights)


def test_write_out_needs_an_endpoint(archive, tmp_path):
    with pytest.raises(ValueError, match="no endpoints have been added"):
        archive.write_out(tmp_path / "artifact")
    assert not (tmp_path / "artifact").exists()
