"""The Layer base: tracking, freezing, losses, weights, names."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops


class Block(keras.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.stack = [layers.Dense(4), layers.Dense(2)]
        self.extra = {"scale": layers.Dense(2, use_bias=False)}

    def build(self, input_shape):
        self.offset = self.add_weight(shape=(2,), initializer="ones", name="offset")

    def call(self, inputs):
        x = inputs
        for layer in self.stack:
            x = layer(x)
        self.add_loss(ops.sum(ops.square(self.offset)))
        return self.extra["scale"](x) + self.offset


def test_lists_dicts_and_weights_are_tracked(rng):
    block = Block()
    block(rng.standard_normal((3, 5)).astype("float32"))
    assert len(block.weights) == 1 + 2 + 2 + 1
    assert block.weights[0].path == "block/offset"
    if hasattr(block, "parameters"):  # where a layer is also an engine module (torch)
        assert len(list(block.parameters())) == 6  # the module view sees them all


def test_frozen_layer_gets_no_gradients_until_unfrozen(rng):
    dense = layers.Dense(3, trainable=False)
    dense(rng.standard_normal((1, 2)).astype("float32"))
    assert dense.trainable_weights == []
    assert len(dense.non_trainable_weights) == 2
    dense.trainable = True
    assert len(dense.trainable_weights) == 2


def test_add_loss_is_reset_each_call(rng):
    block = Block()
    x = rng.standard_normal((3, 5)).astype("float32")
    block(x)
    block(x)
    assert len(block.losses) == 1
    assert float(ops.convert_to_numpy(block.losses[0])) == pytest.approx(2.0)


def test_activity_regularizer_adds_a_loss(rng):
    dense = layers.Dense(2, activity_regularizer="l2", kernel_initializer="ones")
    x = np.ones((1, 3), "float32")
    dense(x)
    assert float(ops.convert_to_numpy(dense.losses[0])) == pytest.approx(0.01 * 2 * 9.0)


def test_set_weights_checks_count_and_shapes_before_assigning(rng):
    dense = layers.Dense(2)
    dense.build((None, 3))
    before = [w.copy() for w in dense.get_weights()]
    with pytest.raises(ValueError, match="expects 2 weights"):
        dense.set_weights([before[0]])
    with pytest.raises(ValueError, match="has shape"):
        dense.set_weights([before[0], np.zeros((3,), "float32")])
    for got, want in zip(dense.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_auto_names_are_unique_and_snake_case():
    names = [layers.Dense(1).name, layers.Dense(1).name, layers.BatchNormalization().name]
    assert names == ["dense", "dense_1", "batch_normalization"]


def test_unknown_constructor_argument_is_named():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments.*colour"):
        layers.Dense(2, colour="red")


def test_a_custom_build_marks_the_layer_built_even_without_super():
    class Scale(keras.Layer):
        def build(self, input_shape):
            self.factor = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return inputs * self.factor

    layer = Scale()
    layer.build((None, 3))
    assert layer.built
    assert layer.get_build_config() == {"input_shape": (None, 3)}
    assert layer.count_params() == 3


def test_unknown_keyword_arguments_are_refused_even_when_none():
    # Keras refuses any unknown keyword (a typo must not pass), None included.
    from lamina import layers

    for kwargs in ({"unitz": 3}, {"kernel_initialiser": None}):
        with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
            layers.Dense(3, **kwargs)
    # Rebuilt from a config, a newer Keras's optional arguments left at None are dropped.
    config = {**layers.Dense(3).get_config(), "quantization_config": None}
    assert layers.Dense.from_config(config).units == 3
    restored = keras.layers.deserialize({"class_name": "Dense", "config": config})
    assert restored.units == 3
