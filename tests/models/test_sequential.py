import pytest

import lamina as keras
from lamina import layers
from tests.harness import assert_close


def mnist_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def test_example_cnn_has_keras_parameter_count():
    model = mnist_cnn()
    assert model.count_params() == 93_322
    assert model.output_shape == (None, 10)
    assert [w.shape for w in model.get_weights()][:2] == [(3, 3, 1, 32), (32,)]


def test_summary_matches_keras_table():
    lines = []
    mnist_cnn().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "conv2d (Conv2D)" in text
    assert "(None, 26, 26, 32)" in text
    assert "(None, 3, 3, 64)" in text
    assert "(None, 576)" in text
    assert " Total params: 93,322 (364.54 KB)" in lines
    assert " Trainable params: 93,322 (364.54 KB)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines


def test_built_from_first_layer_input_shape_and_add_pop(rng):
    model = keras.Sequential([layers.Dense(4, input_shape=(3,))])
    assert model.built
    model.add(layers.Dense(2))
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert isinstance(popped, layers.Dense)
    assert model.output_shape == (None, 4)
    x = rng.standard_normal((5, 3)).astype("float32")
    kernel, bias = model.get_weights()
    assert_close(model(x), x @ kernel + bias, atol=1e-5)


def test_built_on_first_call(rng):
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not model.built
    out = model(rng.standard_normal((2, 5)).astype("float32"))
    assert tuple(out.shape) == (2, 1)
    assert model.built
    assert model.count_params() == 5 * 3 + 3 + 3 + 1


def test_config_roundtrip_rebuilds_same_architecture(rng):
    model = mnist_cnn()
    clone = keras.Sequential.from_config(model.get_config())
    assert clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    x = rng.random((2, 28, 28, 1)).astype("float32")
    assert_close(clone(x), keras.ops.convert_to_numpy(model(x)), atol=1e-6)


def test_rejects_non_layers_and_duplicate_names():
    model = keras.Sequential()
    with pytest.raises(TypeError, match="Only instances of lamina.layers.Layer"):
        model.add("dense")
    model.add(layers.Dense(2, name="same"))
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="same"))


def test_count_params_before_build_is_a_clear_error():
    with pytest.raises(ValueError, match="has not been built"):
        keras.Sequential([layers.Dense(2)]).count_params()


@pytest.mark.engine("torch")
def test_torch_module_view(rng):
    model = mnist_cnn()
    names = [name for name, _ in model.named_parameters()]
    assert len(names) == 10
    assert names[0].endswith("kernel")
    assert sum(p.numel() for p in model.parameters()) == 93_322


def test_input_and_output_once_the_input_shape_is_known():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    assert tuple(model.input.shape) == (None, 3)
    assert tuple(model.output.shape) == (None, 2)
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(AttributeError):
        _ = unbuilt.input


def test_from_config_builds_each_layer_from_its_build_config():
    class ScaledByBuildArgument(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def build(self, input_shape, scale):
            super().build(input_shape)
            self.scale = scale
            self.input_dim = input_shape[-1]

        def call(self, inputs):
            return inputs * self.scale

        def get_build_config(self):
            return {"input_shape": [None, self.input_dim], "scale": self.scale}

        def build_from_config(self, config):
            self.build(config["input_shape"], config["scale"])

    layer = ScaledByBuildArgument()
    layer.build((None, 2), 3.0)
    model = keras.Sequential([keras.Input((2,)), layer])
    config = keras.saving.serialize_keras_object(model)
    with keras.saving.custom_object_scope({"ScaledByBuildArgument": ScaledByBuildArgument}):
        clone = keras.saving.deserialize_keras_object(config)
    assert clone.layers[0].scale == 3.0
