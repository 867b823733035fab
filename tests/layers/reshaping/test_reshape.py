import pytest

import lamina as keras
from lamina.layers.reshaping import Reshape
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize(
    ("target_shape", "expected"),
    [((12,), (12,)), ((4, 3), (4, 3)), ((-1, 2), (6, 2)), ((2, -1, 3), (2, 2, 3))],
)
def test_reshape_matches_numpy(rng, target_shape, expected):
    x = rng.standard_normal((5, 3, 4)).astype("float32")
    y = Reshape(target_shape)(x)
    assert tuple(y.shape) == (5, *expected)
    assert_close(y, x.reshape(5, *expected))


@pytest.mark.parametrize(
    ("input_shape", "target_shape", "expected"),
    [
        ((3, 4), (-1,), (None, 12)),
        ((3, 4), (2, 6), (None, 2, 6)),
        ((None, 4), (-1, 2), (None, None, 2)),
        ((None, 4), (4, 2), (None, 4, 2)),
    ],
)
def test_reshape_symbolic_shape(input_shape, target_shape, expected):
    assert Reshape(target_shape)(keras.Input(input_shape)).shape == expected


def test_reshape_symbolic_shape_equals_eager(rng):
    layer = Reshape((-1, 2))
    symbolic = layer(keras.Input((3, 4)))
    assert symbolic.shape[1:] == tuple(layer(rng.standard_normal((2, 3, 4))).shape)[1:]


def test_reshape_built_on_unknown_axes_resolves_per_call(rng):
    layer = Reshape((-1, 2))
    layer(keras.Input((None, 4)))
    assert tuple(layer(rng.standard_normal((2, 3, 4))).shape) == (2, 6, 2)
    assert tuple(layer(rng.standard_normal((2, 5, 4))).shape) == (2, 10, 2)


def test_reshape_config_roundtrip():
    clone = check_config_roundtrip(Reshape((2, -1), name="reshape_it"))
    assert clone.target_shape == (2, -1)


@pytest.mark.parametrize(
    ("target_shape", "message"),
    [((5,), "cannot reshape"), ((-1, 5), "not a multiple of 5")],
)
def test_reshape_rejects_sizes_that_do_not_fit(rng, target_shape, message):
    with pytest.raises(ValueError, match=message):
        Reshape(target_shape)(rng.standard_normal((2, 3, 4)))


@pytest.mark.parametrize("target_shape", [(-1, -1), (0, 3), (2.5,), ("3",), None])
def test_reshape_rejects_bad_target_shape(target_shape):
    with pytest.raises(ValueError, match="target_shape"):
        Reshape(target_shape)
