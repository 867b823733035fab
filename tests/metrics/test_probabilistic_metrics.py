import numpy as np
import pytest

from lamina import metrics
from tests.harness import assert_close, check_config_roundtrip


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def reference(name, y_true, y_pred):
    eps = 1e-7
    if name == "binary":
        p = np.clip(y_pred, eps, 1 - eps)
        return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=-1)
    if name == "categorical":
        return -np.sum(y_true * np.log(np.clip(y_pred, eps, 1 - eps)), axis=-1)
    if name == "sparse":
        return -np.log(np.clip(y_pred[np.arange(len(y_true)), y_true], eps, 1 - eps))
    if name == "kl":
        t, p = np.clip(y_true, eps, 1), np.clip(y_pred, eps, 1)
        return np.sum(t * np.log(t / p), axis=-1)
    return np.mean(y_pred - y_true * np.log(y_pred + eps), axis=-1)


CASES = {
    "binary": metrics.BinaryCrossentropy,
    "categorical": metrics.CategoricalCrossentropy,
    "sparse": metrics.SparseCategoricalCrossentropy,
    "kl": metrics.KLDivergence,
    "poisson": metrics.Poisson,
}


def sample(name, rng):
    probabilities = softmax(rng.standard_normal((6, 4)))
    if name == "binary":
        return (rng.random((6, 4)) > 0.5).astype("float64"), rng.uniform(0.05, 0.95, (6, 4))
    if name == "sparse":
        return rng.integers(0, 4, 6), probabilities
    if name == "poisson":
        return rng.poisson(2.0, (6, 4)).astype("float64"), rng.uniform(0.5, 3.0, (6, 4))
    return softmax(rng.standard_normal((6, 4))), probabilities


@pytest.mark.parametrize("name", sorted(CASES))
def test_streams_the_mean_of_the_loss_over_batches(name, rng):
    metric = CASES[name]()
    values = []
    for _ in range(3):
        y_true, y_pred = sample(name, rng)
        metric.update_state(y_true, y_pred.astype("float32"))
        values.append(reference(name, y_true, y_pred))
    assert_close(metric.result(), np.mean(np.concatenate(values)), rtol=1e-4, atol=1e-6)
    metric.reset_state()
    assert_close(metric.result(), 0.0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_round_trips(name):
    check_config_roundtrip(CASES[name](name="custom"))


def test_from_logits_matches_probabilities(rng):
    logits = rng.standard_normal((5, 3)).astype("float32")
    labels = rng.integers(0, 3, 5)
    with_logits = metrics.SparseCategoricalCrossentropy(from_logits=True)
    with_probabilities = metrics.SparseCategoricalCrossentropy()
    with_logits.update_state(labels, logits)
    with_probabilities.update_state(labels, softmax(logits.astype("float64")).astype("float32"))
    assert_close(with_logits.result(), with_probabilities.result(), rtol=1e-5)


def test_sparse_ignore_class_and_axis_follow_keras(rng):
    y_true = np.array([[0, 3, -1], [-1, -1, 2]])
    probabilities = softmax(rng.standard_normal((2, 3, 4)))
    valid = y_true != -1
    picked = np.take_along_axis(probabilities, np.where(valid, y_true, 0)[..., None], -1)[..., 0]
    values = np.where(valid, -np.log(picked), 0.0)  # ignored ids give 0
    weights = rng.uniform(0.5, 2.0, (2, 3))
    channels_first = np.moveaxis(probabilities, -1, 1).astype("float32")
    metric = metrics.SparseCategoricalCrossentropy(ignore_class=-1, axis=1)
    # As in Keras 3.15: without sample_weight the zeros of ignored ids stay in the mean ...
    metric.update_state(y_true, channels_first)
    assert_close(metric.result(), values.mean(axis=1).mean(), rtol=1e-5)
    # ... with one, their weight becomes 0 (per sample: mean(w * v) / mean(w * valid)).
    metric.reset_state()
    metric.update_state(y_true, channels_first, sample_weight=weights)
    expected = (values * weights).mean(axis=1).sum() / (weights * valid).mean(axis=1).sum()
    assert_close(metric.result(), expected, rtol=1e-5)
    config = check_config_roundtrip(metric).get_config()
    assert (config["ignore_class"], config["axis"]) == (-1, 1)


def test_sparse_ignore_class_matches_keras_numbers():
    # Reference numbers from Keras 3.15.1 (torch engine) on these inputs.
    y_pred = np.array([[0.6, 0.3, 0.1], [0.1, 0.4, 0.5], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]],
                      "float32")  # fmt: skip
    y_true = np.array([0, 2, -1, 1])
    metric = metrics.SparseCategoricalCrossentropy(ignore_class=-1)
    metric.update_state(y_true, y_pred)
    assert_close(metric.result(), 0.53007, atol=1e-5)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=np.array([1.0, 0.5, 2.0, 1.5]))
    assert_close(metric.result(), 0.74395, atol=1e-5)
