import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


def test_whole_pixel_shear_matches_numpy(rng):
    x = checks.images(rng, (1, 4, 6, 2))
    layer = layers.RandomShear(1.0, fill_mode="constant", fill_value=-1.0)
    transformation = {"shear_factor": np.array([[1.0, 0.0]], "float32"), "input_shape": x.shape}
    out = np.asarray(layer.transform_images(x, checks.as_tensors(transformation)))
    expected = np.full_like(x, -1.0)
    for row in range(4):  # output row y reads input columns x + y
        expected[0, row, : 6 - row] = x[0, row, row:]
    assert_close(out, expected)


def test_boxes_surround_the_sheared_corners():
    layer = layers.RandomShear(0.5, bounding_box_format="xyxy")
    transformation = {"shear_factor": np.array([[0.5, 0.0]], "float32"),
                      "input_shape": (1, 8, 8, 1)}  # fmt: skip
    boxes = {"boxes": np.array([[[4.0, 2.0, 6.0, 4.0]]]), "labels": np.array([[1]])}
    out = layer.transform_bounding_boxes(boxes, checks.as_tensors(transformation))
    # Content at input (x, y) lands at (x - 0.5 y, y): x from 4 - 2 = 2 to 6 - 1 = 5.
    assert_close(out["boxes"], [[[2.0, 2.0, 5.0, 4.0]]], atol=1e-5)


def test_draws_stay_within_the_factors(rng):
    layer = layers.RandomShear(0.3, (0.1, 0.2), seed=2)
    shear = np.asarray(
        layer.get_random_transformation(checks.images(rng, (64, 4, 4, 1)))["shear_factor"]
    )
    assert np.all(np.abs(shear[:, 0]) <= 0.3)
    assert np.all((np.abs(shear[:, 1]) >= 0.1) & (np.abs(shear[:, 1]) <= 0.2))


def test_shapes_inference_seed_and_round_trips(rng, tmp_path):
    x = checks.images(rng)

    def make(**kwargs):
        return layers.RandomShear(0.3, 0.2, **kwargs)

    checks.check_symbolic_shape(make, x)
    checks.check_inference_is_identity(make(), x)
    checks.check_seeded_repeat(make, x)
    checks.check_round_trips(make(fill_mode="nearest", seed=1), x, tmp_path)
    assert layers.RandomShear.from_config({"x_factor": [-0.3, 0.3]}).x_factor == (-0.3, 0.3)


def test_bad_factor():
    with pytest.raises(ValueError, match=r"`x_factor` should be .* Received: x_factor=-0.2"):
        layers.RandomShear(-0.2)
