import numpy as np
import pytest

from lamina import losses
from tests.harness import assert_close, check_config_roundtrip
from tests.losses.reference import REDUCTIONS, LossCase, check_gradient


def _softplus(x):
    return np.logaddexp(0.0, x)


def _logsumexp(x, mask):
    x = np.where(mask, x, -np.inf)
    top = x.max(1, keepdims=True)
    return (top + np.log(np.exp(x - top).sum(1, keepdims=True)))[:, 0]


def _circle(gamma=80.0, margin=0.4, remove_diagonal=True):
    """Per-anchor Circle loss and which anchors have both a positive and a negative."""

    def reference(labels, embeddings, ref_labels=None, ref_embeddings=None):
        labels = np.asarray(labels).reshape(-1)
        ref_labels = labels if ref_labels is None else np.asarray(ref_labels).reshape(-1)
        ref_embeddings = embeddings if ref_embeddings is None else ref_embeddings
        distances = np.maximum(1 - embeddings @ ref_embeddings.T, 0)
        positive = labels[:, None] == ref_labels[None, :]
        negative = ~positive
        if remove_diagonal:
            positive = positive & ~np.eye(len(labels), len(ref_labels), dtype=bool)
        valid = positive.any(1) & negative.any(1)
        positive_logits = -gamma * (margin + distances) * (margin - distances)
        negative_logits = gamma * np.maximum(1 + margin - distances, 0) * (1 - margin - distances)
        with np.errstate(invalid="ignore"):  # rows without a pair are inf - inf; dropped
            total = _logsumexp(positive_logits, positive) + _logsumexp(negative_logits, negative)
        return np.where(valid, _softplus(np.where(valid, total, 0)), 0), valid

    return reference


def _embeddings(rng, batch=6, dim=4):
    x = rng.standard_normal((batch, dim))
    return 0.9 * x / np.linalg.norm(x, axis=1, keepdims=True)  # norm < 1: off max(., 0)'s kink


LABELS_WITH_SINGLETONS = np.array([0, 1, 0, 2, 1, 3])  # anchors 3 and 5 have no positive


def _reduce_masked(values, valid, sample_weight, reduction):
    """Keras's masked reduction: masked anchors leave the mean's divisor."""
    weights = valid.astype(np.float64) * (1.0 if sample_weight is None else sample_weight)
    values = values * weights
    if reduction in ("none", None):
        return values
    if reduction == "sum":
        return values.sum()
    if reduction == "mean_with_sample_weight":
        return values.sum() / weights.sum()
    return values.sum() / valid.sum()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_matches_numpy_and_masks_anchors_without_pairs(reduction, weighted, rng):
    y_pred = _embeddings(rng)
    sample_weight = rng.uniform(0.1, 2.0, size=6) if weighted else None
    values, valid = _circle()(LABELS_WITH_SINGLETONS, y_pred)
    expected = _reduce_masked(values, valid, sample_weight, reduction)
    actual = losses.Circle(reduction=reduction)(LABELS_WITH_SINGLETONS, y_pred, sample_weight)
    assert_close(actual, expected, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize(
    "kwargs", [{}, {"gamma": 16.0, "margin": 0.25, "remove_diagonal": False}], ids=str
)
def test_function_form_gives_per_anchor_values(kwargs, rng):
    y_pred = _embeddings(rng)
    values, _ = _circle(**kwargs)(LABELS_WITH_SINGLETONS[:, None], y_pred)
    actual = losses.circle(LABELS_WITH_SINGLETONS[:, None], y_pred, **kwargs)
    assert_close(actual, values, rtol=2e-5, atol=2e-5)


def test_function_form_with_reference_embeddings(rng):
    y_pred, ref_embeddings = _embeddings(rng, batch=4), _embeddings(rng, batch=5)
    labels, ref_labels = np.array([0, 1, 2, 0]), np.array([1, 0, 2, 2, 1])
    values, _ = _circle(remove_diagonal=False)(labels, y_pred, ref_labels, ref_embeddings)
    actual = losses.circle(labels, y_pred, ref_labels, ref_embeddings, remove_diagonal=False)
    assert_close(actual, values, rtol=2e-5, atol=2e-5)


def _paired_labels_and_embeddings(rng):  # every anchor has a positive and a negative
    return np.array([0, 1, 2, 0, 1, 2]), _embeddings(rng)


@pytest.mark.parametrize(
    "kwargs", [{"gamma": 16.0, "margin": 0.25}, {"gamma": 8.0, "remove_diagonal": False}], ids=str
)
def test_gradient_matches_finite_differences(kwargs, rng):
    reference = _circle(**kwargs)
    case = LossCase(
        losses.Circle, kwargs, lambda t, p: reference(t, p)[0], _paired_labels_and_embeddings
    )
    check_gradient(case, rng, weighted=True)


def test_gradient_is_finite_with_anchors_without_pairs(rng):
    from tests.harness import engine_gradients

    loss = losses.Circle(dtype="float64")
    (grad,) = engine_gradients(lambda p: loss(LABELS_WITH_SINGLETONS, p), [_embeddings(rng)])
    assert np.all(np.isfinite(grad))


def test_string_forms_and_config():
    assert losses.get("circle") is losses.circle
    loss = losses.get("Circle")
    assert isinstance(loss, losses.Circle)
    assert loss.get_config() == {
        "name": "circle",
        "reduction": "sum_over_batch_size",
        "gamma": 80.0,
        "margin": 0.4,
        "remove_diagonal": True,
    }
    clone = check_config_roundtrip(losses.Circle(gamma=30.0, remove_diagonal=False))
    assert clone.remove_diagonal is False
