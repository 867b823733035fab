"""utils.Config: attribute and item access, freezing, JSON."""

from __future__ import annotations

import json

import pytest

from lamina.utils import Config


def test_config_reads_and_writes_both_ways_and_freezes():
    config = Config(learning_rate=0.1, layers=[64, 64])
    config.momentum = 0.9
    config["decay"] = 1e-4
    assert config.learning_rate == 0.1
    assert config["momentum"] == 0.9
    assert dict(config.items()) == {
        "learning_rate": 0.1,
        "layers": [64, 64],
        "momentum": 0.9,
        "decay": 1e-4,
    }
    assert len(config) == 4
    assert "decay" in config
    assert json.loads(config.to_json())["layers"] == [64, 64]
    config.freeze()
    assert config.frozen
    for change in (
        lambda: setattr(config, "learning_rate", 1.0),
        lambda: config.__setitem__("x", 1),
        lambda: config.update(x=1),
        lambda: config.pop("decay"),
        lambda: delattr(config, "momentum"),
    ):
        with pytest.raises(ValueError, match="frozen"):
            change()
    assert config.as_dict()["learning_rate"] == 0.1
    config.unfreeze()
    assert config.pop("decay") == 1e-4
    with pytest.raises(AttributeError, match="no entry 'missing'"):
        _ = config.missing
