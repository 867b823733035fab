import numpy as np
import pytest

import lamina as keras
from lamina.layers import UnitNormalization
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
def test_unit_normalization_matches_numpy(rng, axis):
    x = rng.standard_normal((2, 3, 4))
    axes = tuple(axis) if isinstance(axis, list) else axis
    expected = x / np.maximum(np.sqrt(np.sum(x * x, axis=axes, keepdims=True)), 1e-12)
    assert_close(UnitNormalization(axis=axis, dtype="float64")(x), expected)


def test_unit_normalization_config_symbolic_and_errors(rng):
    layer = UnitNormalization(axis=(1, 2))
    assert check_config_roundtrip(layer).get_config()["axis"] == [1, 2]
    assert layer.weights == []
    assert layer(keras.Input((3, 4))).shape == (None, 3, 4)
    with pytest.raises(TypeError, match="'axis'"):
        UnitNormalization(axis="channels")
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        UnitNormalization(axis=3).compute_output_shape((2, 3))
