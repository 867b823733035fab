"""Intersection over union (the Jaccard index) of class predictions, from a streaming
confusion matrix: ``IoU``, ``MeanIoU``, ``BinaryIoU``, ``OneHotIoU``, ``OneHotMeanIoU``."""

from __future__ import annotations

import warnings

from lamina import backend, ops
from lamina.metrics.metric import Metric


def _confusion_matrix(y_true, y_pred, weights, num_classes):
    """``matrix[true, predicted]`` = the summed weights of that pair; ids are int32."""
    pair_ids = y_true * num_classes + y_pred  # (N,)
    counts = ops.segment_sum(weights, pair_ids, num_segments=num_classes * num_classes)
    return ops.reshape(counts, (num_classes, num_classes))


class _IoUBase(Metric):
    """The confusion matrix of class ids, accumulated in ``total_confusion_matrix``.

    Ids outside ``[0, num_classes)`` and labels equal to ``ignore_class`` count nowhere.
    With ``sparse_y_true=False`` (or ``sparse_y_pred=False``), the argmax over ``axis`` of
    the labels (or scores) gives the ids.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        # Integer counts by default, as Keras ("int": int32 on its torch and JAX backends).
        super().__init__(name=name, dtype=dtype or "int32")
        if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
            raise ValueError(
                f"Argument `num_classes` must be a positive integer; received "
                f"num_classes={num_classes!r}."
            )
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            (num_classes, num_classes), "zeros", name="total_confusion_matrix"
        )

    def _class_ids(self, values, is_sparse):
        if not is_sparse:
            values = ops.argmax(values, axis=self.axis)
        return ops.convert_to_tensor(values, dtype=self.dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = self._class_ids(y_true, self.sparse_y_true)
        y_pred = ops.reshape(self._class_ids(y_pred, self.sparse_y_pred), (-1,))
        if sample_weight is None:
            sample_weight = ops.ones(y_pred.shape, dtype=self.dtype)
        else:
            if "float" in str(getattr(sample_weight, "dtype", "")) and "int" in self.dtype:
                warnings.warn(
                    f"{type(self).__name__} {self.name!r}: float sample weights are cast to "
                    f"the metric's dtype {self.dtype}; pass integer weights or a float dtype.",
                    stacklevel=2,
                )
            sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
            # Per-sample weights of (batch, d1, ...) ids weigh each sample's ids (Keras's
            # flattened weights would fail to broadcast there).
            missing = len(y_true.shape) - len(sample_weight.shape)
            if missing > 0:
                sample_weight = ops.reshape(sample_weight, (*sample_weight.shape, *(1,) * missing))
            sample_weight = ops.reshape(ops.broadcast_to(sample_weight, y_true.shape), (-1,))
        y_true = ops.reshape(y_true, (-1,))
        in_range = ops.logical_and(
            ops.logical_and(y_true >= 0, y_true < self.num_classes),
            ops.logical_and(y_pred >= 0, y_pred < self.num_classes),
        )
        if self.ignore_class is not None:
            in_range = ops.logical_and(in_range, ops.not_equal(y_true, self.ignore_class))
        # Excluded entries move to the pair (0, 0) with weight 0: no data-dependent shapes.
        y_true = ops.cast(ops.where(in_range, y_true, 0), "int32")
        y_pred = ops.cast(ops.where(in_range, y_pred, 0), "int32")
        sample_weight = ops.where(in_range, sample_weight, ops.zeros_like(sample_weight))
        self.total_cm.assign_add(_confusion_matrix(y_true, y_pred, sample_weight, self.num_classes))


class IoU(_IoUBase):
    """``true_positives / (true_positives + false_positives + false_negatives)`` for each
    class in ``target_class_ids``, averaged over the classes that occur (a float32 scalar)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        target_class_ids = list(target_class_ids)
        if (
            not target_class_ids
            or min(target_class_ids) < 0
            or (max(target_class_ids) >= num_classes)
        ):
            raise ValueError(
                f"Argument `target_class_ids` must name classes in [0, {num_classes}); "
                f"received target_class_ids={target_class_ids}."
            )
        self.target_class_ids = target_class_ids

    def result(self):
        matrix = ops.cast(self.total_cm.value, "float32")  # Keras's result dtype
        true_positives = ops.diagonal(matrix)
        # predicted + actual - both: the union of each class's predictions and labels.
        union = ops.sum(matrix, axis=0) + ops.sum(matrix, axis=1) - true_positives
        targets = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = ops.take(true_positives, targets)
        union = ops.take(union, targets)
        occurs = union > 1e-9  # a class that is neither labelled nor predicted is left out
        iou = ops.where(occurs, true_positives / (union + backend.epsilon()), 0.0)
        num_occurring = ops.sum(ops.cast(occurs, "float32"))
        return ops.sum(iou) / (num_occurring + backend.epsilon())

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU of 0/1 labels and scores thresholded at ``threshold`` (``y_pred >= threshold``
    predicts class 1), over the classes in ``target_class_ids``."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)  # fmt: skip
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred, dtype="float32")
        y_pred = ops.cast(y_pred >= self.threshold, self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes (those that occur)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(
            num_classes,
            list(range(num_classes)) if isinstance(num_classes, int) else [0],
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """IoU of one-hot labels (the argmax over ``axis`` gives the class) and scores."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(
            num_classes,
            target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """Mean IoU of one-hot labels and scores, over all ``num_classes`` classes."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
