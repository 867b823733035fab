import numpy as np
import pytest

from lamina import layers, ops
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


def nearest(x, height, width):
    """Keras's nearest rule: output row i reads input row floor((i + 0.5) * in / out)."""
    rows = np.floor((np.arange(height) + 0.5) * x.shape[1] / height).astype(int)
    columns = np.floor((np.arange(width) + 0.5) * x.shape[2] / width).astype(int)
    return x[:, rows][:, :, columns]


def bilinear_upsample(x, height, width):
    """Half-pixel-centred bilinear interpolation, edges clamped (upsampling only)."""

    def axis_weights(size, out):
        centres = (np.arange(out) + 0.5) * size / out - 0.5
        low = np.clip(np.floor(centres).astype(int), 0, size - 1)
        high = np.clip(low + 1, 0, size - 1)
        fraction = np.clip(centres - np.floor(centres), 0, 1)
        fraction[centres < 0] = 0
        return low, high, fraction

    r0, r1, fr = axis_weights(x.shape[1], height)
    c0, c1, fc = axis_weights(x.shape[2], width)
    rows = x[:, r0] * (1 - fr)[None, :, None, None] + x[:, r1] * fr[None, :, None, None]
    return rows[:, :, c0] * (1 - fc)[None, None, :, None] + rows[:, :, c1] * fc[None, None, :, None]


def test_nearest_and_bilinear_match_numpy(rng):
    x = checks.images(rng, (2, 4, 6, 3))
    assert_close(layers.Resizing(2, 3, interpolation="nearest")(x), nearest(x, 2, 3))
    assert_close(layers.Resizing(8, 9)(x), bilinear_upsample(x, 8, 9), rtol=1e-5, atol=1e-5)


def test_crop_and_pad_to_aspect_ratio(rng):
    x = checks.images(rng, (2, 4, 8, 3))
    cropped = layers.Resizing(2, 2, interpolation="nearest", crop_to_aspect_ratio=True)(x)
    assert_close(cropped, nearest(x[:, :, 2:6], 2, 2))  # the central 4 x 4 box
    padded = layers.Resizing(
        4, 4, interpolation="nearest", pad_to_aspect_ratio=True, fill_value=0.5
    )(x)
    box = np.pad(x, ((0, 0), (2, 2), (0, 0), (0, 0)), constant_values=0.5)  # 8 x 8
    assert_close(padded, nearest(box, 4, 4))


def test_integer_images_stay_integer(rng):
    x = rng.integers(0, 256, (1, 4, 4, 1)).astype("uint8")
    out = layers.Resizing(2, 2, interpolation="nearest")(x)
    assert ops.dtype(out) == "uint8"
    assert_close(out, nearest(x, 2, 2))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [({}, [[[1.0, 1.5, 6.0, 4.5]]]),  # x scaled by 2, y by 1.5
     ({"pad_to_aspect_ratio": True}, [[[1.75, 1.5, 5.5, 4.5]]]),  # scale 1.5, 1 px right (Keras)
     ({"crop_to_aspect_ratio": True}, [[[1.0, 1.0, 6.0, 5.0]]])],  # scale 2, 1 row cut
)  # fmt: skip
def test_boxes_follow_the_resize(kwargs, expected):
    layer = layers.Resizing(6, 12, bounding_box_format="xyxy", **kwargs)
    boxes = {"boxes": np.array([[[0.5, 1.0, 3.0, 3.0]]]), "labels": np.array([[1]])}
    out = layer.transform_bounding_boxes(boxes, (4, 6))
    assert_close(out["boxes"], expected, atol=1e-5)


def test_dict_input_and_masks(rng):
    x = checks.images(rng, (2, 4, 6, 3))
    masks = rng.integers(0, 4, (2, 4, 6, 1)).astype("float32")
    boxes = {"boxes": np.array([[[0.0, 0.0, 6.0, 4.0]]] * 2), "labels": np.array([[1], [2]])}
    out = layers.Resizing(2, 3, interpolation="bilinear", bounding_box_format="xyxy")(
        {"images": x, "segmentation_masks": masks, "bounding_boxes": boxes}
    )
    assert_close(out["segmentation_masks"], nearest(masks, 2, 3))
    assert_close(out["bounding_boxes"]["boxes"], [[[0, 0, 3, 2]]] * 2)


def test_shapes_and_round_trips(rng, tmp_path):
    x = checks.images(rng)
    layer = layers.Resizing(3, 5, interpolation="nearest", pad_to_aspect_ratio=True)
    checks.check_symbolic_shape(lambda: layers.Resizing(3, 5), x)
    checks.check_round_trips(layer, x, tmp_path)
    assert_close(layer(x, training=False), layer(x, training=True))  # not random


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"height": 0}, r"`height` must be a positive int. Received: height=0"),
     ({"interpolation": "cubic"}, "`interpolation` must be one of"),
     ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "only one of"),
     ({"fill_mode": "reflect"}, "`fill_mode` must be 'constant'")],
)  # fmt: skip
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Resizing(**{"height": 2, "width": 2, **kwargs})
