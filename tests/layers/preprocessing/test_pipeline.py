import numpy as np
import pytest

import lamina as keras
from lamina import layers, saving
from tests.harness import assert_close


def make_pipeline():
    return layers.Pipeline(
        [layers.Rescaling(2.0, offset=1.0), layers.Normalization(mean=1.0, variance=4.0)],
        name="prep",
    )


def test_applies_layers_in_order(rng):
    x = rng.standard_normal((4, 3))
    assert_close(make_pipeline()(x), (2.0 * x + 1.0 - 1.0) / 2.0, rtol=1e-6, atol=1e-6)


def test_training_reaches_the_layers_and_defaults_to_true(rng):
    x = rng.standard_normal((64, 8)) + 3.0
    pipeline = layers.Pipeline([layers.Dropout(0.5, seed=1)])
    assert np.mean(np.asarray(keras.ops.convert_to_numpy(pipeline(x))) == 0.0) > 0.2
    assert_close(pipeline(x, training=False), x)


def test_works_inside_a_model_and_round_trips_through_a_file(tmp_path, rng):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(2)(make_pipeline()(inputs)))
    x = rng.standard_normal((5, 3)).astype("float32")
    model.save(tmp_path / "pipeline.keras")
    loaded = saving.load_model(tmp_path / "pipeline.keras")
    assert_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    pipeline = loaded.get_layer("prep")
    assert [type(layer).__name__ for layer in pipeline.layers] == ["Rescaling", "Normalization"]
    assert model.output.shape == (None, 2)


def test_config_roundtrip():
    config = make_pipeline().get_config()
    assert sorted(config) == ["layers", "name"]
    clone = layers.Pipeline.from_config(config)
    assert clone.get_config() == config


def test_bad_arguments():
    with pytest.raises(TypeError, match="list of Layer instances"):
        layers.Pipeline([layers.Dense(2), "relu"])
    with pytest.raises(ValueError, match="`layers` key"):
        layers.Pipeline.from_config({"name": "p"})


def test_a_mask_reaches_the_next_layer(rng):
    tokens = np.array([[3, 1, 0, 0], [2, 0, 0, 0]])
    embed = layers.Embedding(5, 2, mask_zero=True)
    pipeline = layers.Pipeline([embed, layers.GlobalAveragePooling1D()])
    vectors = np.asarray(keras.ops.convert_to_numpy(embed(tokens)))
    expected = [vectors[0, :2].mean(axis=0), vectors[1, :1].mean(axis=0)]  # padding ignored
    assert_close(pipeline(tokens), expected, rtol=1e-6, atol=1e-6)
