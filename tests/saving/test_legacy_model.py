"""Whole models from legacy ``.h5`` files: written by Keras 3.15.1 itself
(tests/saving/keras_files/legacy/, tools/keras_interop/legacy_h5_fixtures.py) and in Keras
2's own config dialect (written here with h5py); loaded through the same allow-list as a
``.keras`` file, so serialized code, unknown classes and hostile HDF5 are refused."""

import json
import pathlib

import h5py
import numpy as np
import pytest

import lamina
from lamina.saving.errors import SavedFileError, UnsafeFileError
from tests.harness import assert_close, to_numpy

LEGACY = pathlib.Path(__file__).parent / "keras_files" / "legacy"
EXPECTED = np.load(LEGACY / "expected.npz")


def test_keras_written_functional_model_loads_with_its_optimizer():
    model = lamina.saving.load_model(LEGACY / "functional.h5")
    assert model.name == "legacy_cnn"
    assert [layer.name for layer in model.layers] == [
        "image", "conv", "bn", "relu", "add", "pool", "head",
    ]  # fmt: skip
    assert_close(model(EXPECTED["x"]), EXPECTED["functional"], rtol=1e-5, atol=1e-6)
    assert int(to_numpy(model.optimizer.iterations)) == 2  # the optimizer state came along


def test_keras_written_sequential_model_loads_uncompiled():
    model = lamina.models.load_model(str(LEGACY / "sequential.h5"))
    assert isinstance(model, lamina.Sequential)
    assert_close(model(EXPECTED["mlp_x"]), EXPECTED["sequential"], rtol=1e-5, atol=1e-6)
    assert not model.compiled


def _dense(name, units, activation, **extra):
    return {
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            "dtype": "float32",
            "units": units,
            "activation": activation,
            "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}},
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
            **extra,
        },
    }


def _node(*names):
    return [[[name, 0, 0, {}] for name in names]]


def keras2_functional_config():
    """What tf.keras 2.15 wrote for Input -> Dense -> BatchNormalization -> Dense -> Add."""
    norm = {
        "class_name": "BatchNormalization",
        "config": {
            "name": "batch_normalization",
            "trainable": True,
            "dtype": {"class_name": "Policy", "config": {"name": "float32"}},
            "axis": [1],
            "momentum": 0.99,
            "epsilon": 0.001,
            "center": True,
            "scale": True,
            "beta_initializer": {"class_name": "Zeros", "config": {}},
            "gamma_initializer": {"class_name": "Ones", "config": {}},
            "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
            "moving_variance_initializer": {"class_name": "Ones", "config": {}},
            "beta_regularizer": None,
            "gamma_regularizer": None,
            "beta_constraint": None,
            "gamma_constraint": None,
        },
    }
    entries = [
        (
            {
                "class_name": "InputLayer",
                "config": {
                    "batch_input_shape": [None, 4],
                    "dtype": "float32",
                    "sparse": False,
                    "ragged": False,
                    "name": "input_1",
                },
            },
            [],
        ),
        (_dense("dense", 3, "relu"), _node("input_1")),
        (norm, _node("dense")),
        (_dense("dense_1", 2, "tanh"), _node("batch_normalization")),
        ({"class_name": "Add", "config": {"name": "add"}}, _node("dense_1", "dense_1")),
    ]
    layers = [
        {**entry, "name": entry["config"]["name"], "inbound_nodes": nodes}
        for entry, nodes in entries
    ]
    return {
        "class_name": "Functional",
        "config": {
            "name": "model",
            "layers": layers,
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["add", 0, 0]],
        },
    }


TRAINING_CONFIG = {
    "loss": "mean_squared_error",
    "metrics": [
        [{"class_name": "MeanAbsoluteError", "config": {"name": "mae", "dtype": "float32"}}]
    ],
    "weighted_metrics": None,
    "loss_weights": None,
    "optimizer_config": {
        "class_name": "Adam",
        "config": {
            "name": "Adam",
            "learning_rate": 0.005,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-07,
            "amsgrad": False,
            "jit_compile": True,
            "is_legacy_optimizer": False,
        },
    },
}


