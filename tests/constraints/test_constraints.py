"""Constraints against NumPy projections, plus lookup by name and config."""

import numpy as np
import pytest

from lamina import constraints, ops
from tests.harness import assert_close, check_config_roundtrip

EPS = 1e-7


def _norms(w, axis):
    return np.sqrt(np.sum(w**2, axis=axis, keepdims=True))


CASES = [
    (constraints.NonNeg(), lambda w: np.maximum(w, 0)),
    (constraints.MaxNorm(1.5), lambda w: w * np.clip(_norms(w, 0), 0, 1.5) / (EPS + _norms(w, 0))),
    (constraints.MaxNorm(2.0, axis=1),
     lambda w: w * np.clip(_norms(w, 1), 0, 2.0) / (EPS + _norms(w, 1))),
    (constraints.UnitNorm(), lambda w: w / (EPS + _norms(w, 0))),
    (constraints.UnitNorm(axis=[0, 1]), lambda w: w / (EPS + _norms(w, (0, 1)))),
    (constraints.MinMaxNorm(1.0, 2.0, rate=0.5),
     lambda w: w * (0.5 * np.clip(_norms(w, 0), 1.0, 2.0) + 0.5 * _norms(w, 0))
     / (EPS + _norms(w, 0))),
]  # fmt: skip


@pytest.mark.parametrize(("constraint", "reference"), CASES, ids=lambda v: type(v).__name__)
def test_matches_numpy(constraint, reference, rng):
    w = (2 * rng.standard_normal((5, 4))).astype("float32")
    out = constraint(ops.convert_to_tensor(w))
    assert_close(out, reference(w.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_unit_norm_gives_unit_columns(rng):
    w = rng.standard_normal((6, 3)).astype("float32")
    out = ops.convert_to_numpy(constraints.UnitNorm()(w))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), np.ones(3), rtol=1e-5)


@pytest.mark.parametrize(("constraint", "reference"), CASES, ids=lambda v: type(v).__name__)
def test_config_round_trip(constraint, reference):
    clone = check_config_roundtrip(constraint)
    assert clone.get_config() == constraint.get_config()
    rebuilt = constraints.get(constraints.serialize(constraint))
    assert type(rebuilt) is type(constraint)
    assert rebuilt.get_config() == constraint.get_config()


@pytest.mark.parametrize(
    ("alias", "cls"),
    [("non_neg", constraints.NonNeg), ("max_norm", constraints.MaxNorm),
     ("unit_norm", constraints.UnitNorm), ("min_max_norm", constraints.MinMaxNorm),
     ("MaxNorm", constraints.MaxNorm)],
)  # fmt: skip
def test_get_by_alias(alias, cls):
    assert type(constraints.get(alias)) is cls


def test_defaults_follow_keras():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.MinMaxNorm().get_config() == {
        "min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}  # fmt: skip


def test_get_by_keras_config():
    config = {"module": "keras.constraints", "class_name": "MaxNorm",
              "config": {"max_value": 3.0, "axis": 1}, "registered_name": None}  # fmt: skip
    constraint = constraints.get(config)
    assert isinstance(constraint, constraints.MaxNorm)
    assert (constraint.max_value, constraint.axis) == (3.0, 1)


def test_get_passes_through():
    constraint = constraints.NonNeg()
    assert constraints.get(constraint) is constraint
    assert constraints.get(None) is None


def test_unknown_name_lists_close_names():
    with pytest.raises(ValueError, match="Did you mean 'max_norm'"):
        constraints.get("max_nrom")


def test_uninterpretable_identifier():
    with pytest.raises(ValueError, match="Could not interpret"):
        constraints.get(3)


@pytest.mark.parametrize(
    ("alias", "cls"),
    [("max_norm", constraints.MaxNorm), ("min_max_norm", constraints.MinMaxNorm),
     ("non_neg", constraints.NonNeg), ("unit_norm", constraints.UnitNorm)],
)  # fmt: skip
def test_exported_alias_is_the_class(alias, cls):
    assert getattr(constraints, alias) is cls
    assert alias in constraints.__all__
    assert type(constraints.get(alias)) is cls
