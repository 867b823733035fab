import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import RepeatVector
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("n", [1, 3])
def test_repeat_vector_matches_numpy(n, rng):
    x = rng.standard_normal((2, 5))
    layer = RepeatVector(n)
    expected = np.stack([x] * n, axis=1)
    assert_close(layer(x.astype("float32")), expected)
    assert layer(keras.Input((5,))).shape == (None, n, 5)


def test_repeat_vector_config_roundtrip():
    clone = check_config_roundtrip(RepeatVector(4))
    assert clone.n == 4
    assert set(clone.get_config()) == {"name", "trainable", "dtype", "n"}


@pytest.mark.parametrize("n", [0, -2, 2.0, "3", None])
def test_repeat_vector_rejects_bad_n(n):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        RepeatVector(n)


def test_repeat_vector_rejects_wrong_rank(rng):
    with pytest.raises(ValueError, match="expected ndim=2"):
        RepeatVector(2)(rng.standard_normal((2, 3, 4)))
