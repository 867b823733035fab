"""Layers that keep their state their own way: ``save_own_variables`` /
``load_own_variables`` overrides are what saving and loading call, as in Keras."""

import numpy as np
import pytest

import lamina
from lamina import layers, saving


@saving.register_keras_serializable(package="LaminaTest")
class ScaledTable(layers.Layer):
    """Saves its table scaled by 2 under a key of its own, plus a counter that is no
    variable at all; loading undoes both."""

    def build(self, input_shape):
        self.table = self.add_variable((input_shape[-1], 3), "random_normal", name="table")
        self.calls = 0

    def call(self, inputs):
        return lamina.ops.matmul(inputs, self.table)

    def save_own_variables(self, store):
        store["doubled_table"] = 2.0 * self.table.numpy()
        store["calls"] = np.array(41 + 1, dtype="int32")

    def load_own_variables(self, store):
        self.table.assign(store["doubled_table"] / 2.0)
        self.calls = int(store["calls"])


def model_with_table(rng):
    model = lamina.Sequential([lamina.Input((4,)), ScaledTable(), layers.Dense(2)])
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.mark.parametrize("filename", ["m.keras", "m.weights.h5", "m.safetensors"])
def test_custom_state_round_trips(tmp_path, rng, filename):
    model = model_with_table(rng)
    path = str(tmp_path / filename)
    if filename.endswith(".keras"):
        model.save(path)
        loaded = saving.load_model(path)
    else:
        model.save_weights(path)
        loaded = model_with_table(np.random.default_rng(99))
        loaded.load_weights(path)
    for want, got in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert loaded.layers[0].calls == 42
    x = rng.standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(
        lamina.backend.convert_to_numpy(loaded(x)), lamina.backend.convert_to_numpy(model(x)),
        rtol=1e-5,
    )  # fmt: skip


def test_stored_under_the_keys_the_layer_chose(tmp_path, rng):
    import h5py

    path = str(tmp_path / "m.weights.h5")
    model_with_table(rng).save_weights(path)
    with h5py.File(path, "r") as h5_file:
        assert sorted(h5_file["layers/scaled_table/vars"]) == ["calls", "doubled_table"]


def test_default_methods_match_the_variables(rng):
    layer = layers.Dense(3)
    layer.build((None, 2))
    store = {}
    layer.save_own_variables(store)
    assert sorted(store) == ["0", "1"]
    other = layers.Dense(3)
    other.build((None, 2))
    other.load_own_variables(store)
    for want, got in zip(layer.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(want, got)
    with pytest.raises(ValueError, match="expected 2 variables"):
        other.load_own_variables({"0": store["0"]})
