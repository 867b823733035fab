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
from tests.ops.test_ctc import _forward_loss


def _ctc(y_true, y_pred):
    label_length = (y_true != 0).sum(-1)
    output_length = np.full(len(y_true), y_pred.shape[1])
    return _forward_loss(y_true, y_pred, label_length, output_length, blank=0)


def _labels_and_logits(rng):
    # Labels 1..3 padded with the blank 0; a repeat ("2 2") needs a blank frame in between.
    y_true = np.array([[1, 2, 2], [3, 1, 0], [2, 0, 0]])
    return y_true, rng.standard_normal((3, 6, 4))


CASE = LossCase(losses.CTC, {}, _ctc, _labels_and_logits)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_matches_numpy(reduction, weighted, rng):
    check_values(CASE, rng, reduction, weighted)


def test_function_form_gives_per_sample_values(rng):
    check_function(CASE, losses.ctc, rng)


# JAX compiles a float64 scan for this; tests/ops/test_ctc.py checks ctc_loss's gradient on
# every engine, so the loss wrapper's is checked on torch only.
@pytest.mark.engine("torch")
def test_gradient_matches_finite_differences(rng):
    check_gradient(CASE, rng, weighted=True)


def test_string_forms_and_config():
    assert losses.get("ctc") is losses.ctc
    loss = losses.get("CTC")
    assert isinstance(loss, losses.CTC)
    assert loss.get_config() == {"name": "ctc", "reduction": "sum_over_batch_size"}
    check_config_roundtrip(losses.CTC(reduction="sum"))


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape", "message"),
    [((3,), (3, 6, 4), "y_true.shape=\\(3,\\)"), ((3, 2), (3, 4), "y_pred.shape=\\(3, 4\\)")],
)
def test_bad_ranks_are_clear_errors(y_true_shape, y_pred_shape, message, rng):
    with pytest.raises(ValueError, match=message):
        losses.ctc(np.ones(y_true_shape, "int32"), rng.standard_normal(y_pred_shape))
