import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


def zoom_transformation(height_zoom, width_zoom, shape):
    return checks.as_tensors({
        "height_zoom": np.array(height_zoom, "float32").reshape(-1, 1),
        "width_zoom": np.array(width_zoom, "float32").reshape(-1, 1),
        "input_shape": shape,
    })  # fmt: skip


def test_zoom_out_by_two_reads_every_other_pixel(rng):
    x = checks.images(rng, (1, 5, 5, 2))
    layer = layers.RandomZoom(1.0, fill_mode="constant", fill_value=-1.0, interpolation="nearest")
    out = np.asarray(layer.transform_images(x, zoom_transformation([2.0], [2.0], x.shape)))
    # Output pixel i reads input 2 i - 2 (the centre 2 stays put): 0, 2, 4 inside.
    assert_close(out[0, 1:4, 1:4], x[0, ::2, ::2])
    assert np.all(out[0, 0] == -1.0)


def test_zoom_in_matches_bilinear_numpy(rng):
    x = checks.images(rng, (1, 3, 5, 1))
    layer = layers.RandomZoom(0.5, width_factor=0.5)
    out = layer.transform_images(x, zoom_transformation([1.0], [0.5], x.shape))
    columns = 0.5 * np.arange(5) + 1.0  # reads input columns 1, 1.5, 2, 2.5, 3
    low = np.floor(columns).astype(int)
    high = np.minimum(low + 1, 4)
    weight = columns - low
    expected = (
        x[:, :, low] * (1 - weight)[None, None, :, None]
        + x[:, :, high] * weight[None, None, :, None]
    )
    assert_close(out, expected, rtol=1e-5, atol=1e-6)


def test_boxes_scale_about_the_centre():
    layer = layers.RandomZoom(0.5, bounding_box_format="xyxy")
    boxes = {"boxes": np.array([[[1.0, 1.0, 3.0, 3.0]]]), "labels": np.array([[1]])}
    out = layer.transform_bounding_boxes(boxes, zoom_transformation([0.5], [0.5], (1, 4, 4, 1)))
    # The window is input [0.75, 2.75]: the box grows by 2 about it, clipped to the image.
    assert_close(out["boxes"], [[[0.5, 0.5, 4.0, 4.0]]], atol=1e-5)


def test_width_zoom_reuses_height_zoom_without_width_factor(rng):
    transformation = layers.RandomZoom(0.4, seed=3).get_random_transformation(
        checks.images(rng, (8, 4, 4, 1))
    )
    zooms = np.asarray(transformation["height_zoom"])
    assert_close(transformation["width_zoom"], zooms)
    assert np.all((zooms >= 0.6) & (zooms <= 1.4))


def test_shapes_inference_seed_and_round_trips(rng, tmp_path):
    x = checks.images(rng)

    def make(**kwargs):
        return layers.RandomZoom(0.3, [-0.2, 0.1], **kwargs)

    checks.check_symbolic_shape(make, x)
    checks.check_inference_is_identity(make(), x)
    checks.check_seeded_repeat(make, x)
    checks.check_round_trips(make(fill_mode="nearest", seed=4), x, tmp_path)


def test_bad_factor():
    with pytest.raises(ValueError, match=r"range \(-1.0, 1.0\]. Received: height_factor=-1.0"):
        layers.RandomZoom(-1.0)
