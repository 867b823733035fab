import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.layers import GroupNormalization
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)


def reference(x, gamma, beta, groups, axis=-1, epsilon=1e-3):
    """Group norm in float64: channels moved last, split into groups, normalized per group."""
    moved = np.moveaxis(x, axis, -1)
    grouped = moved.reshape(*moved.shape[:-1], groups, moved.shape[-1] // groups)
    reduce = tuple(range(1, grouped.ndim - 2)) + (grouped.ndim - 1,)
    mean = grouped.mean(axis=reduce, keepdims=True)
    variance = grouped.var(axis=reduce, keepdims=True)
    normalized = ((grouped - mean) / np.sqrt(variance + epsilon)).reshape(moved.shape)
    return np.moveaxis(normalized * gamma + beta, -1, axis)


def randomize(layer, rng):
    layer.set_weights([rng.uniform(0.5, 1.5, w.shape) for w in layer.get_weights()])
    return [np.array(w, np.float64) for w in layer.get_weights()]


@pytest.mark.parametrize(
    ("shape", "groups", "axis"),
    [((3, 8), 4, -1), ((2, 5, 6), 3, -1), ((2, 4, 3, 3), 2, 1), ((2, 3, 4, 6), -1, -1)],
)
def test_group_normalization_matches_numpy(rng, shape, groups, axis):
    x = rng.standard_normal(shape) * 2.0 + 0.5
    layer = GroupNormalization(groups=groups, axis=axis, dtype="float64")
    layer.build(shape)
    gamma, beta = randomize(layer, rng)
    groups = shape[axis] if groups == -1 else groups
    assert_close(layer(x), reference(x, gamma, beta, groups, axis))


def test_group_normalization_weights_and_instance_groups():
    layer = GroupNormalization(groups=-1)
    layer.build((None, 5, 6))
    assert [v.path for v in layer.weights] == [
        "group_normalization/gamma",
        "group_normalization/beta",
    ]
    assert layer.groups == 6  # groups=-1: one channel per group, recorded as Keras does
    assert layer.get_config()["groups"] == 6
    only_gamma = GroupNormalization(groups=2, center=False)
    only_gamma.build((None, 4))
    assert [v.name for v in only_gamma.weights] == ["gamma"]


def test_group_normalization_gradients_match_finite_differences(rng):
    x = rng.standard_normal((2, 3, 4))
    weights = rng.standard_normal((2, 3, 4))
    layer = GroupNormalization(groups=2, dtype="float64")
    layer.build(x.shape)
    params = randomize(layer, rng)
    got = engine_gradients(lambda x: ops.multiply(layer(x), weights), [x], variables=layer.weights)
    want = numeric_gradients(
        lambda x, gamma, beta: reference(x, gamma, beta, 2) * weights, [x, *params]
    )
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-7)


def test_group_normalization_config_and_symbolic_shape(rng):
    layer = GroupNormalization(groups=2, axis=1, epsilon=1e-5, gamma_regularizer="l2")
    config = check_config_roundtrip(layer).get_config()
    assert config["groups"] == 2
    assert config["axis"] == 1
    assert layer(keras.Input((4, 3))).shape == (None, 4, 3)
    assert tuple(layer(rng.standard_normal((2, 4, 3))).shape) == (2, 4, 3)


def test_group_normalization_half_precision(rng):
    x = rng.standard_normal((2, 8)) * 3
    y = GroupNormalization(groups=2, dtype="float16")(x.astype("float16"))
    assert ops.dtype(y) == "float16"
    assert_close(to_numpy(y), reference(x, 1.0, 0.0, 2), rtol=1e-2, atol=1e-2)


def test_group_normalization_bad_arguments(rng):
    with pytest.raises(ValueError, match="groups=0"):
        GroupNormalization(groups=0)
    with pytest.raises(TypeError, match="axis"):
        GroupNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="groups=4 must divide the 6 channels"):
        GroupNormalization(groups=4)(rng.standard_normal((2, 6)))
    with pytest.raises(ValueError, match="groups=8 must divide the 6 channels"):
        GroupNormalization(groups=8)(rng.standard_normal((2, 6)))
    layer = GroupNormalization(groups=2)
    layer(rng.standard_normal((2, 6)))
    with pytest.raises(ValueError, match="group_normalization"):
        layer(rng.standard_normal((2, 4)))  # a different channel count
