"""The Keras 3 guide "Save, serialize, and export models", run through Lamina: the parts on
``.keras`` files, ``get_config``/``from_config`` and weights (not SavedModel export)."""

import numpy as np
import pytest

import lamina as keras


def get_model():
    # Create a simple model.
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(), loss="mean_squared_error")
    return model


@pytest.mark.training
def test_save_and_load_a_whole_model(tmp_path):
    model = get_model()
    test_input = np.random.random((128, 32))
    test_target = np.random.random((128, 1))
    model.fit(test_input, test_target, verbose=0)

    path = str(tmp_path / "my_model.keras")
    model.save(path)
    reconstructed_model = keras.models.load_model(path)
    np.testing.assert_allclose(
        model.predict(test_input, verbose=0), reconstructed_model.predict(test_input, verbose=0)
    )
    # The optimizer state came back too: training resumes where it left off.
    assert int(reconstructed_model.optimizer.iterations) == int(model.optimizer.iterations)
    reconstructed_model.fit(test_input, test_target, verbose=0)


@keras.saving.register_keras_serializable(package="my_package", name="custom_fn")
def custom_fn(x):
    return x**2


@keras.saving.register_keras_serializable(package="MyLayers")
class CustomLayer(keras.layers.Layer):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {"factor": self.factor}


def get_custom_model():
    inputs = keras.Input(shape=(4,))
    mid = CustomLayer(0.5)(inputs)
    outputs = keras.layers.Dense(1, activation=custom_fn)(mid)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="mean_squared_error")
    return model


def train_model(model):
    input = np.random.random((4, 4))
    target = np.random.random((4, 1))
    model.fit(input, target, verbose=0)
    return model


@pytest.mark.training
def test_registered_custom_objects(tmp_path):
    test_input = np.random.random((4, 4))
    model = get_custom_model()
    model = train_model(model)
    path = str(tmp_path / "custom_model.keras")
    model.save(path)

    # Now, we can simply load without worrying about our custom objects.
    reconstructed_model = keras.models.load_model(path)
    np.testing.assert_allclose(
        model.predict(test_input, verbose=0), reconstructed_model.predict(test_input, verbose=0)
    )
    assert keras.saving.get_registered_name(CustomLayer) == "MyLayers>CustomLayer"
    assert keras.saving.get_registered_name(custom_fn) == "my_package>custom_fn"


@pytest.mark.training
def test_custom_objects_by_argument_and_scope(tmp_path):
    class UnregisteredLayer(keras.layers.Layer):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {"factor": self.factor}

    def unregistered_fn(x):
        return x**2

    inputs = keras.Input(shape=(4,))
    mid = UnregisteredLayer(0.5)(inputs)
    outputs = keras.layers.Dense(1, activation=unregistered_fn)(mid)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="mean_squared_error")
    model = train_model(model)
    path = str(tmp_path / "custom_model.keras")
    model.save(path)
    test_input = np.random.random((4, 4))
    expected = model.predict(test_input, verbose=0)

    custom_objects = {"UnregisteredLayer": UnregisteredLayer, "unregistered_fn": unregistered_fn}
    reconstructed_model = keras.models.load_model(path, custom_objects=custom_objects)
    np.testing.assert_allclose(reconstructed_model.predict(test_input, verbose=0), expected)

    with keras.saving.custom_object_scope(custom_objects):
        reconstructed_model = keras.models.load_model(path)
    np.testing.assert_allclose(reconstructed_model.predict(test_input, verbose=0), expected)

    with pytest.raises(ValueError):
        keras.models.load_model(path)  # without them, the class is unknown


def test_layer_get_config_and_from_config():
    layer = keras.layers.Dense(3, activation="relu")
    layer_config = layer.get_config()
    assert layer_config["units"] == 3
    assert layer_config["activation"] == "relu"
    new_layer = keras.layers.Dense.from_config(layer_config)
    assert new_layer.get_config() == layer_config


def test_sequential_and_functional_configs():
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(1)])
    config = model.get_config()
    new_model = keras.Sequential.from_config(config)
    assert [type(layer) for layer in new_model.layers] == [keras.layers.Dense]
    assert tuple(new_model.output_shape) == (None, 1)

    inputs = keras.Input((32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, outputs)
    config = model.get_config()
    new_model = keras.Model.from_config(config)
    assert tuple(new_model.output_shape) == (None, 1)


def test_to_json_and_model_from_json():
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(1)])
    json_config = model.to_json()
    new_model = keras.models.model_from_json(json_config)
    assert tuple(new_model.output_shape) == (None, 1)


def test_serialize_and_deserialize_arbitrary_objects():
    my_reg = keras.regularizers.L1(0.005)
    config = keras.saving.serialize_keras_object(my_reg)
    assert config["class_name"] == "L1"
    assert config["config"] == {"l1": 0.005}
    new_reg = keras.saving.deserialize_keras_object(config)
    assert isinstance(new_reg, keras.regularizers.L1)
    assert new_reg.get_config() == my_reg.get_config()


