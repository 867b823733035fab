import numpy as np
import pytest

from lamina import losses, ops as keras_ops
from tests.losses.reference import (
    EPSILON,
    REDUCTIONS,
    LossCase,
    check_function,
    check_gradient,
    check_values,
)

NUM_CLASSES = 4


def _log_softmax(x):
    shifted = x - x.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


def _probabilities(rng, shape):
    p = rng.uniform(0.05, 1.0, size=shape)
    return p / p.sum(-1, keepdims=True)


def _one_hot_and_probabilities(rng):
    ids = rng.integers(0, NUM_CLASSES, size=6)
    return np.eye(NUM_CLASSES)[ids], _probabilities(rng, (6, NUM_CLASSES))


def _one_hot_and_logits(rng):
    ids = rng.integers(0, NUM_CLASSES, size=6)
    return np.eye(NUM_CLASSES)[ids], rng.standard_normal((6, NUM_CLASSES))


def _ids_and_probabilities(rng):  # integer ids, as users pass them
    return rng.integers(0, NUM_CLASSES, size=6), _probabilities(rng, (6, NUM_CLASSES))


def _ids_and_logits(rng):
    return rng.integers(0, NUM_CLASSES, size=(6, 1)), rng.standard_normal((6, NUM_CLASSES))


def _binary_and_probabilities(rng):  # integer 0/1 labels
    return rng.integers(0, 2, size=(6, 3)), rng.uniform(0.05, 0.95, size=(6, 3))


def _binary_and_logits(rng):
    return rng.integers(0, 2, size=(6, 3)), rng.standard_normal((6, 3))


def _categorical(from_logits=False, label_smoothing=0.0):
    def reference(t, p):
        t = t * (1 - label_smoothing) + label_smoothing / t.shape[-1]
        if from_logits:
            log_p = _log_softmax(p)
        else:
            log_p = np.log(np.clip(p / p.sum(-1, keepdims=True), EPSILON, 1 - EPSILON))
        return -(t * log_p).sum(-1)

    return reference


def _sparse(from_logits=False):
    def reference(t, p):
        one_hot = np.eye(p.shape[-1])[np.asarray(t).reshape(-1)]
        return _categorical(from_logits)(one_hot, p)

    return reference


def _binary(from_logits=False, label_smoothing=0.0):
    def reference(t, p):
        t = t * (1 - label_smoothing) + 0.5 * label_smoothing
        if from_logits:
            values = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
        else:
            p = np.clip(p, EPSILON, 1 - EPSILON)
            values = -(t * np.log(p) + (1 - t) * np.log(1 - p))
        return values.mean(-1)

    return reference


def _kl(t, p):
    t, p = np.clip(t, EPSILON, 1), np.clip(p, EPSILON, 1)
    return (t * np.log(t / p)).sum(-1)


