import pytest

from lamina import layers
from lamina.layers import Wrapper
from tests.harness import check_config_roundtrip


def test_wrapper_tracks_and_builds_the_wrapped_layer():
    wrapper = Wrapper(layers.Dense(3), name="outer")
    wrapper.build((None, 4))
    assert wrapper.layer.built
    assert [v.path for v in wrapper.weights] == ["outer/dense/kernel", "outer/dense/bias"]


def test_wrapper_config_nests_the_layer():
    clone = check_config_roundtrip(Wrapper(layers.Dense(3, activation="relu")))
    assert isinstance(clone.layer, layers.Dense)
    assert clone.layer.units == 3


def test_wrapper_needs_a_layer():
    with pytest.raises(ValueError, match="Layer instance.*str"):
        Wrapper("dense")
