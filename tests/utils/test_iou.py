"""utils.bounding_boxes.compute_iou / compute_ciou against a float64 NumPy reference and
Keras 3.15.1's numbers on the same boxes."""

from __future__ import annotations

import numpy as np
import pytest

from lamina.utils import bounding_boxes
from tests.harness import assert_close, to_numpy

RNG = np.random.default_rng(13)
B1 = np.array([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 15.0, 20.0], [-1.0, -1.0, -1.0, -1.0]])
B2 = np.array([[0.0, 0.0, 10.0, 10.0], [2.0, 3.0, 8.0, 12.0]])
EPS = 1e-7


def _random_boxes(*shape):
    corners = RNG.uniform(0, 20, size=(*shape, 2, 2))
    low, high = corners.min(axis=-2), corners.max(axis=-2) + 0.5
    return np.concatenate([low, high], axis=-1).astype("float32")  # xyxy


def _iou_reference(a, b):
    a, b = a.astype(np.float64)[..., :, None, :], b.astype(np.float64)[..., None, :, :]
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = width * height
    area = lambda box: (box[..., 2] - box[..., 0]) * (box[..., 3] - box[..., 1])  # noqa: E731
    return inter / (area(a) + area(b) - inter + EPS)


@pytest.mark.parametrize("ranks", [(2, 2), (3, 2), (2, 3), (3, 3)])
def test_pairwise_iou_in_every_rank_combination(ranks):
    first = _random_boxes(*((2, 4) if ranks[0] == 3 else (4,)))
    second = _random_boxes(*((2, 5) if ranks[1] == 3 else (5,)))
    got = to_numpy(bounding_boxes.compute_iou(first, second, "xyxy"))
    want = _iou_reference(first, second)
    assert got.shape == want.shape
    assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_keras_numbers_masking_and_formats():
    masked = to_numpy(bounding_boxes.compute_iou(B1, B2, "xyxy", use_masking=True))
    # Keras 3.15.1 on these boxes (rounded to 6 places).
    assert_close(masked, [[1.0, 0.375], [0.111111, 0.114754], [-1.0, -1.0]], atol=1e-6)
    xywh = to_numpy(bounding_boxes.compute_iou(B1[None], B2, "xywh"))
    assert_close(xywh, [[[1.0, 0.4], [0.066667, 0.144509], [0.0, 0.0]]], atol=1e-6)
    relative = to_numpy(
        bounding_boxes.compute_iou(B1[:2] / 20, B2 / 20, "rel_xyxy", image_shape=(20, 20, 3))
    )
    assert_close(relative, masked[:2], atol=1e-5)
    with pytest.raises(ValueError, match="image_shape"):
        bounding_boxes.compute_iou(B1, B2, "rel_xyxy")
    with pytest.raises(ValueError, match=r"\[N, 4\]"):
        bounding_boxes.compute_iou(B1[None, None], B2, "xyxy")


def _ciou_reference(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    w1, h1 = a[..., 2] - a[..., 0], a[..., 3] - a[..., 1] + EPS
    w2, h2 = b[..., 2] - b[..., 0], b[..., 3] - b[..., 1] + EPS
    inter = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    inter *= np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    iou = inter / (w1 * h1 + w2 * h2 - inter + 2 * EPS)
    cw = np.maximum(a[..., 2], b[..., 2]) - np.minimum(a[..., 0], b[..., 0])
    ch = np.maximum(a[..., 3], b[..., 3]) - np.minimum(a[..., 1], b[..., 1])
    distance = ((a[..., 0] + a[..., 2]) / 2 - (b[..., 0] + b[..., 2]) / 2) ** 2
    distance += ((a[..., 1] + a[..., 3]) / 2 - (b[..., 1] + b[..., 3]) / 2) ** 2
    v = 4 / np.pi**2 * (np.arctan(w2 / h2) - np.arctan(w1 / h1)) ** 2
    alpha = v / (v - iou + 1 + EPS)
    return iou - (distance / (cw**2 + ch**2 + EPS) + v * alpha)


def test_complete_iou():
    first, second = _random_boxes(3, 4), _random_boxes(3, 4)
    got = to_numpy(bounding_boxes.compute_ciou(first, second, "xyxy"))
    assert got.shape == (3, 4)
    assert_close(got, _ciou_reference(first, second), rtol=1e-4, atol=1e-5)
    keras = to_numpy(bounding_boxes.compute_ciou(B1[:2], B2, "xyxy"))
    assert_close(keras, [1.0, 0.005584], atol=1e-5)  # Keras 3.15.1's numbers
