import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks

FLIPS = np.array([True, False]).reshape(2, 1, 1, 1)


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_flips_match_numpy(rng, mode):
    x = checks.images(rng)
    layer = layers.RandomFlip(mode)
    out = layer.transform_images(x, checks.as_tensors({"flips": FLIPS, "input_shape": x.shape}))
    expected = x.copy()
    if "horizontal" in mode:
        expected[0] = expected[0][:, ::-1]
    if "vertical" in mode:
        expected[0] = expected[0][::-1]
    assert_close(out, expected)


def test_channels_first_and_boxes(rng):
    x = checks.images(rng, (2, 3, 6, 7))
    layer = layers.RandomFlip(
        "horizontal", data_format="channels_first", bounding_box_format="xywh"
    )
    transformation = checks.as_tensors({"flips": FLIPS, "input_shape": x.shape})
    assert_close(layer.transform_images(x, transformation), np.where(FLIPS, x[..., ::-1], x))
    boxes = np.array([[[1.0, 2.0, 3.0, 1.0]], [[1.0, 2.0, 3.0, 1.0]]])  # width 7
    out = layer.transform_bounding_boxes({"boxes": boxes, "labels": np.ones((2, 1))},
                                         transformation)  # fmt: skip
    assert_close(out["boxes"], [[[3.0, 2.0, 3.0, 1.0]], [[1.0, 2.0, 3.0, 1.0]]], atol=1e-5)


def test_dict_input_moves_masks_with_images(rng):
    x = checks.images(rng)
    masks = rng.integers(0, 3, (2, 6, 7, 1)).astype("float32")
    out = layers.RandomFlip(seed=3)({"images": x, "segmentation_masks": masks})
    flipped = [not np.allclose(np.asarray(out["images"])[i], x[i]) for i in range(2)]
    for i in range(2):
        expected = masks[i][::-1, ::-1] if flipped[i] else masks[i]
        assert_close(np.asarray(out["segmentation_masks"])[i], expected)


def test_shapes_inference_seed_and_round_trips(rng, tmp_path):
    x = checks.images(rng)
    checks.check_symbolic_shape(layers.RandomFlip, x)
    checks.check_inference_is_identity(layers.RandomFlip(), x)
    checks.check_seeded_repeat(layers.RandomFlip, x)
    checks.check_round_trips(layers.RandomFlip("vertical", seed=5), x, tmp_path)


def test_bad_mode():
    with pytest.raises(ValueError, match=r"`mode` must be one of .* Received: mode='diagonal'"):
        layers.RandomFlip("diagonal")
