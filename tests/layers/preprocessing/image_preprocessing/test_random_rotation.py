import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


def test_quarter_turns_match_numpy(rng):
    x = checks.images(rng, (2, 5, 5, 3))  # square: a quarter turn keeps every pixel inside
    layer = layers.RandomRotation(0.5, interpolation="nearest")
    out = layer.transform_images(x, layer._transformation(np.array([90.0, 180.0]), 5, 5))
    assert_close(out[0], np.rot90(x[0], k=1), atol=1e-5)  # positive: counter-clockwise
    assert_close(out[1], np.rot90(x[1], k=2), atol=1e-5)


def test_fill_value_outside_the_rotated_image(rng):
    x = checks.images(rng, (1, 4, 8, 1))
    layer = layers.RandomRotation(0.5, fill_mode="constant", fill_value=-1.0)
    out = np.asarray(layer.transform_images(x, layer._transformation(np.array([90.0]), 4, 8)))
    assert np.all(out[0, :, 0] == -1.0)  # a wide image turned upright leaves its sides empty
    assert np.all(out[0, :, -1] == -1.0)


def test_boxes_turn_with_the_image():
    layer = layers.RandomRotation(0.5, bounding_box_format="xyxy")
    transformation = layer._transformation(np.array([90.0]), 5, 5)
    boxes = {"boxes": np.array([[[0.0, 0.0, 2.0, 1.0]]]), "labels": np.array([[1]])}
    out = layer.transform_bounding_boxes(boxes, transformation)
    # Counter-clockwise about the centre (2, 2): x' = y, y' = 4 - x.
    assert_close(out["boxes"], [[[0.0, 2.0, 1.0, 4.0]]], atol=1e-5)


def test_angles_stay_within_the_factor(rng):
    layer = layers.RandomRotation((-0.1, 0.05), seed=1)
    angles = np.asarray(layer.get_random_transformation(checks.images(rng, (64, 4, 4, 1)))["angle"])
    assert np.all((angles >= -36.0) & (angles <= 18.0))


def test_shapes_inference_seed_and_round_trips(rng, tmp_path):
    x = checks.images(rng)

    def make(**kwargs):
        return layers.RandomRotation(0.2, **kwargs)

    checks.check_symbolic_shape(make, x)
    checks.check_inference_is_identity(make(), x)
    checks.check_seeded_repeat(make, x)
    checks.check_round_trips(make(fill_mode="wrap", seed=3), x, tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"factor": 2.0}, r"`factor` argument .* Received: factor=2.0"),
     ({"factor": 0.1, "fill_mode": "edge"}, "`fill_mode` must be one of"),
     ({"factor": 0.1, "interpolation": "area"}, "`interpolation` must be one of")],
)  # fmt: skip
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.RandomRotation(**kwargs)
