import numpy as np
import pytest

from lamina import metrics
from tests.harness import assert_close, check_config_roundtrip
from tests.metrics.streaming import check_streaming


def _multi_label_batch(rng):
    return rng.integers(0, 2, size=(8, 4)).astype("float32"), rng.uniform(size=(8, 4))


def _f_beta_reference(average, beta, threshold):
    """Counts per class (or in total for "micro"), then the F-beta of those counts."""

    def reference(y_true, y_pred, weights):
        if threshold is None:
            predicted = (y_pred == y_pred.max(axis=-1, keepdims=True)).astype(float)
        else:
            predicted = (y_pred > threshold).astype(float)
        weights = weights[:, None]
        axis = None if average == "micro" else 0
        tp = np.sum(predicted * y_true * weights, axis=axis)
        fp = np.sum(predicted * (1 - y_true) * weights, axis=axis)
        fn = np.sum((1 - predicted) * y_true * weights, axis=axis)
        b2 = beta * beta
        score = (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp)
        if average == "weighted":
            support = np.sum(y_true * weights, axis=0)
            return np.sum(score * support) / np.sum(support)
        return score if average is None else np.mean(score)

    return reference


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("average", "beta", "threshold"),
    [(None, 1.0, None), ("micro", 2.0, 0.5), ("macro", 0.5, 0.3), ("weighted", 1.0, 0.6)],
)
def test_f_beta_streams_like_numpy(average, beta, threshold, weighted, rng):
    metric = metrics.FBetaScore(average=average, beta=beta, threshold=threshold)
    check_streaming(
        metric, _multi_label_batch, _f_beta_reference(average, beta, threshold), rng, weighted
    )


def test_f1_is_f_beta_with_beta_one(rng):
    y_true, y_pred = _multi_label_batch(rng)
    f1, f_beta = (
        metrics.F1Score(average="macro", threshold=0.5),
        metrics.FBetaScore(average="macro", threshold=0.5),
    )
    f1.update_state(y_true, y_pred)
    f_beta.update_state(y_true, y_pred)
    assert_close(f1.result(), f_beta.result())
    assert [v.name for v in f1.variables] == [
        "true_positives", "false_positives", "false_negatives", "intermediate_weights"
    ]  # fmt: skip


def test_configs_have_keras_keys():
    f1 = check_config_roundtrip(metrics.F1Score(average="micro", threshold=0.4, name="f1"))
    assert f1.get_config() == {"name": "f1", "dtype": "float32", "average": "micro",
                               "threshold": 0.4}  # fmt: skip
    f_beta = check_config_roundtrip(metrics.FBetaScore(beta=2.0))
    assert set(f_beta.get_config()) == {"name", "dtype", "average", "beta", "threshold"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"average": "samples"}, "average"),
        ({"beta": 2}, "beta"),  # Keras asks for a Python float
        ({"beta": -1.0}, "beta"),
        ({"threshold": 1.5}, "threshold"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.FBetaScore(**kwargs)


def test_rejects_inputs_that_are_not_2d(rng):
    with pytest.raises(ValueError, match=r"2D inputs.*\(8,\)"):
        metrics.F1Score().update_state(np.ones(8), rng.uniform(size=8))
