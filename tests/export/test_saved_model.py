"""model.export(format="tf_saved_model") and ExportArchive artifacts, run in plain TensorFlow.

One module fixture exports everything on the active engine (jax2tf on JAX, a
TensorFlow-engine subprocess on torch and NumPy) and runs one plain-TensorFlow process
(no Lamina import) over all of it, so TensorFlow starts once per engine run.
"""

import importlib.util
import os

import numpy as np
import pytest

import lamina
from lamina.export import ExportArchive
from tests.export.export_models import (
    MODELS,
    model_and_data,
    run_in_plain_tensorflow,
    save_array,
)

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None,
    reason="SavedModel export needs tensorflow, which is not installed",
)


def _export_all(folder):
    rng = np.random.default_rng(1234)
    expected, jobs, models = {}, [], {}
    for kind in MODELS:
        model, x, y = model_and_data(kind, rng)
        models[kind] = (model, x, y)
        path = os.path.join(folder, kind)
        model.export(path, format="tf_saved_model", verbose=False)
        x_path = save_array(folder, f"{kind}_x", x)
        expected[kind] = y
        for endpoint, short in (("serve", "serve"), ("serving_default", "default")):
            jobs.append(
                {
                    "path": path,
                    "endpoint": endpoint,
                    "signature": endpoint == "serving_default",
                    "input": x_path,
                    "output": os.path.join(folder, f"{kind}_{short}.npy"),
                }
            )
    # An archive with two endpoints over one model and a variable collection.
    model, x, y = models["transformer"]
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        "call_inference",
        model.call,
        input_signature=[lamina.InputSpec(shape=(None, 6, 8), dtype="float32")],
    )
    archive.add_endpoint(
        "serve_three", model, input_signature=[lamina.InputSpec(shape=(3, 6, 8), dtype="float32")]
    )
    archive.add_variable_collection("all_weights", model.weights)
    path = os.path.join(folder, "archive")
    archive.write_out(path, verbose=False)
    x_path = save_array(folder, "archive_x", x)
    expected["archive"] = y
    expected["archive_weights"] = [np.asarray(w) for w in model.get_weights()]
    for endpoint in ("call_inference", "serve_three"):
        output = os.path.join(folder, f"archive_{endpoint}.npy")
        jobs.append({"path": path, "endpoint": endpoint, "input": x_path, "output": output})
    output = os.path.join(folder, "archive_weights.npz")
    jobs.append({"path": path, "collection": "all_weights", "output": output})
    run_in_plain_tensorflow(jobs, folder)
    return expected


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("saved_models"))
    return folder, _export_all(folder)


@pytest.mark.parametrize("kind", sorted(MODELS))
@pytest.mark.parametrize("endpoint", ["serve", "default"])
def test_exported_model_predicts_the_same_in_plain_tensorflow(exported, kind, endpoint):
    folder, expected = exported
    outputs = np.load(os.path.join(folder, f"{kind}_{endpoint}.npy"))
    np.testing.assert_allclose(outputs, expected[kind], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("endpoint", ["call_inference", "serve_three"])
def test_archive_endpoints_predict_the_same(exported, endpoint):
    folder, expected = exported
    outputs = np.load(os.path.join(folder, f"archive_{endpoint}.npy"))
    np.testing.assert_allclose(outputs, expected["archive"], rtol=1e-5, atol=1e-5)


def test_archive_variable_collection_holds_the_weights(exported):
    folder, expected = exported
    with np.load(os.path.join(folder, "archive_weights.npz")) as stored:
        values = [stored[f"arr_{index}"] for index in range(len(stored.files))]
    assert len(values) == len(expected["archive_weights"])
    for value, weight in zip(values, expected["archive_weights"]):
        np.testing.assert_array_equal(value, weight)
