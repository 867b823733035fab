import numpy as np
import pytest

from lamina import losses
from tests.harness import assert_close, check_config_roundtrip
from tests.losses.reference import (
    EPSILON,
    REDUCTIONS,
    LossCase,
    check_function,
    check_gradient,
    check_values,
)


def _tversky(alpha=0.5, beta=0.5, axis=None):
    def reference(t, p):
        true_positives = (t * p).sum(axis=axis)
        missed, spurious = ((1 - p) * t).sum(axis=axis), (p * (1 - t)).sum(axis=axis)
        return 1 - true_positives / (true_positives + alpha * missed + beta * spurious + EPSILON)

    return reference


def _dice(axis=None):
    def reference(t, p):
        return 1 - 2 * (t * p).sum(axis=axis) / (t.sum(axis=axis) + p.sum(axis=axis) + EPSILON)

    return reference


def _masks(rng):  # (batch, height, width) binary masks and probabilities
    return rng.integers(0, 2, size=(4, 3, 3)), rng.uniform(0.05, 0.95, size=(4, 3, 3))


CASES = [
    LossCase(losses.Dice, {}, _dice(), _masks),
    LossCase(losses.Dice, {"axis": (1, 2)}, _dice((1, 2)), _masks),
    LossCase(losses.Tversky, {"axis": (1, 2)}, _tversky(axis=(1, 2)), _masks),
    LossCase(losses.Tversky, {"alpha": 0.3, "beta": 0.7}, _tversky(0.3, 0.7), _masks),
]
FUNCTIONS = {losses.Dice: losses.dice, losses.Tversky: losses.tversky}


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_loss_matches_numpy(case, reduction, weighted, rng):
    check_values(case, rng, reduction, weighted)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_function_form_gives_per_sample_values(case, rng):
    check_function(case, FUNCTIONS[case.loss_class], rng)


@pytest.mark.parametrize("case", CASES[1:3], ids=str)
def test_gradient_matches_finite_differences(case, rng):
    check_gradient(case, rng, weighted=True)


def test_tversky_at_one_half_is_dice(rng):
    y_true, y_pred = _masks(rng)
    assert_close(losses.tversky(y_true, y_pred), losses.dice(y_true, y_pred))


def test_string_forms():
    assert losses.get("dice") is losses.dice
    assert losses.get("tversky") is losses.tversky
    assert isinstance(losses.get("Dice"), losses.Dice)
    assert isinstance(losses.get("Tversky"), losses.Tversky)


def test_configs_hold_keras_arguments(rng):
    assert losses.Dice(axis=(1, 2)).get_config() == {
        "name": "dice",
        "reduction": "sum_over_batch_size",
        "axis": [1, 2],  # serialized as JSON will hold it
    }
    loss = losses.Tversky(alpha=0.2, beta=0.8, axis=(1, 2))
    assert loss.get_config() == {
        "name": "tversky",
        "reduction": "sum_over_batch_size",
        "alpha": 0.2,
        "beta": 0.8,
        "axis": [1, 2],  # serialized as JSON will hold it
    }
    check_config_roundtrip(loss)
    # An axis tuple saved as a JSON list still reduces over those axes.
    clone = losses.Tversky.from_config({**loss.get_config(), "axis": [1, 2]})
    y_true, y_pred = _masks(rng)
    assert_close(clone(y_true, y_pred), loss(y_true, y_pred))


def test_mismatched_shapes_are_a_clear_error(rng):
    with pytest.raises(ValueError, match=r"dice.*\(4, 3\).*\(4, 2\)"):
        losses.dice(np.ones((4, 3)), rng.uniform(size=(4, 2)))
