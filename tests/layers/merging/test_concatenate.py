import numpy as np
import pytest

import lamina as keras
from lamina.layers.merging import Concatenate, concatenate
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize(
    ("shapes", "axis"),
    [([(2, 3), (2, 4)], -1), ([(2, 3, 4), (2, 5, 4), (2, 1, 4)], 1), ([(2, 3), (5, 3)], 0)],
)
def test_concatenate_matches_numpy(rng, shapes, axis):
    xs = [rng.standard_normal(shape).astype("float32") for shape in shapes]
    expected = np.concatenate(xs, axis=axis)
    assert_close(Concatenate(axis=axis)(xs), expected)
    assert_close(concatenate(xs, axis=axis), expected)


@pytest.mark.parametrize(
    ("shapes", "axis", "expected"),
    [
        ([(3,), (4,)], -1, (None, 7)),
        ([(None, 3), (None, 4)], -1, (None, None, 7)),
        ([(2, 3), (None, 3)], 1, (None, None, 3)),
    ],
)
def test_concatenate_symbolic_shape(shapes, axis, expected):
    assert concatenate([keras.Input(shape) for shape in shapes], axis=axis).shape == expected


def test_concatenate_symbolic_shape_equals_eager(rng):
    layer = Concatenate(axis=1)
    symbolic = layer([keras.Input((3, 4)), keras.Input((2, 4))])
    eager = layer([rng.standard_normal((5, 3, 4)), rng.standard_normal((5, 2, 4))])
    assert symbolic.shape[1:] == tuple(eager.shape)[1:]


def test_concatenate_config_roundtrip():
    clone = check_config_roundtrip(Concatenate(axis=1, name="cat"))
    assert clone.axis == 1


def test_concatenate_compute_mask():
    inputs = [np.ones((1, 3, 2)), np.ones((1, 3, 4))]
    masks = [np.array([[True, False, True]]), None]
    mask = Concatenate().compute_mask(inputs, masks)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(mask), [[True, True, True]])
    assert Concatenate().compute_mask(inputs, [None, None]) is None


def test_concatenate_errors(rng):
    x = rng.standard_normal((2, 3)).astype("float32")
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        Concatenate()([x, rng.standard_normal((3, 3)).astype("float32")])
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        Concatenate()([x, rng.standard_normal((2, 3, 1)).astype("float32")])
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        Concatenate()(x)
    with pytest.raises(ValueError, match="out of range"):
        Concatenate(axis=2)([x, x])
    with pytest.raises(TypeError, match="axis"):
        Concatenate(axis="last")
