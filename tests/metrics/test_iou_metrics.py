import numpy as np
import pytest

from lamina import metrics
from tests.harness import assert_close, check_config_roundtrip
from tests.metrics.streaming import check_streaming

NUM_CLASSES = 4


def _iou_reference(target_class_ids, ignore_class=None, to_ids=lambda x: x):
    """Confusion matrix of the ids in range (and not ignored), then IoU averaged over the
    target classes that occur."""

    def reference(y_true, y_pred, weights):
        y_true, y_pred = to_ids(y_true), to_ids(y_pred)
        weights = np.broadcast_to(np.reshape(weights, (-1,) + (1,) * (y_true.ndim - 1)),
                                  y_true.shape).ravel()  # fmt: skip
        y_true, y_pred = y_true.ravel(), y_pred.ravel()
        keep = (y_true >= 0) & (y_true < NUM_CLASSES) & (y_pred >= 0) & (y_pred < NUM_CLASSES)
        if ignore_class is not None:
            keep &= y_true != ignore_class
        matrix = np.zeros((NUM_CLASSES, NUM_CLASSES))
        np.add.at(matrix, (y_true[keep], y_pred[keep]), weights[keep])
        tp = np.diag(matrix)
        union = (matrix.sum(0) + matrix.sum(1) - tp)[target_class_ids]
        occurs = union > 0
        return np.sum(tp[target_class_ids][occurs] / union[occurs]) / np.sum(occurs)

    return reference


def _ids_batch(rng):  # (batch, 3) ids, some out of range (-1 and NUM_CLASSES)
    return rng.integers(-1, NUM_CLASSES + 1, (6, 3)), rng.integers(0, NUM_CLASSES, (6, 3))


def _one_hot_batch(rng):
    return np.eye(NUM_CLASSES)[rng.integers(0, NUM_CLASSES, 6)], rng.uniform(size=(6, NUM_CLASSES))


def _argmax(x):
    return np.argmax(x, axis=-1)


CASES = [
    ("iou", lambda: metrics.IoU(NUM_CLASSES, [0, 2], dtype="float32"), _ids_batch,
     _iou_reference([0, 2])),
    ("iou_ignore", lambda: metrics.IoU(NUM_CLASSES, [1, 2, 3], ignore_class=1, dtype="float32"),
     _ids_batch, _iou_reference([1, 2, 3], ignore_class=1)),
    ("mean_iou", lambda: metrics.MeanIoU(NUM_CLASSES, dtype="float32"), _ids_batch,
     _iou_reference(list(range(NUM_CLASSES)))),
    ("one_hot_iou", lambda: metrics.OneHotIoU(NUM_CLASSES, [1, 3], dtype="float32"),
     _one_hot_batch, _iou_reference([1, 3], to_ids=_argmax)),
    ("one_hot_mean_iou", lambda: metrics.OneHotMeanIoU(NUM_CLASSES, dtype="float32"),
     _one_hot_batch, _iou_reference(list(range(NUM_CLASSES)), to_ids=_argmax)),
]  # fmt: skip


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("make_metric", "make_batch", "reference"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_streams_like_numpy(make_metric, make_batch, reference, weighted, rng):
    check_streaming(make_metric(), make_batch, reference, rng, weighted)


def test_binary_iou_thresholds_scores(rng):
    def reference(y_true, y_pred, weights):
        predicted = (y_pred >= 0.3).astype(int)
        tp = [np.sum(weights[:, None] * ((y_true == c) & (predicted == c))) for c in (0, 1)]
        union = [np.sum(weights[:, None] * ((y_true == c) | (predicted == c))) for c in (0, 1)]
        return np.mean(np.divide(tp, union))

    def batch(rng):
        return rng.integers(0, 2, (6, 3)), rng.uniform(size=(6, 3))

    check_streaming(metrics.BinaryIoU(threshold=0.3, dtype="float32"), batch, reference, rng,
                    True)  # fmt: skip


def test_integer_counts_by_default(rng):
    metric = metrics.MeanIoU(NUM_CLASSES)
    assert metric.dtype == "int32"
    assert metric.variables[0].dtype == "int32"
    assert metric.variables[0].name == "total_confusion_matrix"
    y_true, y_pred = _ids_batch(rng)
    weights = rng.integers(1, 4, size=6)
    metric.update_state(y_true, y_pred, sample_weight=weights)
    expected = _iou_reference(list(range(NUM_CLASSES)))(y_true, y_pred, weights)
    assert_close(metric.result(), expected)
    with pytest.warns(UserWarning, match="float sample weights"):  # as Keras
        metric.update_state(y_true, y_pred, sample_weight=weights.astype("float32"))


@pytest.mark.parametrize(
    ("metric", "keys"),
    [
        (metrics.IoU(3, [0, 2], ignore_class=1), {"name", "dtype", "num_classes",
         "target_class_ids", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"}),
        (metrics.MeanIoU(3, sparse_y_pred=False), {"name", "dtype", "num_classes",
         "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"}),
        (metrics.BinaryIoU([1], threshold=0.7), {"name", "dtype", "target_class_ids",
                                                 "threshold"}),
        (metrics.OneHotIoU(3, [1]), {"name", "dtype", "num_classes", "target_class_ids",
                                     "ignore_class", "sparse_y_pred", "axis"}),
        (metrics.OneHotMeanIoU(3, ignore_class=0), {"name", "dtype", "num_classes",
                                                    "ignore_class", "sparse_y_pred", "axis"}),
    ],
    ids=lambda x: type(x).__name__,
)  # fmt: skip
def test_configs_have_keras_keys(metric, keys):
    assert set(check_config_roundtrip(metric).get_config()) == keys


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"target_class_ids.*\[0, 3\).*\[0, 3\]"):
        metrics.IoU(3, [0, 3])
    with pytest.raises(ValueError, match="num_classes"):
        metrics.MeanIoU(0)