CASES = [
    LossCase(losses.CategoricalCrossentropy, {}, _categorical(), _one_hot_and_probabilities),
    LossCase(
        losses.CategoricalCrossentropy,
        {"from_logits": True},
        _categorical(from_logits=True),
        _one_hot_and_logits,
    ),
    LossCase(
        losses.CategoricalCrossentropy,
        {"label_smoothing": 0.2},
        _categorical(label_smoothing=0.2),
        _one_hot_and_probabilities,
    ),
    LossCase(losses.SparseCategoricalCrossentropy, {}, _sparse(), _ids_and_probabilities),
    LossCase(
        losses.SparseCategoricalCrossentropy,
        {"from_logits": True},
        _sparse(from_logits=True),
        _ids_and_logits,
    ),
    LossCase(losses.BinaryCrossentropy, {}, _binary(), _binary_and_probabilities),
    LossCase(
        losses.BinaryCrossentropy,
        {"from_logits": True, "label_smoothing": 0.1},
        _binary(from_logits=True, label_smoothing=0.1),
        _binary_and_logits,
    ),
    LossCase(
        losses.KLDivergence,
        {},
        _kl,
        lambda rng: (_probabilities(rng, (6, 4)), _probabilities(rng, (6, 4))),
    ),
    LossCase(
        losses.Poisson,
        {},
        lambda t, p: (p - t * np.log(p + EPSILON)).mean(-1),
        lambda rng: (rng.integers(0, 4, size=(6, 3)), rng.uniform(0.2, 3.0, size=(6, 3))),
    ),
]
FUNCTIONS = {
    losses.CategoricalCrossentropy: losses.categorical_crossentropy,
    losses.SparseCategoricalCrossentropy: losses.sparse_categorical_crossentropy,
    losses.BinaryCrossentropy: losses.binary_crossentropy,
    losses.KLDivergence: losses.kl_divergence,
    losses.Poisson: losses.poisson,
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


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
def test_ignore_class_zeroes_and_leaves_the_mean(reduction, rng):
    y_true = np.array([0, 3, 1, 3, 2, 1])
    y_pred = _probabilities(rng, (6, NUM_CLASSES))
    values = _sparse()(np.where(y_true == 3, 0, y_true), y_pred)
    values[y_true == 3] = 0.0
    expected = {"sum_over_batch_size": values.sum() / 4, "sum": values.sum(), "none": values}
    loss = losses.SparseCategoricalCrossentropy(ignore_class=3, reduction=reduction)
    np.testing.assert_allclose(
        keras_ops.convert_to_numpy(loss(y_true, y_pred)), expected[reduction], rtol=1e-5
    )


def test_ignore_class_gradient_is_finite_and_zero_on_ignored_rows(rng):
    from tests.harness import engine_gradients

    y_true = np.array([0, -1, 2, 1])
    y_pred = _probabilities(rng, (4, NUM_CLASSES))
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1, dtype="float64")
    (grad,) = engine_gradients(lambda p: loss(y_true, p), [y_pred])
    assert np.all(np.isfinite(grad))
    assert np.all(grad[1] == 0)


def test_categorical_with_one_class_warns(rng):
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy(np.ones((3, 1)), rng.uniform(size=(3, 1)))


@pytest.mark.parametrize("axis", [1.0, True, "x"])
def test_categorical_axis_must_be_int(axis, rng):
    y_true, y_pred = _one_hot_and_probabilities(rng)
    with pytest.raises(ValueError, match="axis"):
        losses.categorical_crossentropy(y_true, y_pred, axis=axis)


def test_categorical_shape_mismatch(rng):
    with pytest.raises(ValueError, match="same shape"):
        losses.CategoricalCrossentropy()(np.eye(3), _probabilities(rng, (3, 4)))


def _segmentation_ids_and_probabilities(rng):
    """(2, 3) ids with -1 marking void pixels, and (2, 3, C) probabilities."""
    y_true = np.array([[0, 3, -1], [-1, -1, 2]])
    return y_true, _probabilities(rng, (2, 3, NUM_CLASSES))


@pytest.mark.parametrize("axis", [-1, 1])
def test_sparse_categorical_axis_and_ignore_class_as_in_keras(axis, rng):
    y_true, y_pred = _segmentation_ids_and_probabilities(rng)
    valid = y_true != -1
    values = -np.log(np.take_along_axis(y_pred, np.where(valid, y_true, 0)[..., None], -1))[..., 0]
    expected = np.where(valid, values, 0.0).sum() / valid.sum()  # masked ids leave the mean
    if axis == 1:
        y_pred = np.moveaxis(y_pred, -1, 1)  # channels-first class axis
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1, axis=axis)
    np.testing.assert_allclose(keras_ops.convert_to_numpy(loss(y_true, y_pred)), expected,
                               rtol=1e-5)  # fmt: skip
    config = loss.get_config()
    assert (config["axis"], config["ignore_class"]) == (axis, -1)
    assert losses.SparseCategoricalCrossentropy.from_config(config).get_config() == config


def test_sparse_categorical_ignore_class_matches_keras_numbers():
    # Reference numbers from Keras 3.15.1 (torch engine) on these inputs.
    y_pred = np.array([[0.6, 0.3, 0.1], [0.1, 0.4, 0.5], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]])
    y_true = np.array([0, 2, -1, 1])
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    np.testing.assert_allclose(keras_ops.convert_to_numpy(loss(y_true, y_pred)), 0.70675,
                               atol=1e-5)  # fmt: skip
    weighted = loss(y_true[:, None], y_pred, sample_weight=np.array([1.0, 0.5, 2.0, 1.5]))
    np.testing.assert_allclose(keras_ops.convert_to_numpy(weighted), 0.74395, atol=1e-5)
