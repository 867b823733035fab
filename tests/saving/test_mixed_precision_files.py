"""A mixed_float16 model with a LossScaleOptimizer, saved by Keras 3.15.1, loads with its
policies and loss-scale state, predicts what Keras predicted, and saves back in Keras's
layout (made by tools/keras_interop/mixed_precision_fixtures.py)."""

import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina.optimizers import Adam, LossScaleOptimizer
from tests.harness import to_numpy

FILES = pathlib.Path(__file__).parent / "keras_files"
KERAS_FILE = FILES / "keras_mixed_float16.keras"


@pytest.fixture(scope="module")
def expected():
    with np.load(FILES / "keras_mixed_float16.npz") as data:
        return {key: data[key] for key in data.files}


def optimizer_groups(path):
    """``{group: number of variables}`` under ``optimizer`` in a .keras file's weights."""
    groups: dict = {}

    def count(name, item):
        if name.endswith("vars"):
            groups[name] = len(item)

    with (
        zipfile.ZipFile(path) as archive,
        archive.open("model.weights.h5") as member,
        h5py.File(member, "r") as weights,
    ):
        weights["optimizer"].visititems(count)
    return groups


def check_model(model, expected):
    policies = {layer.name: layer.dtype_policy.name for layer in model.layers}
    assert policies == {"x": "float32", "hidden": "mixed_float16", "logits": "mixed_float16",
                        "probs": "float32"}  # fmt: skip
    assert all(weight.dtype == "float32" for weight in model.weights)
    optimizer = model.optimizer
    assert isinstance(optimizer, LossScaleOptimizer)
    assert isinstance(optimizer.inner_optimizer, Adam)
    assert float(to_numpy(optimizer.dynamic_scale)) == float(expected["dynamic_scale"])
    assert int(to_numpy(optimizer.step_counter)) == int(expected["step_counter"])
    assert int(to_numpy(optimizer.iterations)) == int(expected["iterations"])
    probs = model.predict(expected["x"], verbose=0)
    np.testing.assert_allclose(probs, expected["probs"], rtol=2e-3, atol=2e-3)  # float16 compute


def test_keras_mixed_float16_file_loads_with_policies_and_loss_scale_state(expected):
    model = lamina.models.load_model(KERAS_FILE)
    check_model(model, expected)


def test_saved_again_it_keeps_keras_layout_and_state(expected, tmp_path):
    model = lamina.models.load_model(KERAS_FILE)
    path = tmp_path / "again.keras"
    model.save(path)
    # Keras writes the wrapper's variables (its own, then the inner optimizer's) and the
    # inner optimizer's again in its own group; Keras loads this file without a warning.
    layout = {"inner_optimizer/vars": 10, "vars": 14}
    assert optimizer_groups(KERAS_FILE) == layout
    assert optimizer_groups(path) == layout
    check_model(lamina.models.load_model(path), expected)
