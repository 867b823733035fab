import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.cut_mix import CutMix
from tests.harness import assert_close, to_numpy
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    images,
)


def test_cut_mix_matches_numpy(rng):
    x, labels = images(rng), np.eye(3, dtype="float32")
    mask = np.zeros(x.shape, bool)
    mask[0, 1:3, 2:5] = True
    mask[2, 0:4, 0:2] = True
    order, weight = np.array([2, 0, 1], "int32"), np.array([0.8, 1.0, 0.55])
    transformation = {
        "permutation_order": order,
        "batch_masks": mask,
        "mix_weight": weight.astype("float32"),
    }
    layer = CutMix()
    assert_close(layer.transform_images(x, transformation), np.where(mask, x[order], x), atol=0)
    expected = weight[:, None] * labels + (1 - weight[:, None]) * labels[order]
    assert_close(layer.transform_labels(labels, transformation), expected)


def test_cut_mix_label_weight_is_the_area_kept(rng):
    x = np.arange(4, dtype="float32").reshape(4, 1, 1, 1) * np.ones((1, 32, 32, 1), "float32")
    labels = np.eye(4, dtype="float32")
    out = CutMix(seed=5)({"images": x, "labels": labels}, training=True)
    images_out, labels_out = to_numpy(out["images"]), to_numpy(out["labels"])
    for i in range(4):
        kept = np.mean(images_out[i] == i)  # pixels still from image i
        if kept < 1:  # a partner different from i pasted something
            # The weight is the rectangle's continuous area; pixels count whole: at most one
            # row and one column of difference on each side.
            assert abs(labels_out[i, i] - kept) <= 4 * 32 / 32**2


def test_cut_mix_random_behaviour(rng):
    check_random_layer(lambda seed: CutMix(seed=seed), images(rng, (4, 6, 6, 3)), labels_pass=False)
    x = images(rng)
    np.testing.assert_array_equal(to_numpy(CutMix()(x[0], training=True)), x[0])  # one image


def test_cut_mix_bad_arguments_and_boxes():
    with pytest.raises(ValueError, match="factor"):
        CutMix(factor=2.0)
    with pytest.raises(NotImplementedError, match="bounding boxes"):
        CutMix().transform_bounding_boxes({}, None)
