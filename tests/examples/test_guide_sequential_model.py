"""The Keras 3 guide "The Sequential model", run through Lamina.

Each test is one section of the guide with its code kept as written; image sizes
stay as the guide has them because the summaries' shapes are what it shows.
"""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops


def test_sequential_equals_chained_layer_calls():
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    x = ops.ones((3, 3))
    y = model(x)
    assert tuple(y.shape) == (3, 4)

    layer1 = layers.Dense(2, activation="relu", name="layer1")
    layer2 = layers.Dense(3, activation="relu", name="layer2")
    layer3 = layers.Dense(4, name="layer3")
    y = layer3(layer2(layer1(x)))
    assert tuple(y.shape) == (3, 4)


def test_layers_attribute_add_and_pop():
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    assert len(model.layers) == 3

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.add(layers.Dense(3, activation="relu"))
    model.add(layers.Dense(4))
    model.pop()
    assert len(model.layers) == 2

    model = keras.Sequential(name="my_sequential")
    model.add(layers.Dense(2, activation="relu", name="layer1"))
    model.add(layers.Dense(3, activation="relu", name="layer2"))
    model.add(layers.Dense(4, name="layer3"))
    assert model.name == "my_sequential"
    assert [layer.name for layer in model.layers] == ["layer1", "layer2", "layer3"]


def test_weights_are_created_on_first_call():
    layer = layers.Dense(3)
    assert layer.weights == []
    x = ops.ones((1, 4))
    layer(x)
    assert [tuple(w.shape) for w in layer.weights] == [(4, 3), (3,)]

    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    x = ops.ones((1, 4))
    model(x)
    assert len(model.weights) == 6


def test_summary_of_a_model_built_by_calling_it(capsys):
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    model(ops.ones((1, 4)))
    model.summary()
    out = capsys.readouterr().out
    assert "Total params: 35" in out  # (4*2+2) + (2*3+3) + (3*4+4)


def test_input_object_gives_a_summary_before_any_data(capsys):
    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    model.summary()
    out = capsys.readouterr().out
    assert "(None, 2)" in out
    assert "Total params: 10" in out
    # The Input object is not a layer of the model.
    assert len(model.layers) == 1


def test_input_shape_argument_on_the_first_layer(capsys):
    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu", input_shape=(4,)))
    model.summary()
    assert "Total params: 10" in capsys.readouterr().out
    assert len(model.weights) == 2


def test_add_and_summary_debugging_workflow(capsys):
    model = keras.Sequential()
    model.add(keras.Input(shape=(250, 250, 3)))  # 250x250 RGB images
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.summary()
    assert "(None, 40, 40, 32)" in capsys.readouterr().out

    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    model.summary()
    assert "(None, 4, 4, 32)" in capsys.readouterr().out

    model.add(layers.GlobalMaxPooling2D())
    model.add(layers.Dense(10))
    assert tuple(model.output_shape) == (None, 10)


def test_feature_extraction_from_every_layer():
    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=[layer.output for layer in initial_model.layers],
    )
    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    assert [tuple(f.shape) for f in features] == [
        (1, 123, 123, 32),
        (1, 121, 121, 32),
        (1, 119, 119, 32),
    ]


def test_feature_extraction_from_one_named_layer():
    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output,
    )
    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    assert tuple(features.shape) == (1, 121, 121, 32)


@pytest.mark.training
def test_transfer_learning_freeze_all_but_the_last_layer(tmp_path):
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10),
        ]
    )
    path = str(tmp_path / "pretrained.weights.h5")
    model.save_weights(path)
    model.load_weights(path)

    for layer in model.layers[:-1]:
        layer.trainable = False
    assert len(model.trainable_weights) == 2

    frozen_before = [np.copy(keras.ops.convert_to_numpy(w)) for w in model.layers[0].weights]
    last_before = np.copy(keras.ops.convert_to_numpy(model.layers[-1].kernel))
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng = np.random.default_rng(0)
    model.fit(
        rng.random((64, 784), dtype="float32"),
        rng.integers(0, 10, size=(64,)),
        epochs=1,
        batch_size=32,
        verbose=0,
    )
    frozen_after = [keras.ops.convert_to_numpy(w) for w in model.layers[0].weights]
    for before, after in zip(frozen_before, frozen_after):
        np.testing.assert_array_equal(before, after)
    assert not np.allclose(last_before, keras.ops.convert_to_numpy(model.layers[-1].kernel))


@pytest.mark.training
def test_frozen_base_model_under_a_new_head():
    # The guide's base is a pretrained Xception; a small Sequential stands in for it.
    base_model = keras.Sequential(
        [keras.Input(shape=(8,)), layers.Dense(16, activation="relu")], name="base"
    )
    base_model.trainable = False
    model = keras.Sequential([base_model, layers.Dense(4)])
    model.compile(optimizer="adam", loss="mse")
    base_kernel = np.copy(keras.ops.convert_to_numpy(base_model.layers[0].kernel))
    rng = np.random.default_rng(0)
    model.fit(
        rng.random((32, 8), dtype="float32"),
        rng.random((32, 4), dtype="float32"),
        epochs=1,
        verbose=0,
    )
    assert len(model.trainable_weights) == 2
    np.testing.assert_array_equal(
        base_kernel, keras.ops.convert_to_numpy(base_model.layers[0].kernel)
    )
