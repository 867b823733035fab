"""Checking and densifying the ``{"boxes", "labels"}`` dicts the image layers take."""

from __future__ import annotations

import numpy as np

from lamina import ops


def validate_bounding_boxes(bounding_boxes) -> None:
    """Raise ValueError unless ``bounding_boxes`` is a dict of matching boxes and labels."""
    if (
        not isinstance(bounding_boxes, dict)
        or "boxes" not in bounding_boxes
        or "labels" not in bounding_boxes
    ):
        raise ValueError(
            "Expected `bounding_boxes` to be a dict with keys 'boxes' and 'labels'. "
            f"Received: bounding_boxes={bounding_boxes!r}"
        )
    boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
    if isinstance(boxes, list):
        if not isinstance(labels, list) or len(labels) != len(boxes):
            raise ValueError(
                "When `bounding_boxes['boxes']` is a list, `bounding_boxes['labels']` must be "
                f"a list of the same length. Received: {len(boxes)} boxes and "
                f"labels={labels!r}"
            )
        return
    boxes_rank = len(ops.shape(boxes))
    labels_rank = len(ops.shape(labels))
    allowed = {2: (1, 2), 3: (2, 3)}.get(boxes_rank)
    if allowed is None:
        raise ValueError(
            "Expected `bounding_boxes['boxes']` of rank 2 or 3, shape (num_boxes, 4) or "
            f"(batch_size, num_boxes, 4). Received: shape={tuple(ops.shape(boxes))}"
        )
    if labels_rank not in allowed:
        raise ValueError(
            f"With bounding_boxes['boxes'] of shape {tuple(ops.shape(boxes))}, "
            f"bounding_boxes['labels'] must have rank {allowed[0]} or {allowed[1]}. "
            f"Received: shape={tuple(ops.shape(labels))}"
        )


def _pad_ragged(boxes, labels, max_boxes, box_fill, label_fill):
    """Python lists of per-image boxes (possibly of different lengths) to dense arrays."""
    if max_boxes is None:
        max_boxes = max((len(item) for item in boxes), default=0)
    dense_boxes = np.full((len(boxes), max_boxes, 4), box_fill, dtype="float32")
    dense_labels = np.full((len(boxes), max_boxes), label_fill, dtype="int32")
    for index, (item_boxes, item_labels) in enumerate(zip(boxes, labels)):
        count = min(len(item_boxes), max_boxes)
        if count:
            dense_boxes[index, :count] = np.asarray(item_boxes, dtype="float32")[:count]
            dense_labels[index, :count] = np.asarray(item_labels, dtype="int32")[:count]
    return dense_boxes, dense_labels


def densify_bounding_boxes(
    bounding_boxes,
    is_batched=False,
    max_boxes=None,
    boxes_default_value=0,
    labels_default_value=-1,
):
    """A new dict whose ``boxes`` is a float32 tensor and ``labels`` a tensor.

    Python lists (ragged: images with different numbers of boxes) are padded with
    ``boxes_default_value`` / ``labels_default_value`` up to ``max_boxes`` (default: the
    largest count).
    """
    validate_bounding_boxes(bounding_boxes)
    result = dict(bounding_boxes)
    boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
    if isinstance(boxes, list):
        if not is_batched:
            boxes, labels = [boxes], [labels]
        boxes, labels = _pad_ragged(
            boxes, labels, max_boxes, boxes_default_value, labels_default_value
        )
        if not is_batched:
            boxes, labels = boxes[0], labels[0]
    result["boxes"] = ops.convert_to_tensor(boxes, dtype="float32")
    result["labels"] = ops.convert_to_tensor(labels)
    return result