def keras2_values(rng):
    return {
        "dense": {"kernel:0": rng.standard_normal((4, 3)), "bias:0": rng.standard_normal(3)},
        "batch_normalization": {
            "gamma:0": rng.uniform(0.5, 1.5, 3),
            "beta:0": rng.standard_normal(3),
            "moving_mean:0": rng.standard_normal(3),
            "moving_variance:0": rng.uniform(0.5, 1.5, 3),
        },
        "dense_1": {"kernel:0": rng.standard_normal((3, 2)), "bias:0": rng.standard_normal(2)},
    }


def write_keras2_model(path, config, values, training_config=None, layer_names=None):
    with h5py.File(path, "w") as h5_file:
        h5_file.attrs["keras_version"] = "2.15.0"
        h5_file.attrs["backend"] = "tensorflow"
        h5_file.attrs["model_config"] = json.dumps(config).encode("utf8")
        if training_config is not None:
            h5_file.attrs["training_config"] = json.dumps(training_config).encode("utf8")
        group = h5_file.create_group("model_weights")
        names = layer_names or ["input_1", *values, "add"]
        group.attrs["layer_names"] = [name.encode() for name in names]
        for name in names:
            layer_group = group.create_group(name)
            weights = values.get(name, {})
            layer_group.attrs["weight_names"] = [f"{name}/{key}".encode() for key in weights]
            for key, value in weights.items():
                layer_group.create_dataset(f"{name}/{key}", data=np.asarray(value, "float32"))
    return str(path)


def numpy_functional(values, x):
    dense, norm, head = (values[k] for k in ("dense", "batch_normalization", "dense_1"))
    hidden = np.maximum(x @ dense["kernel:0"] + dense["bias:0"], 0.0)
    scale = norm["gamma:0"] / np.sqrt(norm["moving_variance:0"] + 1e-3)
    hidden = (hidden - norm["moving_mean:0"]) * scale + norm["beta:0"]
    out = np.tanh(hidden @ head["kernel:0"] + head["bias:0"])
    return out + out


def test_keras2_functional_model_loads_and_compiles(tmp_path, rng):
    values = keras2_values(rng)
    path = write_keras2_model(
        tmp_path / "m.h5", keras2_functional_config(), values, TRAINING_CONFIG
    )
    model = lamina.saving.load_model(path)
    x = rng.standard_normal((5, 4))
    assert_close(model(x.astype("float32")), numpy_functional(values, x), rtol=1e-4, atol=1e-5)
    assert model.get_layer("batch_normalization").axis == 1
    assert model.get_layer("dense").kernel_regularizer.get_config()["l2"] == pytest.approx(0.01)
    assert model.compiled
    assert float(to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.005)


