"""Regularizers against NumPy penalties, plus lookup by name and config."""

import numpy as np
import pytest

from lamina import ops, regularizers
from tests.harness import assert_close, check_config_roundtrip


def _orthogonal_penalty(w, factor, mode):
    if mode == "columns":
        w = w.T
    w = w / np.linalg.norm(w, axis=1, keepdims=True)
    product = w @ w.T
    size = w.shape[0]
    off_diagonal = np.abs(product - np.diag(np.diag(product)))
    return factor * off_diagonal.sum() / (size * (size - 1))


CASES = [
    (regularizers.L1(0.3), lambda w: 0.3 * np.abs(w).sum()),
    (regularizers.L2(0.2), lambda w: 0.2 * np.square(w).sum()),
    (regularizers.L1L2(l1=0.1, l2=0.4), lambda w: 0.1 * np.abs(w).sum() + 0.4 * (w**2).sum()),
    (regularizers.L1L2(l2=0.4), lambda w: 0.4 * (w**2).sum()),
    (regularizers.OrthogonalRegularizer(0.5), lambda w: _orthogonal_penalty(w, 0.5, "rows")),
    (regularizers.OrthogonalRegularizer(0.5, mode="columns"),
     lambda w: _orthogonal_penalty(w, 0.5, "columns")),
]  # fmt: skip


@pytest.mark.parametrize(("regularizer", "reference"), CASES, ids=lambda v: type(v).__name__)
def test_matches_numpy(regularizer, reference, rng):
    w = rng.standard_normal((5, 4)).astype("float32")
    penalty = regularizer(ops.convert_to_tensor(w))
    assert tuple(ops.shape(penalty)) == ()
    assert_close(penalty, reference(w.astype(np.float64)), rtol=1e-5)


@pytest.mark.parametrize(("regularizer", "reference"), CASES, ids=lambda v: type(v).__name__)
def test_config_round_trip(regularizer, reference):
    clone = check_config_roundtrip(regularizer)
    assert clone.get_config() == regularizer.get_config()
    rebuilt = regularizers.get(regularizers.serialize(regularizer))
    assert type(rebuilt) is type(regularizer)
    assert rebuilt.get_config() == regularizer.get_config()


def test_defaults_follow_keras():
    assert regularizers.L1().get_config() == {"l1": 0.01}
    assert regularizers.L2().get_config() == {"l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.OrthogonalRegularizer().get_config() == {"factor": 0.01, "mode": "rows"}


@pytest.mark.parametrize(
    ("alias", "cls"),
    [("l1", regularizers.L1), ("l2", regularizers.L2), ("l1_l2", regularizers.L1L2),
     ("L1", regularizers.L1), ("orthogonal_regularizer", regularizers.OrthogonalRegularizer)],
)  # fmt: skip
def test_get_by_alias(alias, cls):
    assert type(regularizers.get(alias)) is cls


def test_get_by_keras_config():
    config = {"module": "keras.regularizers", "class_name": "L1L2",
              "config": {"l1": 0.5, "l2": 0.25}, "registered_name": None}  # fmt: skip
    regularizer = regularizers.get(config)
    assert isinstance(regularizer, regularizers.L1L2)
    assert (regularizer.l1, regularizer.l2) == (0.5, 0.25)


def test_get_passes_through():
    regularizer = regularizers.L2()
    assert regularizers.get(regularizer) is regularizer
    assert regularizers.get(None) is None


def test_unknown_name_lists_close_names():
    with pytest.raises(ValueError, match="Did you mean 'l2'"):
        regularizers.get("l22")


def test_uninterpretable_identifier():
    with pytest.raises(ValueError, match="Could not interpret"):
        regularizers.get(0.5)


@pytest.mark.parametrize(
    "make",
    [lambda: regularizers.L1(-1.0), lambda: regularizers.L2(-0.1),
     lambda: regularizers.L1L2(l1=-1), lambda: regularizers.OrthogonalRegularizer(mode="diag")],
)  # fmt: skip
def test_invalid_arguments(make):
    with pytest.raises(ValueError):
        make()


def test_orthogonal_regularizer_needs_a_matrix():
    with pytest.raises(ValueError, match="2-D"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))


def test_accepts_numpy_arrays(rng):
    w = rng.standard_normal((4, 3)).astype("float32")
    assert_close(regularizers.L2(0.5)(w), 0.5 * np.square(w.astype(np.float64)).sum())
    assert_close(regularizers.OrthogonalRegularizer(0.5)(w), _orthogonal_penalty(
        w.astype(np.float64), 0.5, "rows"))  # fmt: skip


@pytest.mark.parametrize(
    ("alias", "cls"),
    [("l1", regularizers.L1), ("l2", regularizers.L2), ("l1_l2", regularizers.L1L2),
     ("orthogonal_regularizer", regularizers.OrthogonalRegularizer)],
)  # fmt: skip
def test_exported_alias_is_the_class(alias, cls):
    assert getattr(regularizers, alias) is cls
    assert alias in regularizers.__all__


def test_none_factors_take_keras_defaults():
    assert regularizers.L1(None).l1 == 0.01
    assert regularizers.L2(None).l2 == 0.01
    assert regularizers.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "0.1", None])
def test_factor_must_be_a_finite_number(value):
    with pytest.raises(ValueError, match=r"factor must be a finite, non-negative float"):
        regularizers.OrthogonalRegularizer(factor=value)
