import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import Permute
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("dims", [(1,), (2, 1), (3, 1, 2), (1, 3, 2)])
def test_permute_matches_numpy(dims, rng):
    shape = (2, 3, 4, 5)[: len(dims) + 1]
    x = rng.standard_normal(shape)
    expected = np.transpose(x, (0, *dims))
    layer = Permute(dims)
    assert_close(layer(x.astype("float32")), expected)
    assert layer(keras.Input(shape[1:])).shape == (None, *expected.shape[1:])


def test_permute_moves_unknown_dims():
    assert Permute((2, 1))(keras.Input((None, 4))).shape == (None, 4, None)


def test_permute_config_roundtrip():
    clone = check_config_roundtrip(Permute([3, 1, 2]))
    assert clone.dims == (3, 1, 2)
    assert set(clone.get_config()) == {"name", "trainable", "dtype", "dims"}


@pytest.mark.parametrize("dims", [(0, 1), (1, 1), (2, 3), 2, None])
def test_permute_rejects_non_permutations(dims):
    with pytest.raises(ValueError, match="dims must be a permutation"):
        Permute(dims)


def test_permute_rejects_wrong_rank(rng):
    with pytest.raises(ValueError, match="expected ndim=3"):
        Permute((2, 1))(rng.standard_normal((2, 3, 4, 5)))
