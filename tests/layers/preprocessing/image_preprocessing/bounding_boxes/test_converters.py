import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing import bounding_boxes
from tests.harness import assert_close

HEIGHT, WIDTH = 60.0, 80.0
FORMATS = [
    "xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw",
    "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh",
]  # fmt: skip


def from_xyxy(boxes, target):
    """float64 NumPy reference: xyxy boxes written in ``target`` format."""
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    if target.startswith("rel_"):
        x1, x2, y1, y2 = x1 / WIDTH, x2 / WIDTH, y1 / HEIGHT, y2 / HEIGHT
        target = target[4:]
    columns = {
        "xyxy": [x1, y1, x2, y2],
        "yxyx": [y1, x1, y2, x2],
        "xywh": [x1, y1, x2 - x1, y2 - y1],
        "center_xywh": [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1],
        "center_yxhw": [(y1 + y2) / 2, (x1 + x2) / 2, y2 - y1, x2 - x1],
    }[target]
    return np.stack(columns, axis=-1)


@pytest.fixture
def boxes(rng):
    corners = rng.uniform(0, 40, (2, 3, 4))
    corners[..., 2:] += corners[..., :2]
    return corners


@pytest.mark.parametrize("source", FORMATS)
def test_convert_format_from_every_format_to_every_format(boxes, source):
    given = from_xyxy(boxes, source).astype("float32")
    for target in FORMATS:
        converted = bounding_boxes.convert_format(
            given, source.upper(), target, height=HEIGHT, width=WIDTH
        )
        assert_close(converted, from_xyxy(boxes, target), rtol=1e-5, atol=1e-4, err_msg=target)


