import base64
import json
import pickle
import zipfile

import numpy as np
import pytest

import lamina
from lamina import backend, layers, saving
from lamina.layers import TorchModuleWrapper
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients

torch_only = pytest.mark.engine("torch")


def mlp():
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))


def mlp_reference(x, w1, b1, w2, b2):  # torch's Linear: x @ W.T + b
    return np.tanh(x @ w1.T + b1) @ w2.T + b2


@saving.register_keras_serializable(package="LaminaTest")
class NormalizedMLP(TorchModuleWrapper):
    """The way to save a TorchModuleWrapper: a registered subclass that makes its module."""

    def __init__(self, **kwargs):
        import torch

        module = torch.nn.Sequential(
            torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU(), torch.nn.Linear(6, 1)
        )
        super().__init__(module, **kwargs)


@torch_only
def test_outputs_match_the_module_and_numpy(rng):
    module = mlp()
    wrapper = TorchModuleWrapper(module)
    x = rng.standard_normal((3, 4)).astype("float32")
    expected = module(backend.convert_to_tensor(x))
    assert_close(wrapper(x), expected)
    weights = [w.astype(np.float64) for w in wrapper.get_weights()]
    assert_close(wrapper(x), mlp_reference(x.astype(np.float64), *weights), rtol=1e-5)


@torch_only
def test_variables_are_the_module_tensors_without_copies():
    import torch

    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    module[0].bias.requires_grad_(False)
    wrapper = TorchModuleWrapper(module, name="wrapped")
    paths = [v.path for v in wrapper.weights]
    assert paths == ["wrapped/0.weight", "wrapped/1.weight", "wrapped/1.bias", "wrapped/0.bias",
                     "wrapped/1.running_mean", "wrapped/1.running_var",
                     "wrapped/1.num_batches_tracked"]  # fmt: skip
    assert [v.trainable for v in wrapper.weights] == [True] * 3 + [False] * 4
    assert wrapper.weights[0].value is module[0].weight
    assert wrapper.weights[4].value.data_ptr() == module[1].running_mean.data_ptr()
    new = [np.full(w.shape, 0.5, dtype=w.dtype) for w in wrapper.get_weights()]
    wrapper.set_weights(new)  # writes into the module's own tensors
    np.testing.assert_array_equal(
        backend.convert_to_numpy(module[1].running_var), np.full((2,), 0.5, "float32")
    )
    # torch sees each parameter once, registered by the module (no second copy).
    assert [name for name, _ in wrapper.named_parameters()] == [
        "module.0.weight",
        "module.0.bias",
        "module.1.weight",
        "module.1.bias",
    ]


@torch_only
def test_gradients_reach_the_module_parameters(rng):
    wrapper = TorchModuleWrapper(mlp())
    x = rng.standard_normal((2, 4))
    weights = [w.astype(np.float64) for w in wrapper.get_weights()]
    actual = engine_gradients(
        lambda t: wrapper(t), [x.astype("float32")], wrapper.trainable_weights
    )
    expected = numeric_gradients(mlp_reference, [x, *weights])
    for got, want in zip(actual, expected):
        assert_close(got, want, rtol=1e-3, atol=1e-4)
    assert wrapper.module[0].weight.grad is not None


@torch_only
def test_symbolic_shape_equals_eager_and_output_shape_is_used(rng):
    inputs = lamina.Input((4,))
    wrapper = TorchModuleWrapper(mlp())
    symbolic = wrapper(inputs)
    assert symbolic.shape == (None, 2)
    model = lamina.Model(inputs, symbolic)
    assert tuple(model(rng.standard_normal((3, 4)).astype("float32")).shape) == (3, 2)
    assert wrapper.compute_output_shape((None, 4)) == (None, 2)
    given = TorchModuleWrapper(mlp(), output_shape=(None, 2))
    assert given(inputs).shape == (None, 2)


@torch_only
def test_training_mode_follows_the_training_argument(rng):
    wrapper = TorchModuleWrapper(NormalizedMLP().module)
    x = rng.standard_normal((4, 4)).astype("float32")
    wrapper(x, training=False)
    assert not wrapper.module.training
    before = wrapper.module[1].running_mean.clone()
    wrapper(x, training=True)
    assert wrapper.module.training
    assert not np.allclose(
        backend.convert_to_numpy(before), backend.convert_to_numpy(wrapper.module[1].running_mean)
    )


def fit_a_few_steps(model, rng):
    x = rng.standard_normal((64, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [1.5]])).astype("float32")
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=False)
    return x, history.history["loss"]


@pytest.mark.training
@torch_only
def test_model_holding_a_wrapper_trains_and_round_trips_weights_h5(tmp_path, rng):
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, NormalizedMLP(name="mlp")(inputs))
    start = model.get_weights()
    x, losses = fit_a_few_steps(model, rng)
    assert losses[-1] < losses[0]
    wrapper = model.get_layer("mlp")
    assert not np.allclose(start[0], backend.convert_to_numpy(wrapper.module[0].weight))
    assert int(wrapper.module[1].num_batches_tracked) == 16  # buffers kept in step too
    model.save_weights(tmp_path / "model.weights.h5")
    fresh_inputs = lamina.Input((4,))
    fresh = lamina.Model(fresh_inputs, NormalizedMLP(name="mlp")(fresh_inputs))
    fresh.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6)
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    import h5py

    with h5py.File(tmp_path / "model.weights.h5", "r") as h5_file:
        group = h5_file["layers/normalized_mlp/vars"]
        assert sorted(group) == sorted(wrapper.module.state_dict())  # Keras's layout


