import numpy as np
import pytest

from lamina import losses
from tests.losses.reference import (
    REDUCTIONS,
    LossCase,
    check_function,
    check_gradient,
    check_values,
)


def _signed(t):
    return 2.0 * t - 1.0 if np.all((t == 0) | (t == 1)) else t


def _binary_labels(rng):
    return rng.integers(0, 2, size=(6, 3)), rng.standard_normal((6, 3))


def _signed_labels(rng):
    return rng.choice([-1.0, 1.0], size=(6, 3)), rng.standard_normal((6, 3))


def _one_hot(rng):
    return np.eye(4)[rng.integers(0, 4, size=6)], rng.standard_normal((6, 4))


def _categorical_hinge(t, p):
    return np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)


CASES = [
    LossCase(
        losses.Hinge, {}, lambda t, p: np.maximum(1 - _signed(t) * p, 0).mean(-1), _binary_labels
    ),
    LossCase(
        losses.Hinge, {}, lambda t, p: np.maximum(1 - _signed(t) * p, 0).mean(-1), _signed_labels
    ),
    LossCase(
        losses.SquaredHinge,
        {},
        lambda t, p: (np.maximum(1 - _signed(t) * p, 0) ** 2).mean(-1),
        _binary_labels,
    ),
    LossCase(losses.CategoricalHinge, {}, _categorical_hinge, _one_hot),
]
FUNCTIONS = {
    losses.Hinge: losses.hinge,
    losses.SquaredHinge: losses.squared_hinge,
    losses.CategoricalHinge: losses.categorical_hinge,
}


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_loss_matches_numpy(case, reduction, weighted, rng):
    check_values(case, rng, reduction, weighted)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_function_form_gives_per_sample_values(case, rng):
    check_function(case, FUNCTIONS[case.loss_class], rng)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case, weighted, rng):
    check_gradient(case, rng, weighted)