def test_convert_format_dict_and_errors(boxes):
    data = {"boxes": boxes.astype("float32"), "labels": np.arange(3)}
    out = bounding_boxes.convert_format(data, "xyxy", "xywh")
    assert out is not data
    assert out["labels"] is data["labels"]
    assert_close(out["boxes"], from_xyxy(boxes, "xywh"), rtol=1e-5, atol=1e-4)
    with pytest.raises(ValueError, match=r"`target` must be one of .* Received: target='xyz'"):
        bounding_boxes.convert_format(boxes, "xyxy", "xyz")
    with pytest.raises(ValueError, match="needs `height` and `width`"):
        bounding_boxes.convert_format(boxes, "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match=r"last axis of size 4. Received: boxes.shape=\(2, 3\)"):
        bounding_boxes.convert_format(boxes[..., 0], "xyxy", "xywh")


def test_clip_to_image_size_clips_and_drops_empty_boxes():
    boxes = np.array([[-10.0, -20.0, 150.0, 160.0], [50.0, 40.0, 70.0, 80.0], [-9, 3, -1, 8]])
    out = bounding_boxes.clip_to_image_size(
        {"boxes": boxes, "labels": np.array([0, 1, 2])}, height=100, width=120
    )
    assert_close(out["boxes"], [[0, 0, 120, 100], [50, 40, 70, 80], [0, 3, 0, 8]])
    assert_close(out["labels"], [0, 1, -1])
    relative = bounding_boxes.clip_to_image_size(
        {"boxes": np.array([[-0.1, 0.2, 0.5, 1.3]]), "labels": np.array([4])},
        bounding_box_format="rel_xyxy",
    )
    assert_close(relative["boxes"], [[0, 0.2, 0.5, 1.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="needs `height` and `width`"):
        bounding_boxes.clip_to_image_size({"boxes": boxes, "labels": np.arange(3)})


def test_crop_and_pad(boxes):
    cropped = bounding_boxes.crop(boxes, top=10, left=20, height=40, width=30)
    expected = boxes - np.array([20, 10, 20, 10])
    expected[..., 0::2] = np.clip(expected[..., 0::2], 0, 30)
    expected[..., 1::2] = np.clip(expected[..., 1::2], 0, 40)
    assert_close(cropped, expected, atol=1e-4)
    assert_close(bounding_boxes.pad(boxes, top=5, left=7), boxes + [7, 5, 7, 5], atol=1e-4)
    padded = bounding_boxes.pad(from_xyxy(boxes, "yxyx"), 5, 7, bounding_box_format="yxyx")
    assert_close(padded, from_xyxy(boxes + [7, 5, 7, 5], "yxyx"), atol=1e-4)


def moved_corners(boxes, matrix):
    """The axis-aligned box around each box's 4 corners mapped by a 3x3 matrix (float64)."""
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    xs, ys = np.stack([x1, x2, x2, x1], -1), np.stack([y1, y1, y2, y2], -1)
    new_x = matrix[0, 0] * xs + matrix[0, 1] * ys + matrix[0, 2]
    new_y = matrix[1, 0] * xs + matrix[1, 1] * ys + matrix[1, 2]
    return np.stack([new_x.min(-1), new_y.min(-1), new_x.max(-1), new_y.max(-1)], -1)


def about_center(linear, center):
    matrix = np.eye(3)
    matrix[:2, :2] = linear
    matrix[:2, 2] = center - linear @ center
    return matrix


@pytest.mark.parametrize("part", ["rotation", "scale", "translation", "shear_x", "shear_y"])
def test_affine_transform_moves_box_corners(boxes, part):
    """One transformation at a time, against its plain geometric meaning (image y axis down:
    a positive angle turns content counter-clockwise on screen)."""
    params = {"angle": 0.0, "translate_x": 0.0, "translate_y": 0.0, "scale": 1.0,
              "shear_x": 0.0, "shear_y": 0.0}  # fmt: skip
    center = np.array([(WIDTH - 1) / 2, (HEIGHT - 1) / 2])
    theta, t = np.deg2rad(25.0), np.tan(np.deg2rad(12.0))
    if part == "rotation":
        params["angle"] = 25.0
        matrix = about_center([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]],
                              center)  # fmt: skip
    elif part == "scale":
        params["scale"] = 1.5
        matrix = about_center(1.5 * np.eye(2), center)
    elif part == "translation":
        params["translate_x"], params["translate_y"] = 0.1, -0.2
        matrix = np.eye(3)
        matrix[:2, 2] = [0.1 * (WIDTH - 1), -0.2 * (HEIGHT - 1)]
    elif part == "shear_x":
        params["shear_x"] = 12.0
        matrix = about_center([[1, t], [0, 1]], center)
    else:
        params["shear_y"] = 12.0
        matrix = about_center([[1, 0], [t, 1]], center)
    batch = {key: np.full((2,), value, "float32") for key, value in params.items()}
    moved = bounding_boxes.affine_transform(
        boxes.astype("float32"), height=HEIGHT, width=WIDTH, **batch
    )
    assert_close(moved, moved_corners(boxes, matrix), rtol=1e-5, atol=1e-3)


def test_affine_transform_combined_matches_keras():
    # Fixture: keras.utils.bounding_boxes.affine_transform in Keras 3.15.1 (torch backend).
    rng = np.random.default_rng(0)
    boxes = rng.uniform(0, 50, (2, 3, 4)).astype("float32")
    boxes[..., 2:] += boxes[..., :2]
    moved = bounding_boxes.affine_transform(
        boxes,
        angle=np.array([10.0, -25.0], "float32"),
        translate_x=np.array([0.1, -0.2], "float32"),
        translate_y=np.array([0.05, 0.3], "float32"),
        scale=np.array([1.2, 0.8], "float32"),
        shear_x=np.array([5.0, -10.0], "float32"),
        shear_y=np.array([3.0, 7.0], "float32"),
        height=60,
        width=80,
    )
    keras_output = [
        [[35.71197, 13.58633, 38.41771, 14.87197], [56.29633, 46.4966, 103.93669, 94.44167],
         [40.53961, 48.26992, 89.31261, 54.40707]],
        [[30.16531, 17.27315, 63.39259, 38.85896], [13.08563, 34.75397, 34.77213, 55.60065],
         [-15.90548, 2.667, 25.77224, 39.10761]],
    ]  # fmt: skip
    assert_close(moved, keras_output, rtol=1e-4, atol=1e-3)


def test_encode_and_decode_deltas(boxes):
    anchors = boxes[0]
    variance = np.array([0.1, 0.1, 0.2, 0.2])
    deltas = bounding_boxes.encode_box_to_deltas(
        anchors.astype("float32"), boxes.astype("float32"), "xyxy", "xyxy", variance=variance
    )
    anchor_c, box_c = from_xyxy(anchors, "center_yxhw"), from_xyxy(boxes, "center_yxhw")
    expected = np.concatenate(
        [(box_c[..., :2] - anchor_c[..., :2]) / anchor_c[..., 2:],
         np.log(box_c[..., 2:] / anchor_c[..., 2:])], axis=-1,
    ) / variance  # fmt: skip
    assert_close(deltas, expected, rtol=1e-4, atol=1e-4)
    decoded = bounding_boxes.decode_deltas_to_boxes(
        {"p3": anchors.astype("float32")}, {"p3": deltas}, "xyxy", "xywh", variance=variance
    )
    assert_close(decoded["p3"], from_xyxy(boxes, "xywh"), rtol=1e-4, atol=1e-3)
    with pytest.raises(ValueError, match="`encoding_format` must be"):
        bounding_boxes.encode_box_to_deltas(anchors, boxes, "xyxy", "xyxy", encoding_format="x")
    with pytest.raises(ValueError, match="`variance` must have 4 values"):
        bounding_boxes.decode_deltas_to_boxes(anchors, deltas, "xyxy", "xyxy", variance=[1.0])
