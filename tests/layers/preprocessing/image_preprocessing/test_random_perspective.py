import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks

CORNERS = np.array([[[0.0, 0.0], [6.0, 0.0], [0.0, 5.0], [6.0, 5.0]]], "float32")


def shift_transformation(dx, dy, apply=True):
    """Every corner moved by (dx, dy): the warp is a plain translation."""
    return checks.as_tensors({
        "apply_perspective": np.array([apply]),
        "start_points": CORNERS,
        "end_points": CORNERS + np.array([dx, dy], "float32"),
        "input_shape": (1, 6, 7, 3),
    })  # fmt: skip


def test_moving_all_corners_translates_the_image(rng):
    x = checks.images(rng, (1, 6, 7, 3))
    layer = layers.RandomPerspective(interpolation="nearest", fill_value=-1.0)
    out = np.asarray(layer.transform_images(x, shift_transformation(2.0, 1.0)))
    expected = np.full_like(x, -1.0)
    expected[:, 1:, 2:] = x[:, :-1, :-2]
    assert_close(out, expected, atol=1e-5)
    assert_close(layer.transform_images(x, shift_transformation(2.0, 1.0, apply=False)), x)


def test_boxes_follow_the_warp():
    layer = layers.RandomPerspective(bounding_box_format="xyxy")
    boxes = {"boxes": np.array([[[1.0, 1.0, 3.0, 2.0]]]), "labels": np.array([[4]])}
    out = layer.transform_bounding_boxes(boxes, shift_transformation(2.0, 1.0))
    assert_close(out["boxes"], [[[3.0, 2.0, 5.0, 3.0]]], atol=1e-4)


def test_factor_zero_never_warps(rng):
    x = checks.images(rng)
    assert_close(layers.RandomPerspective(factor=0.0, seed=1)(x, training=True), x)


def test_shapes_inference_seed_and_round_trips(rng, tmp_path):
    x = checks.images(rng)

    def make(**kwargs):
        return layers.RandomPerspective(factor=[1.0, 1.0], scale=0.5, **kwargs)  # always warps

    checks.check_symbolic_shape(make, x)
    checks.check_inference_is_identity(make(), x)
    checks.check_seeded_repeat(make, x)
    checks.check_round_trips(make(fill_value=0.5, seed=1), x, tmp_path)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`scale` argument .* Received: scale=1.5"):
        layers.RandomPerspective(scale=1.5)
    with pytest.raises(ValueError, match=r"range \[0, 1\]. Received: factor=2"):
        layers.RandomPerspective(factor=2)
