"""The cross-entropies written once over a NumPy-like namespace: built here over NumPy in
float64, against the formulas written out, with each engine hook seen to be used."""

import numpy as np
import pytest

from lamina.backend.common import cross_entropy
from tests.harness import assert_close


def _log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _functions(**hooks):
    return cross_entropy.engine_functions(
        module=__name__, xp=np, to_float=lambda x: np.asarray(x, np.float64), convert=np.asarray,
        cast=lambda x, dtype: np.asarray(x).astype(dtype), log_softmax=_log_softmax, **hooks,
    )  # fmt: skip


@pytest.mark.parametrize("axis", [-1, 1])
def test_categorical_and_sparse_match_the_formulas(rng, axis):
    categorical, sparse, _ = _functions()
    logits = rng.standard_normal((2, 4, 3))
    ids = rng.integers(0, logits.shape[axis], (2, 3) if axis == 1 else (2, 4))
    one_hot = np.moveaxis(np.eye(logits.shape[axis])[ids], -1, axis)
    log_prob = _log_softmax(logits, axis)
    expected = -(one_hot * log_prob).sum(axis=axis)
    assert_close(categorical(one_hot, logits, from_logits=True, axis=axis), expected)
    assert_close(sparse(ids, logits, from_logits=True, axis=axis), expected)
    # Probabilities are renormalised over the axis before the log: scaling them changes nothing.
    probabilities = 3.0 * np.exp(log_prob)
    assert_close(categorical(one_hot, probabilities, axis=axis), expected)
    assert_close(sparse(ids, probabilities, axis=axis), expected)


def test_binary_matches_the_formula_and_clips(rng):
    *_, binary = _functions()
    target, logits = rng.random((3, 4)), 4.0 * rng.standard_normal((3, 4))
    probabilities = 1 / (1 + np.exp(-logits))
    expected = -(target * np.log(probabilities) + (1 - target) * np.log1p(-probabilities))
    assert_close(binary(target, logits, from_logits=True), expected)
    assert_close(binary(target, probabilities), expected, rtol=1e-4)
    low, _ = cross_entropy.probability_bounds()
    assert_close(binary(np.array([1.0]), np.array([0.0])), [-np.log(low)])  # log(0) clipped


def test_engine_hooks_are_used(rng):
    seen = []

    def common_float(target, output):
        seen.append("common_float")
        return target, output

    def take_class(log_prob, ids):
        seen.append("take_class")
        return np.take_along_axis(log_prob, ids[..., None], axis=-1)[..., 0]

    def to_result(value, output):
        seen.append("to_result")
        return value.astype(np.float32)

    categorical, sparse, binary = _functions(
        common_float=common_float, take_class=take_class, to_result=to_result
    )
    output = rng.random((2, 3)) + 0.1
    assert categorical(output, output).dtype == np.float32
    assert sparse(np.array([[2], [0]]), output).shape == (2,)  # (batch, 1) ids squeezed
    assert binary(output / 2, output / 2).dtype == np.float32
    calls = ["common_float", "to_result", "take_class", "to_result", "common_float", "to_result"]
    assert seen == calls
    assert [f.__qualname__ for f in (categorical, sparse, binary)] == [
        "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy"
    ]  # fmt: skip
