import numpy as np
import pytest

from lamina import losses, ops
from tests.losses.reference import (
    EPSILON,
    REDUCTIONS,
    LossCase,
    check_function,
    check_gradient,
    check_values,
)


def _positive_pair(rng):
    return rng.uniform(0.5, 2.0, size=(6, 4)), rng.uniform(0.1, 3.0, size=(6, 4))


def _huber(delta):
    def reference(t, p):
        error = np.abs(p - t)
        values = np.where(error <= delta, 0.5 * error**2, delta * error - 0.5 * delta**2)
        return values.mean(-1)

    return reference


def _cosine(t, p):
    t = t / np.linalg.norm(t, axis=-1, keepdims=True)
    p = p / np.linalg.norm(p, axis=-1, keepdims=True)
    return -(t * p).sum(-1)


CASES = [
    LossCase(losses.MeanSquaredError, {}, lambda t, p: ((t - p) ** 2).mean(-1), _positive_pair),
    LossCase(losses.MeanAbsoluteError, {}, lambda t, p: np.abs(t - p).mean(-1), _positive_pair),
    LossCase(
        losses.MeanAbsolutePercentageError,
        {},
        lambda t, p: 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPSILON)).mean(-1),
        _positive_pair,
    ),
    LossCase(
        losses.MeanSquaredLogarithmicError,
        {},
        lambda t, p: ((np.log1p(np.maximum(p, EPSILON)) - np.log1p(t)) ** 2).mean(-1),
        _positive_pair,
    ),
    LossCase(
        losses.CosineSimilarity,
        {},
        _cosine,
        lambda rng: (rng.standard_normal((6, 4)), rng.standard_normal((6, 4))),
    ),
    LossCase(losses.Huber, {}, _huber(1.0), _positive_pair),
    LossCase(losses.Huber, {"delta": 0.3}, _huber(0.3), _positive_pair),
    LossCase(losses.LogCosh, {}, lambda t, p: np.log(np.cosh(p - t)).mean(-1), _positive_pair),
]
FUNCTIONS = {
    losses.MeanSquaredError: losses.mean_squared_error,
    losses.MeanAbsoluteError: losses.mean_absolute_error,
    losses.MeanAbsolutePercentageError: losses.mean_absolute_percentage_error,
    losses.MeanSquaredLogarithmicError: losses.mean_squared_logarithmic_error,
    losses.CosineSimilarity: losses.cosine_similarity,
    losses.Huber: losses.huber,
    losses.LogCosh: losses.log_cosh,
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


def test_integer_targets_are_cast(rng):
    y_true = rng.integers(0, 3, size=(5, 4))
    y_pred = rng.uniform(0, 3, size=(5, 4))
    expected = ((y_true - y_pred) ** 2).mean()
    np.testing.assert_allclose(float(losses.MeanSquaredError()(y_true, y_pred)), expected, 1e-5)


def test_rank_one_targets_meet_trailing_axis_of_one(rng):
    y_true, y_pred = rng.standard_normal(5), rng.standard_normal((5, 1))
    values = losses.MeanSquaredError(reduction=None)(y_true, y_pred)
    np.testing.assert_allclose(
        ops.convert_to_numpy(values), (y_true - y_pred[:, 0]) ** 2, rtol=1e-5
    )


def test_aliases_are_the_functions():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error
    assert losses.logcosh is losses.log_cosh


def test_shape_mismatch_names_the_loss(rng):
    with pytest.raises(ValueError, match=r"mean_squared_error.*\(4, 3\).*\(4, 5\)"):
        losses.MeanSquaredError()(rng.standard_normal((4, 3)), rng.standard_normal((4, 5)))
