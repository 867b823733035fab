"""to_categorical and normalize, against NumPy and Keras's documented behaviour."""

import numpy as np
import pytest

from lamina import ops, utils
from tests.harness import assert_close


def test_to_categorical_infers_classes(rng):
    labels = rng.integers(0, 4, 10)
    labels[0] = 3
    out = utils.to_categorical(labels)
    assert isinstance(out, np.ndarray)
    assert out.shape == (10, 4)
    np.testing.assert_array_equal(out, np.eye(4)[labels])


def test_to_categorical_with_num_classes_and_shapes(rng):
    labels = rng.integers(0, 3, (4, 5))
    out = utils.to_categorical(labels, num_classes=6)
    assert out.shape == (4, 5, 6)
    np.testing.assert_array_equal(out, np.eye(6)[labels])
    column = rng.integers(0, 3, (7, 1))
    assert utils.to_categorical(column, 3).shape == (7, 3)  # trailing 1 is dropped
    assert utils.to_categorical([1, 0, 2]).tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 1]]


def test_to_categorical_rejects_out_of_range_and_fractions():
    with pytest.raises(ValueError, match="num_classes=2"):
        utils.to_categorical([0, 3], num_classes=2)
    with pytest.raises(ValueError, match="integer"):
        utils.to_categorical([0.5, 1.0])


def test_to_categorical_on_tensors_uses_one_hot():
    ids = ops.convert_to_tensor(np.array([[2], [0]], dtype="int32"))
    out = utils.to_categorical(ids, 3)
    assert ops.is_tensor(out)
    assert_close(out, [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize(("axis", "order"), [(-1, 2), (0, 2), (1, 1), (None, 2)])
def test_normalize_matches_numpy(rng, axis, order):
    x = rng.standard_normal((4, 3))
    out = utils.normalize(x, axis=axis, order=order)
    norm = np.linalg.norm(x, order, axis, keepdims=axis is not None)
    np.testing.assert_allclose(out, x / norm)
    assert isinstance(out, np.ndarray)


def test_normalize_leaves_zero_rows(rng):
    x = rng.standard_normal((3, 4))
    x[1] = 0
    out = utils.normalize(x)
    np.testing.assert_array_equal(out[1], np.zeros(4))
    np.testing.assert_allclose(np.linalg.norm(out[[0, 2]], axis=-1), [1.0, 1.0])


def test_normalize_tensor(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    out = utils.normalize(ops.convert_to_tensor(x))
    assert ops.is_tensor(out)
    assert_close(out, x / np.linalg.norm(x.astype(np.float64), axis=-1, keepdims=True))
