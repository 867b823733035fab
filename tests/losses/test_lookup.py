import pytest

from lamina import losses


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("mse", losses.mean_squared_error),
        ("MSE", losses.mean_squared_error),
        ("mae", losses.mean_absolute_error),
        ("categorical_crossentropy", losses.categorical_crossentropy),
        ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
        ("binary_crossentropy", losses.binary_crossentropy),
        ("huber", losses.huber),
        ("kld", losses.kl_divergence),
    ],
)
def test_get_a_function_by_name(identifier, expected):
    assert losses.get(identifier) is expected


def test_get_a_class_name_gives_an_instance():
    loss = losses.get("BinaryCrossentropy")
    assert isinstance(loss, losses.BinaryCrossentropy)


def test_get_passes_objects_and_none_through():
    loss = losses.Huber()
    assert losses.get(loss) is loss
    assert losses.get(None) is None


def test_serialize_round_trips_a_class_and_a_function():
    config = losses.serialize(losses.CategoricalCrossentropy(from_logits=True, name="cce"))
    assert config["module"] == "keras.losses"
    assert config["class_name"] == "CategoricalCrossentropy"
    clone = losses.deserialize(config)
    assert clone.get_config()["from_logits"] is True
    assert losses.get(config).name == "cce"
    assert losses.serialize(losses.mse) == "mean_squared_error"
    assert losses.deserialize("mean_squared_error") is losses.mean_squared_error


def test_keras_module_name_in_config_is_accepted():
    config = {
        "module": "keras.losses",
        "class_name": "Huber",
        "config": {"name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 2.0},
        "registered_name": None,
    }
    assert losses.deserialize(config).get_config()["delta"] == 2.0


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("mean_sqaured_error", "mean_squared_error"),
        ("categorical_crossentropyy", "categorical_crossentropy"),
        ("BinaryCrossEntropy", "BinaryCrossentropy"),
    ],
)
def test_unknown_name_suggests_close_names(name, suggestion):
    with pytest.raises(ValueError, match=f"Unknown loss: '{name}'.*Did you mean.*'{suggestion}'"):
        losses.get(name)
    with pytest.raises(ValueError, match="Did you mean"):
        losses.deserialize(name)


def test_uninterpretable_identifier():
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get(42)
