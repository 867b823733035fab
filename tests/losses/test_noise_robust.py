import numpy as np
import pytest

from lamina import losses
from tests.harness import check_config_roundtrip
from tests.losses.reference import (
    REDUCTIONS,
    LossCase,
    check_function,
    check_gradient,
    check_values,
)


def _generalized(q):
    def reference(t, p):
        ids = np.asarray(t).reshape(-1)
        return (1 - p[np.arange(len(ids)), ids] ** q) / q

    return reference


def _ids_and_probabilities(rng):
    p = rng.uniform(0.05, 1.0, size=(6, 4))
    return rng.integers(0, 4, size=6), p / p.sum(-1, keepdims=True)


def _column_ids_and_probabilities(rng):  # (batch, 1) ids, as Keras's docstring allows
    y_true, y_pred = _ids_and_probabilities(rng)
    return y_true[:, None], y_pred


CASES = [
    LossCase(
        losses.CategoricalGeneralizedCrossEntropy,
        {"q": 0.5},
        _generalized(0.5),
        _ids_and_probabilities,
    ),
    LossCase(
        losses.CategoricalGeneralizedCrossEntropy,
        {"q": 0.8},
        _generalized(0.8),
        _column_ids_and_probabilities,
    ),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_loss_matches_numpy(case, reduction, weighted, rng):
    check_values(case, rng, reduction, weighted)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_function_form_gives_per_sample_values(case, rng):
    check_function(case, losses.categorical_generalized_cross_entropy, rng)


def test_gradient_matches_finite_differences(rng):
    check_gradient(CASES[0], rng, weighted=True)


def test_string_forms_and_config():
    assert (
        losses.get("categorical_generalized_cross_entropy")
        is losses.categorical_generalized_cross_entropy
    )
    loss = losses.get("CategoricalGeneralizedCrossEntropy")
    assert loss.get_config() == {
        "name": "categorical_generalized_cross_entropy",
        "reduction": "sum_over_batch_size",
        "q": 0.5,
    }
    assert check_config_roundtrip(losses.CategoricalGeneralizedCrossEntropy(q=0.3)).q == 0.3


@pytest.mark.parametrize("q", [0.0, 1.0, -0.5, "0.5"])
def test_q_must_lie_in_the_open_unit_interval(q):
    with pytest.raises(ValueError, match=r"`q`.*\(0, 1\).*received q="):
        losses.CategoricalGeneralizedCrossEntropy(q=q)
