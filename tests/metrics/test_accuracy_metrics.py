import numpy as np
import pytest

from lamina import metrics, ops
from tests.harness import assert_close, check_config_roundtrip
from tests.metrics.streaming import check_streaming, weighted_mean

NUM_CLASSES = 5


def _rank_of_true(ids, y_pred):
    """How many scores beat the true class's score (0: it is the best)."""
    true_scores = np.take_along_axis(y_pred, ids.reshape(-1, 1), axis=-1)
    return np.sum(y_pred > true_scores, axis=-1)


def _one_hot_batch(rng):
    return np.eye(NUM_CLASSES)[rng.integers(0, NUM_CLASSES, 8)], rng.uniform(size=(8, 5))


def _ids_batch(rng):
    return rng.integers(0, NUM_CLASSES, size=(8, 1)), rng.uniform(size=(8, NUM_CLASSES))


def _binary_batch(rng):
    return rng.integers(0, 2, size=(8, 3)), rng.uniform(size=(8, 3))


CASES = [
    (
        metrics.Accuracy,
        {},
        lambda rng: (rng.integers(0, 3, size=(8, 2)), rng.integers(0, 3, size=(8, 2))),
        lambda t, p: (t == p).mean(-1),
    ),
    (metrics.BinaryAccuracy, {}, _binary_batch, lambda t, p: ((p > 0.5) == t).mean(-1)),
    (
        metrics.BinaryAccuracy,
        {"threshold": 0.7},
        _binary_batch,
        lambda t, p: ((p > 0.7) == t).mean(-1),
    ),
    (
        metrics.CategoricalAccuracy,
        {},
        _one_hot_batch,
        lambda t, p: (t.argmax(-1) == p.argmax(-1)).astype(float),
    ),
    (
        metrics.SparseCategoricalAccuracy,
        {},
        _ids_batch,
        lambda t, p: (t[:, 0] == p.argmax(-1)).astype(float),
    ),
    (
        metrics.TopKCategoricalAccuracy,
        {"k": 2},
        _one_hot_batch,
        lambda t, p: (_rank_of_true(t.argmax(-1), p) < 2).astype(float),
    ),
    (
        metrics.SparseTopKCategoricalAccuracy,
        {"k": 3},
        _ids_batch,
        lambda t, p: (_rank_of_true(t[:, 0], p) < 3).astype(float),
    ),
]
IDS = [f"{c[0].__name__}{c[1]}" for c in CASES]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("metric_class", "kwargs", "make_batch", "per_sample"), CASES, ids=IDS)
def test_streams_like_numpy(metric_class, kwargs, make_batch, per_sample, weighted, rng):
    def reference(y_true, y_pred, sample_weight):
        return weighted_mean(per_sample(y_true, y_pred), sample_weight)

    check_streaming(metric_class(**kwargs), make_batch, reference, rng, weighted)


@pytest.mark.parametrize(("metric_class", "kwargs", "make_batch", "per_sample"), CASES, ids=IDS)
def test_config_round_trips(metric_class, kwargs, make_batch, per_sample):
    config = check_config_roundtrip(metric_class(name="m", **kwargs)).get_config()
    assert config.items() >= {"name": "m", "dtype": "float32", **kwargs}.items()


@pytest.mark.parametrize(
    ("function", "make_batch", "per_sample"),
    [
        (metrics.binary_accuracy, _binary_batch, lambda t, p: (p > 0.5) == t),
        (metrics.categorical_accuracy, _one_hot_batch, lambda t, p: t.argmax(-1) == p.argmax(-1)),
        (metrics.sparse_categorical_accuracy, _ids_batch, lambda t, p: t[:, 0] == p.argmax(-1)),
        (
            metrics.top_k_categorical_accuracy,
            _one_hot_batch,
            lambda t, p: _rank_of_true(t.argmax(-1), p) < 5,
        ),
    ],
)
def test_function_forms(function, make_batch, per_sample, rng):
    y_true, y_pred = make_batch(rng)
    assert_close(function(y_true, y_pred), per_sample(y_true, y_pred))


def test_sparse_ids_without_trailing_axis(rng):
    ids, y_pred = rng.integers(0, NUM_CLASSES, size=8), rng.uniform(size=(8, NUM_CLASSES))
    assert_close(metrics.sparse_categorical_accuracy(ids, y_pred), ids == y_pred.argmax(-1))


@pytest.mark.parametrize("ids_dtype", ["int32", "int64", "uint8", "float32"])
def test_sparse_ids_of_any_number_dtype(rng, ids_dtype):
    ids = rng.integers(0, NUM_CLASSES, size=8)
    y_pred = rng.uniform(size=(8, NUM_CLASSES)).astype("float32")
    found = metrics.sparse_categorical_accuracy(ops.convert_to_tensor(ids, ids_dtype), y_pred)
    assert ops.dtype(found) == "float32"
    assert_close(found, ids == y_pred.argmax(-1))


def test_top_k_over_sequences(rng):
    ids, y_pred = rng.integers(0, NUM_CLASSES, size=(2, 3)), rng.uniform(size=(2, 3, 5))
    found = metrics.sparse_top_k_categorical_accuracy(ids, y_pred, k=2)
    expected = (_rank_of_true(ids.reshape(-1), y_pred.reshape(-1, 5)) < 2).reshape(2, 3)
    assert_close(found, expected)


def test_sparse_top_k_from_sorted_ids():
    sorted_ids = np.array([[3, 1, 0], [2, 0, 4]])
    found = metrics.sparse_top_k_categorical_accuracy([1, 4], sorted_ids, k=2, from_sorted_ids=True)
    assert_close(found, [1.0, 0.0])
