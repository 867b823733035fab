import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.mix_up import MixUp
from tests.harness import assert_close, to_numpy
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    images,
)


def test_mix_up_matches_numpy(rng):
    x, labels = images(rng), np.eye(3, dtype="float32")
    masks = rng.integers(0, 3, (3, 5, 6, 1)).astype("float32")
    weight, order = np.array([0.2, 0.7, 0.9]), np.array([2, 0, 1])
    transformation = {"mix_weight": weight.astype("float32"), "permutation_order": order}
    w = weight.reshape(3, 1, 1, 1)
    layer = MixUp()
    assert_close(layer.transform_images(x, transformation), w * x + (1 - w) * x[order], atol=1e-3)
    expected_labels = weight[:, None] * labels + (1 - weight[:, None]) * labels[order]
    assert_close(layer.transform_labels(labels, transformation), expected_labels)
    assert_close(
        layer.transform_segmentation_masks(masks, transformation),
        w * masks + (1 - w) * masks[order],
    )


def test_mix_up_keeps_both_examples_boxes(rng):
    boxes = rng.uniform(0, 5, (3, 2, 4)).astype("float32")
    box_labels = rng.integers(0, 4, (3, 2)).astype("float32")
    order = np.array([1, 2, 0])
    out = MixUp().transform_bounding_boxes(
        {"boxes": boxes, "labels": box_labels},
        {"mix_weight": np.ones(3, "float32"), "permutation_order": order},
    )
    np.testing.assert_array_equal(to_numpy(out["boxes"]), np.concatenate([boxes, boxes[order]], 1))
    np.testing.assert_array_equal(
        to_numpy(out["labels"]), np.concatenate([box_labels, box_labels[order]], 1)
    )


def test_mix_up_random_behaviour(rng):
    x = images(rng, (4, 5, 6, 3))
    check_random_layer(lambda seed: MixUp(0.5, seed=seed), x, labels_pass=False)
    labels = np.eye(4, dtype="float32")
    layer = MixUp(0.5, seed=2)
    calls = [to_numpy(layer({"images": x, "labels": labels})["labels"]) for _ in range(3)]
    for mixed in calls:
        np.testing.assert_allclose(mixed.sum(axis=1), 1.0, rtol=1e-5)  # still distributions
    assert any(not np.allclose(mixed, labels) for mixed in calls)  # some permutation moves


def test_mix_up_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        MixUp(alpha=0)