@torch_only
def test_weights_that_do_not_fit_the_module_are_refused_before_any_change():
    wrapper = TorchModuleWrapper(mlp())
    before = wrapper.get_weights()
    store = {}
    wrapper.save_own_variables(store)
    with pytest.raises(ValueError, match="missing keys"):
        wrapper.load_own_variables({k: v for k, v in store.items() if k != "2.bias"})
    store["0.weight"] = np.zeros((5, 5), "float32")
    with pytest.raises(ValueError, match=r"'0.weight' has shape \(5, 4\)"):
        wrapper.load_own_variables(store)
    for a, b in zip(before, wrapper.get_weights()):
        np.testing.assert_array_equal(a, b)


@torch_only
def test_keras_file_round_trip_needs_a_class_that_makes_the_module(tmp_path, rng):
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, NormalizedMLP()(inputs))
    x = rng.standard_normal((5, 4)).astype("float32")
    model.save(tmp_path / "registered.keras")
    loaded = saving.load_model(tmp_path / "registered.keras")
    assert type(loaded.layers[-1]) is NormalizedMLP
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6)
    config = check_config_roundtrip(NormalizedMLP(output_shape=(None, 1))).get_config()
    assert set(config) == {"name", "trainable", "dtype", "output_shape"}  # no module

    plain = lamina.Model(inputs, TorchModuleWrapper(mlp(), name="plain")(inputs))
    with pytest.raises(ValueError, match="Cannot serialize TorchModuleWrapper 'plain'"):
        plain.save(tmp_path / "plain.keras")  # no class could rebuild its module
    plain.save_weights(tmp_path / "plain.weights.h5")  # its weights still save
    with pytest.raises(ValueError, match="holds no module"):
        TorchModuleWrapper.from_config({"name": "plain", "output_shape": None})


UNPICKLED = []


def record_unpickling():
    UNPICKLED.append(True)
    return "unpickled"


class Payload:
    def __reduce__(self):
        return (record_unpickling, ())


def keras_style_config():
    """A TorchModuleWrapper config as Keras writes it: the module pickled, in base64."""
    pickled = base64.b64encode(pickle.dumps(Payload())).decode("ascii")
    return {"name": "torch_module_wrapper", "trainable": True, "dtype": "float32",
            "module": pickled, "output_shape": None}  # fmt: skip


def test_a_pickled_module_in_a_config_is_refused_and_never_unpickled():
    with pytest.raises(ValueError, match="never unpickles"):
        TorchModuleWrapper.from_config(keras_style_config())
    with pytest.raises(ValueError, match="never unpickles"):
        NormalizedMLP.from_config(keras_style_config())
    assert UNPICKLED == []


@torch_only
def test_a_keras_file_with_a_pickled_module_is_refused_in_every_mode(tmp_path):
    inputs = lamina.Input((4,))
    lamina.Model(inputs, NormalizedMLP()(inputs)).save(tmp_path / "ours.keras")
    with zipfile.ZipFile(tmp_path / "ours.keras") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    layer_config = config["config"]["layers"][-1]["config"]
    layer_config.update(keras_style_config(), name=layer_config["name"])
    config["config"]["layers"][-1].update(
        module="keras.layers", class_name="TorchModuleWrapper", registered_name=None
    )
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "keras_made.keras", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    for safe_mode in (True, False):
        with pytest.raises(ValueError, match="never unpickles"):
            saving.load_model(tmp_path / "keras_made.keras", safe_mode=safe_mode)
    assert UNPICKLED == []


@torch_only
def test_bad_arguments_name_the_argument():
    import torch

    with pytest.raises(TypeError, match="'module' must be a torch.nn.Module"):
        TorchModuleWrapper(lambda x: x)
    with pytest.raises(TypeError, match="'output_shape'"):
        TorchModuleWrapper(mlp(), output_shape=3)
    with pytest.raises(ValueError, match="lazy module"):
        TorchModuleWrapper(torch.nn.LazyLinear(3))


@pytest.mark.engine("jax", "numpy")
def test_other_engines_refuse_with_the_engine_named():
    active = backend.backend()
    with pytest.raises(
        ValueError, match=f"needs the torch engine; the active engine is '{active}'"
    ):
        TorchModuleWrapper(object())
    with pytest.raises(NotImplementedError, match=f"active engine is '{active}'"):
        backend.engine.interop.variable_from_tensor(np.ones(2), trainable=True, name="w")
    with pytest.raises(NotImplementedError, match="torch engine"):
        backend.engine.interop.adopt_module(object())


def test_layers_namespace_exports_it():
    assert layers.TorchModuleWrapper is TorchModuleWrapper
