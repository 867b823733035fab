import numpy as np
import pytest

import lamina as keras
from lamina.layers.activations import Softmax
from tests.harness import assert_close, check_config_roundtrip


def softmax_reference(x, axis=-1, mask=None):
    """Softmax over ``axis`` (int or tuple) in float64; masked entries get 0 probability."""
    keep = np.ones_like(x, dtype=bool) if mask is None else np.broadcast_to(mask, x.shape)
    exps = np.where(keep, np.exp(x - x.max(axis=axis, keepdims=True)), 0.0)
    totals = exps.sum(axis=axis, keepdims=True)
    return np.divide(exps, totals, out=np.zeros_like(exps), where=totals > 0)


@pytest.mark.parametrize("axis", [-1, 1, 0, [-1], [1, 2]])
def test_softmax_matches_numpy(rng, axis):
    x = 3.0 * rng.standard_normal((2, 3, 5)).astype("float32")
    expected = softmax_reference(x.astype(np.float64), axis=tuple(np.atleast_1d(axis)))
    assert_close(Softmax(axis=axis)(x), expected)


def test_softmax_docstring_example():
    outputs = Softmax()(np.array([1.0, 2.0, 1.0]), mask=np.array([True, False, True]))
    assert_close(outputs, [0.5, 0.0, 0.5])


@pytest.mark.parametrize("mask_shape", [(2, 3, 5), (2, 1, 5), (5,)])
def test_softmax_with_a_mask_matches_numpy(rng, mask_shape):
    x = rng.standard_normal((2, 3, 5)).astype("float32")
    mask = rng.random(mask_shape) > 0.4
    mask[..., 0] = True  # every slice keeps at least one position
    outputs = Softmax()(x, mask=mask)
    assert_close(outputs, softmax_reference(x.astype(np.float64), mask=mask))
    assert np.all(np.asarray(outputs)[~np.broadcast_to(mask, x.shape)] < 1e-7)


def test_softmax_fully_masked_slice_is_zero(rng):
    x = rng.standard_normal((2, 4)).astype("float32")
    mask = np.array([[True, False, True, True], [False, False, False, False]])
    outputs = Softmax()(x, mask=mask)
    assert_close(outputs, softmax_reference(x.astype(np.float64), mask=mask))
    assert_close(np.asarray(outputs)[1], np.zeros(4))


def test_softmax_treats_a_float_mask_above_half_as_kept(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    float_mask = rng.random((3, 4)).astype("float32")
    float_mask[:, 0] = 1.0
    assert_close(
        Softmax()(x, mask=float_mask),
        softmax_reference(x.astype(np.float64), mask=float_mask > 0.5),
    )


@pytest.mark.parametrize("mask_shape", [(2, 3, 4), (1, 2, 3, 5)])
def test_softmax_rejects_a_mask_that_does_not_broadcast(rng, mask_shape):
    x = rng.standard_normal((2, 3, 5)).astype("float32")
    with pytest.raises(ValueError, match="mask"):
        Softmax()(x, mask=np.ones(mask_shape, dtype=bool))


@pytest.mark.parametrize("axis", [-1, [1, 2]])
def test_softmax_config_roundtrip(axis):
    clone = check_config_roundtrip(Softmax(axis=axis))
    assert clone.get_config()["axis"] == axis
    assert clone.supports_masking


def test_softmax_symbolic_shape():
    assert Softmax(axis=1)(keras.Input((5, 2))).shape == (None, 5, 2)
