import json

import numpy as np
import pytest

from lamina import losses
from tests.harness import check_config_roundtrip
from tests.losses.reference import (
    EPSILON,
    REDUCTIONS,
    LossCase,
    check_function,
    check_gradient,
    check_values,
)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _binary_focal(
    apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0
):
    def reference(t, p):
        t = t * (1 - label_smoothing) + 0.5 * label_smoothing
        p = _sigmoid(p) if from_logits else p
        clipped = np.clip(p, EPSILON, 1 - EPSILON)
        bce = -(t * np.log(clipped) + (1 - t) * np.log(1 - clipped))
        p_t = t * p + (1 - t) * (1 - p)
        values = (1 - p_t) ** gamma * bce
        if apply_class_balancing:
            values = (t * alpha + (1 - t) * (1 - alpha)) * values
        return values.mean(-1)

    return reference


def _categorical_focal(alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0):
    def reference(t, p):
        t = t * (1 - label_smoothing) + label_smoothing / t.shape[-1]
        p = _softmax(p) if from_logits else p
        p = np.clip(p / p.sum(-1, keepdims=True), EPSILON, 1 - EPSILON)
        return (np.asarray(alpha) * (1 - p) ** gamma * -t * np.log(p)).sum(-1)

    return reference


def _binary_and_probabilities(rng):
    return rng.integers(0, 2, size=(6, 3)), rng.uniform(0.05, 0.95, size=(6, 3))


def _binary_and_logits(rng):
    return rng.integers(0, 2, size=(6, 3)), rng.standard_normal((6, 3))


def _one_hot_and_probabilities(rng):
    p = rng.uniform(0.05, 1.0, size=(6, 4))
    return np.eye(4)[rng.integers(0, 4, size=6)], p / p.sum(-1, keepdims=True)


def _one_hot_and_logits(rng):
    return np.eye(4)[rng.integers(0, 4, size=6)], rng.standard_normal((6, 4))


BALANCED_LOGITS = {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0, "from_logits": True}
CASES = [
    LossCase(losses.BinaryFocalCrossentropy, {}, _binary_focal(), _binary_and_probabilities),
    LossCase(
        losses.BinaryFocalCrossentropy,
        {**BALANCED_LOGITS, "label_smoothing": 0.1},
        _binary_focal(**BALANCED_LOGITS, label_smoothing=0.1),
        _binary_and_logits,
    ),
    LossCase(
        losses.CategoricalFocalCrossentropy, {}, _categorical_focal(), _one_hot_and_probabilities
    ),
    LossCase(
        losses.CategoricalFocalCrossentropy,
        {"alpha": [0.1, 0.2, 0.3, 0.4], "gamma": 1.5, "from_logits": True, "label_smoothing": 0.2},
        _categorical_focal([0.1, 0.2, 0.3, 0.4], 1.5, from_logits=True, label_smoothing=0.2),
        _one_hot_and_logits,
    ),
]
FUNCTIONS = {
    losses.BinaryFocalCrossentropy: losses.binary_focal_crossentropy,
    losses.CategoricalFocalCrossentropy: losses.categorical_focal_crossentropy,
}


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_loss_matches_numpy(case, reduction, weighted, rng):
    check_values(case, rng, reduction, weighted)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_function_form_gives_per_sample_values(case, rng):
    check_function(case, FUNCTIONS[case.loss_class], rng)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case, rng):
    check_gradient(case, rng, weighted=True)


def test_gamma_zero_without_balancing_is_binary_crossentropy(rng):
    y_true, y_pred = _binary_and_probabilities(rng)
    focal = losses.BinaryFocalCrossentropy(gamma=0.0)(y_true, y_pred)
    np.testing.assert_allclose(
        np.asarray(focal), np.asarray(losses.BinaryCrossentropy()(y_true, y_pred)), rtol=1e-5
    )


def test_string_forms():
    assert losses.get("binary_focal_crossentropy") is losses.binary_focal_crossentropy
    assert losses.get("categorical_focal_crossentropy") is losses.categorical_focal_crossentropy
    assert isinstance(losses.get("BinaryFocalCrossentropy"), losses.BinaryFocalCrossentropy)
    assert isinstance(
        losses.get("CategoricalFocalCrossentropy"), losses.CategoricalFocalCrossentropy
    )


def test_configs_hold_keras_arguments_and_round_trip_through_json():
    loss = losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.0)
    assert loss.get_config() == {
        "name": "binary_focal_crossentropy",
        "reduction": "sum_over_batch_size",
        "apply_class_balancing": True,
        "alpha": 0.3,
        "gamma": 1.0,
        "from_logits": False,
        "label_smoothing": 0.0,
        "axis": -1,
    }
    check_config_roundtrip(loss)
    config = json.loads(json.dumps(losses.serialize(losses.CategoricalFocalCrossentropy([1, 2]))))
    clone = losses.deserialize(config)
    assert clone.alpha == [1, 2]
    assert set(clone.get_config()) == {
        "name", "reduction", "alpha", "gamma", "from_logits", "label_smoothing", "axis"
    }  # fmt: skip


@pytest.mark.parametrize(
    "function", [losses.binary_focal_crossentropy, losses.categorical_focal_crossentropy]
)
def test_axis_must_be_int(function, rng):
    with pytest.raises(ValueError, match="axis"):
        function(*_one_hot_and_probabilities(rng), axis=True)


def test_categorical_focal_with_one_class_warns(rng):
    with pytest.warns(SyntaxWarning, match="binary_focal_crossentropy"):
        losses.categorical_focal_crossentropy(np.ones((3, 1)), rng.uniform(size=(3, 1)))