def create_layer():
    layer = keras.layers.Dense(64, activation="relu", name="dense_2")
    layer.build((None, 784))
    return layer


def test_weight_transfer_between_layers():
    layer_1 = create_layer()
    layer_2 = create_layer()
    # Copy weights from layer 1 to layer 2
    layer_2.set_weights(layer_1.get_weights())
    for a, b in zip(layer_1.get_weights(), layer_2.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_weight_transfer_between_compatible_models():
    # Create a simple functional model
    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = keras.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    functional_model = keras.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")

    # Define a subclassed model with the same architecture
    class SubclassedModel(keras.Model):
        def __init__(self, output_dim, name=None):
            super().__init__(name=name)
            self.output_dim = output_dim
            self.dense_1 = keras.layers.Dense(64, activation="relu", name="dense_1")
            self.dense_2 = keras.layers.Dense(64, activation="relu", name="dense_2")
            self.dense_3 = keras.layers.Dense(output_dim, name="predictions")

        def call(self, inputs):
            x = self.dense_1(inputs)
            x = self.dense_2(x)
            x = self.dense_3(x)
            return x

        def get_config(self):
            return {"output_dim": self.output_dim, "name": self.name}

    subclassed_model = SubclassedModel(10)
    # Call the subclassed model once to create the weights.
    subclassed_model(np.ones((1, 784)))

    # Copy weights from functional_model to subclassed_model.
    subclassed_model.set_weights(functional_model.get_weights())
    assert len(functional_model.weights) == len(subclassed_model.weights)
    for a, b in zip(functional_model.weights, subclassed_model.weights):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_stateless_layers_do_not_change_the_weights():
    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = keras.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    functional_model = keras.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")

    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = keras.layers.Dense(64, activation="relu", name="dense_2")(x)
    # Add a dropout layer, which does not contain any weights.
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    functional_model_with_dropout = keras.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")
    functional_model_with_dropout.set_weights(functional_model.get_weights())
    for a, b in zip(functional_model.get_weights(), functional_model_with_dropout.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Dropout is the identity at inference: both models give the same outputs.
    x = np.random.default_rng(0).random((2, 784)).astype("float32")
    np.testing.assert_allclose(
        functional_model_with_dropout.predict(x, verbose=0),
        functional_model.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )


def test_save_weights_and_load_weights(tmp_path):
    sequential_model = keras.Sequential(
        [
            keras.Input(shape=(784,), name="digits"),
            keras.layers.Dense(64, activation="relu", name="dense_1"),
            keras.layers.Dense(64, activation="relu", name="dense_2"),
            keras.layers.Dense(10, name="predictions"),
        ]
    )
    path = str(tmp_path / "weights.weights.h5")
    sequential_model.save_weights(path)

    reloaded = keras.Sequential(
        [
            keras.Input(shape=(784,), name="digits"),
            keras.layers.Dense(64, activation="relu", name="dense_1"),
            keras.layers.Dense(64, activation="relu", name="dense_2"),
            keras.layers.Dense(10, name="predictions"),
        ]
    )
    reloaded.load_weights(path)
    x = np.random.random((2, 784)).astype("float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(reloaded(x)),
        keras.ops.convert_to_numpy(sequential_model(x)),
        rtol=1e-6,
    )


def test_custom_layer_with_config_and_build_config(tmp_path):
    @keras.saving.register_keras_serializable(package="MyLayersGuide")
    class LayerWithCustomBuild(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def call(self, inputs):
            return keras.ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return dict(units=self.units, **super().get_config())

        def build(self, input_shape, layer_init):
            # Note the overriding of `build()` to add an extra argument.
            # Therefore, we will need to manually call build with `layer_init` argument
            # before the first execution of `call()`.
            super().build(input_shape)
            self._input_shape = input_shape
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer=layer_init,
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,),
                initializer=layer_init,
                trainable=True,
            )
            self.layer_init = layer_init

        def get_build_config(self):
            build_config = {
                "layer_init": self.layer_init,
                "input_shape": self._input_shape,
            }  # Stores our initializer for `build()`
            return build_config

        def build_from_config(self, config):
            # Use custom parameters to build the layer.
            self.build(config["input_shape"], config["layer_init"])

    custom_layer = LayerWithCustomBuild(units=16)
    custom_layer.build(input_shape=(8,), layer_init="random_normal")
    model = keras.Sequential([keras.Input((8,)), custom_layer])
    path = str(tmp_path / "model.keras")
    model.save(path)
    reloaded = keras.models.load_model(path)
    x = np.random.random((2, 8)).astype("float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(reloaded(x)), keras.ops.convert_to_numpy(model(x)), rtol=1e-6
    )
    assert reloaded.layers[0].layer_init == "random_normal"
