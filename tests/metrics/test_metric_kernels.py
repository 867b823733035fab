"""An engine's fused metric kernels must agree with the composites written in lamina.metrics."""

import numpy as np
import pytest

from lamina import StatelessScope, backend, metrics, ops
from lamina.metrics import accuracy_metrics, state_updates
from tests.harness import assert_close

KERNELS = getattr(backend.engine, "metric_kernels", None)
needs_kernels = pytest.mark.skipif(KERNELS is None, reason="this engine has no metric kernels")


def _targets(rng, kind, batch=7, classes=5):
    """Targets of one kind and their class ids."""
    labels = rng.integers(0, classes, size=batch)
    if kind == "one_hot":
        return np.eye(classes, dtype="float32")[labels], labels
    if kind == "scores":
        scores = rng.random((batch, classes)).astype("float32")
        return scores, np.argmax(scores, -1)
    if kind == "ids":
        return labels.astype("int64"), labels
    if kind == "ids_column":
        return labels.reshape(batch, 1).astype("int32"), labels
    return labels.astype("float32"), labels  # float ids


@needs_kernels
@pytest.mark.parametrize(
    ("kind", "sparse"),
    [("one_hot", False), ("scores", False), ("ids", True), ("ids_column", True),
     ("float_ids", True)],
)  # fmt: skip
def test_argmax_match_count_equals_the_summed_per_sample_matches(rng, kind, sparse):
    y_pred = rng.random((7, 5)).astype("float32")
    y_true, labels = _targets(rng, kind)
    y_pred[np.arange(3), labels[:3]] = 2.0  # three sure hits
    function = (
        accuracy_metrics.sparse_categorical_accuracy
        if sparse
        else accuracy_metrics.categorical_accuracy
    )
    expected = ops.sum(function(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)))
    count = KERNELS.argmax_match_count(
        ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred), sparse, "float32"
    )
    assert ops.dtype(count) == "float32"
    assert float(count) == float(expected)
    assert float(count) == float(np.sum(np.argmax(y_pred, -1) == labels)) >= 3


@needs_kernels
def test_argmax_match_count_declines_what_it_cannot_count(rng):
    scores = rng.random((2, 3, 4)).astype("float32")
    ids = np.array([[1, 2, 0], [3, 0, 1]])
    assert KERNELS.argmax_match_count(ids, scores, True, "float32") is None  # rank 3
    one_hot = np.eye(4, dtype="float32")[[1, 2]]
    assert KERNELS.argmax_match_count(one_hot, scores[0, :2], True, "float32") is None
    assert KERNELS.argmax_match_count(ids[0], scores[0], False, "float32") is None
    assert KERNELS.argmax_match_count(one_hot > 0, scores[0, :2], False, "float32") is None


@pytest.mark.parametrize("name", ["CategoricalAccuracy", "SparseCategoricalAccuracy"])
def test_argmax_accuracies_agree_with_and_without_the_kernel(monkeypatch, rng, name):
    """Batches without weights take the kernel, weighted ones the per-sample form: the
    running result matches a NumPy reference either way and with the kernel switched off."""
    batches = []
    for _ in range(3):
        y_pred = rng.random((6, 4)).astype("float32")
        labels = rng.integers(0, 4, size=6)
        labels[:2] = np.argmax(y_pred[:2], -1)  # at least two hits per batch
        y_true = labels if name.startswith("Sparse") else np.eye(4, dtype="float32")[labels]
        batches.append((y_true, y_pred, labels))
    weights = rng.uniform(0.5, 2.0, size=6).astype("float32")
    results = []
    for kernels in (KERNELS, None):
        monkeypatch.setattr(accuracy_metrics, "_KERNELS", kernels)
        metric = getattr(metrics, name)()
        hits, total_weight = 0.0, 0.0
        for index, (y_true, y_pred, labels) in enumerate(batches):
            matches = (np.argmax(y_pred, -1) == labels).astype(np.float64)
            weight = weights if index == 1 else np.ones(6)
            metric.update_state(y_true, y_pred, sample_weight=weights if index == 1 else None)
            hits, total_weight = hits + np.sum(matches * weight), total_weight + np.sum(weight)
        assert_close(metric.result(), hits / total_weight)
        results.append(float(metric.result()))
    assert results[0] == pytest.approx(results[1], rel=1e-6)


@needs_kernels
def test_assign_add_all_adds_tensors_and_numbers_in_place(rng):
    values = rng.standard_normal(3).astype("float32")
    variables = [backend.Variable(float(v), dtype="float32", trainable=False) for v in values]
    increment = ops.convert_to_tensor(np.float32(1.25))
    assert KERNELS.assign_add_all(variables, [increment, 3, 0.5]) is True
    assert_close([v.numpy() for v in variables], values + np.array([1.25, 3.0, 0.5]))


@needs_kernels
def test_assign_add_all_declines_without_changing_anything(rng):
    variable = backend.Variable(np.float32(rng.standard_normal()), trainable=False)
    before = variable.numpy()
    wide = ops.convert_to_tensor(np.array(2.0, dtype="float64"), dtype="float64")
    assert KERNELS.assign_add_all([variable], [wide]) is False  # another dtype
    with StatelessScope():
        assert KERNELS.assign_add_all([variable], [1.0]) is False
    assert variable.numpy() == before


def test_the_add_to_state_fallback_adds_one_by_one(monkeypatch, rng):
    monkeypatch.setattr(state_updates, "_KERNELS", None)
    start = rng.standard_normal(2).astype("float32")
    variables = [backend.Variable(float(v), dtype="float32", trainable=False) for v in start]
    state_updates.add_to_state(variables, [ops.convert_to_tensor(np.float32(0.75)), 2])
    assert_close([v.numpy() for v in variables], start + np.array([0.75, 2.0]))


@pytest.mark.engine("torch")
def test_a_fit_steps_loss_and_accuracy_updates_stay_a_few_aten_ops(rng):
    """Issue 8's leaner eager step: the loss tracker and an unweighted accuracy add their
    state in two multi-tensor adds, and the accuracy counts matches in four ops (two argmax,
    eq, a sum straight to float) with no casts; the old form took 13."""
    import collections

    from torch.utils._python_dispatch import TorchDispatchMode

    class CountOps(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.counts = collections.Counter()

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.counts[func.overloadpacket.__name__] += 1
            return func(*args, **(kwargs or {}))

    tracker, accuracy = metrics.Mean(), metrics.CategoricalAccuracy()
    y_true = ops.convert_to_tensor(np.eye(4, dtype="float32")[rng.integers(0, 4, size=8)])
    y_pred = ops.convert_to_tensor(rng.random((8, 4)).astype("float32"))
    loss = ops.convert_to_tensor(np.float32(rng.random()))
    with CountOps() as counter, state_updates.batched_state_updates():
        tracker.update_state(loss, sample_weight=8)
        accuracy.update_state(y_true, y_pred)
    assert dict(counter.counts) == {"mul": 1, "argmax": 2, "eq": 1, "sum": 1, "_foreach_add_": 2}
    true_ids, predicted = (np.argmax(ops.convert_to_numpy(t), -1) for t in (y_true, y_pred))
    assert_close(accuracy.result(), np.mean(true_ids == predicted))
    assert_close(tracker.result(), ops.convert_to_numpy(loss))