@pytest.mark.training
def test_keras2_model_trains_after_loading(tmp_path, rng):
    values = keras2_values(rng)
    path = write_keras2_model(
        tmp_path / "m.h5", keras2_functional_config(), values, TRAINING_CONFIG
    )
    model = lamina.saving.load_model(path)
    x = rng.standard_normal((8, 4)).astype("float32")
    history = model.fit(x, np.zeros((8, 2), "float32"), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_keras2_sequential_saved_as_a_bare_layer_list(tmp_path, rng):
    kernel, bias = rng.standard_normal((4, 2)), rng.standard_normal(2)
    config = {
        "class_name": "Sequential",
        "config": [_dense("dense_1", 2, "linear", batch_input_shape=[None, 4])],
    }
    path = write_keras2_model(
        tmp_path / "seq.h5",
        config,
        {"dense_1": {"kernel:0": kernel, "bias:0": bias}},
        layer_names=["dense_1"],
    )
    model = lamina.saving.load_model(path, compile=False)
    x = rng.standard_normal((3, 4))
    assert_close(model(x.astype("float32")), x @ kernel + bias, rtol=1e-5, atol=1e-5)


def _with_layer(config, entry):
    config["config"]["layers"].append(
        {**entry, "name": entry["config"]["name"], "inbound_nodes": _node("add")}
    )
    config["config"]["output_layers"] = [[entry["config"]["name"], 0, 0]]
    return config


def test_lambda_code_is_refused_in_every_mode(tmp_path, rng):
    lambda_layer = {
        "class_name": "Lambda",
        "config": {
            "name": "evil",
            "function": ["4wEAAAAAAAAA", None, None],  # marshalled bytecode in Keras 2
            "function_type": "lambda",
            "module": "__main__",
            "output_shape": None,
            "arguments": {},
        },
    }
    config = _with_layer(keras2_functional_config(), lambda_layer)
    path = write_keras2_model(tmp_path / "m.h5", config, keras2_values(rng))
    for safe_mode in (True, False):
        with pytest.raises(UnsafeFileError, match="Lambda"):
            lamina.saving.load_model(path, safe_mode=safe_mode)


def test_unknown_classes_are_refused(tmp_path, rng):
    config = _with_layer(
        keras2_functional_config(), {"class_name": "os.system", "config": {"name": "boom"}}
    )
    path = write_keras2_model(tmp_path / "m.h5", config, keras2_values(rng))
    with pytest.raises(UnsafeFileError, match="os.system"):
        lamina.saving.load_model(path)
    config = keras2_functional_config()
    config["config"]["layers"][1]["config"]["kernel_initializer"] = {
        "class_name": "Evil",
        "config": {},
    }
    path = write_keras2_model(tmp_path / "m2.h5", config, keras2_values(rng))
    with pytest.raises(SavedFileError, match="Evil"):
        lamina.saving.load_model(path)
    training = {**TRAINING_CONFIG, "optimizer_config": {"class_name": "Evil", "config": {}}}
    path = write_keras2_model(
        tmp_path / "m3.h5", keras2_functional_config(), keras2_values(rng), training
    )
    with pytest.raises(SavedFileError, match="Evil"):
        lamina.saving.load_model(path)
    assert lamina.saving.load_model(path, compile=False).compiled is False


def test_weights_that_do_not_fit_return_no_model(tmp_path, rng):
    values = keras2_values(rng)
    values["dense"]["kernel:0"] = rng.standard_normal((4, 5))
    path = write_keras2_model(tmp_path / "m.h5", keras2_functional_config(), values)
    with pytest.raises(SavedFileError, match=r"expects shape \(4, 3\)"):
        lamina.saving.load_model(path)


def test_huge_declared_shapes_are_refused_before_allocation(tmp_path, rng):
    config = keras2_functional_config()
    config["config"]["layers"][1]["config"]["units"] = 10**9
    path = write_keras2_model(tmp_path / "m.h5", config, keras2_values(rng))
    with pytest.raises(SavedFileError, match="size of"):
        lamina.saving.load_model(path)


def test_files_that_are_not_legacy_models(tmp_path, rng):
    weights_only = tmp_path / "w.h5"
    with h5py.File(weights_only, "w") as h5_file:
        h5_file.attrs["layer_names"] = [b"dense"]
        h5_file.create_group("dense").attrs["weight_names"] = []
    with pytest.raises(SavedFileError, match="no `model_config`"):
        lamina.saving.load_model(str(weights_only))
    bad_json = write_keras2_model(tmp_path / "bad.h5", {"class_name": "Functional"}, {})
    with h5py.File(bad_json, "a") as h5_file:
        h5_file.attrs["model_config"] = b"{not json"
    with pytest.raises(SavedFileError, match="not valid JSON"):
        lamina.saving.load_model(bad_json)
    text = tmp_path / "text.h5"
    text.write_bytes(b"not an hdf5 file")
    with pytest.raises(SavedFileError, match="not an HDF5 file"):
        lamina.saving.load_model(str(text))


def test_hostile_hdf5_inside_a_legacy_model_is_refused(tmp_path, rng):
    secret_h5 = str(tmp_path / "other.h5")
    with h5py.File(secret_h5, "w") as other:
        other.create_dataset("secret", data=np.arange(12, dtype="float32").reshape(4, 3))
    path = write_keras2_model(tmp_path / "m.h5", keras2_functional_config(), keras2_values(rng))
    with h5py.File(path, "a") as h5_file:
        del h5_file["model_weights/dense/dense/kernel:0"]
        h5_file["model_weights/dense/dense/kernel:0"] = h5py.ExternalLink(secret_h5, "/secret")
    with pytest.raises(UnsafeFileError, match="external link"):
        lamina.saving.load_model(path)


def test_saving_a_legacy_h5_model_is_refused(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    with pytest.raises(ValueError, match="legacy Keras 2 HDF5"):
        model.save(str(tmp_path / "m.h5"))
