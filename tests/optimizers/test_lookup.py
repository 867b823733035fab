import json

import pytest

from lamina import optimizers
from lamina.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from lamina.optimizers.schedules import ExponentialDecay

NAMES = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad}


@pytest.mark.parametrize(("name", "cls"), NAMES.items(), ids=NAMES.keys())
def test_get_by_name_gives_a_default_instance(name, cls):
    for spelling in (name, name.upper(), cls.__name__):
        optimizer = optimizers.get(spelling)
        assert type(optimizer) is cls
        # Names are unique per instance (sgd, sgd_1, ...), as Keras's; the rest is the default.
        assert {**optimizer.get_config(), "name": None} == {**cls().get_config(), "name": None}


def test_get_passes_instances_and_none_through():
    optimizer = Adam()
    assert optimizers.get(optimizer) is optimizer
    assert optimizers.get(None) is None


@pytest.mark.parametrize(
    "optimizer",
    [
        SGD(learning_rate=0.3, momentum=0.5, nesterov=True),
        Adam(learning_rate=0.02, amsgrad=True, global_clipnorm=1.0),
        AdamW(weight_decay=0.1),
        RMSprop(centered=True, clipvalue=0.5),
        Adagrad(initial_accumulator_value=0.2, weight_decay=0.01),
        Adam(learning_rate=ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)),
    ],
    ids=lambda optimizer: type(optimizer).__name__,
)
def test_serialize_roundtrips_through_json(optimizer):
    serialized = optimizers.serialize(optimizer)
    assert serialized["module"] == "keras.optimizers"
    assert serialized["class_name"] == type(optimizer).__name__
    restored = optimizers.deserialize(json.loads(json.dumps(serialized)))
    assert type(restored) is type(optimizer)
    assert restored.get_config() == optimizer.get_config()
    assert optimizers.get(serialized).get_config() == optimizer.get_config()


def test_deserialize_is_case_insensitive_for_built_ins():
    restored = optimizers.deserialize({"class_name": "ADAM", "config": {"learning_rate": 0.5}})
    assert isinstance(restored, Adam)


@pytest.mark.parametrize(("name", "suggestion"), [("adm", "adam"), ("rmsprp", "rmsprop")])
def test_unknown_name_lists_close_valid_names(name, suggestion):
    with pytest.raises(ValueError, match=f"Unknown optimizer: '{name}'.*'{suggestion}'"):
        optimizers.get(name)


def test_get_rejects_other_objects():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(42)


KERAS_3_15_NAMES = {
    "adadelta": optimizers.Adadelta,
    "adafactor": optimizers.Adafactor,
    "adamax": optimizers.Adamax,
    "ftrl": optimizers.Ftrl,
    "lamb": optimizers.Lamb,
    "lion": optimizers.Lion,
    "muon": optimizers.Muon,
    "nadam": optimizers.Nadam,
    "schedulefreeadamw": optimizers.ScheduleFreeAdamW,
}


@pytest.mark.parametrize(("name", "cls"), KERAS_3_15_NAMES.items(), ids=KERAS_3_15_NAMES.keys())
def test_get_and_serialize_keras_3_15_optimizers(name, cls):
    for spelling in (name, cls.__name__):
        assert type(optimizers.get(spelling)) is cls
    optimizer = cls(learning_rate=0.02, clipnorm=1.0)
    serialized = json.loads(json.dumps(optimizers.serialize(optimizer)))
    assert serialized["class_name"] == cls.__name__
    assert optimizers.deserialize(serialized).get_config() == optimizer.get_config()
