"""lamina.visualization: boxes and masks drawn where they belong; galleries saved."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import visualization

RNG = np.random.default_rng(5)


def _images(n=2, height=10, width=12):
    return RNG.uniform(20, 200, size=(n, height, width, 3)).astype("float32")


def test_draw_bounding_boxes_paints_the_outline_only():
    images = _images()
    boxes = {
        "boxes": np.array([[[2, 3, 8, 7]], [[0, 0, 4, 4]]], dtype="float32"),
        "labels": np.array([[1], [-1]]),
    }
    drawn = visualization.draw_bounding_boxes(
        images, boxes, "xyxy", color=(255, 0, 0), line_thickness=1
    )
    assert drawn.dtype == np.uint8
    assert drawn.shape == images.shape
    outline = np.zeros((10, 12), bool)
    outline[3, 2:9] = outline[7, 2:9] = outline[3:8, 2] = outline[3:8, 8] = True
    assert np.all(drawn[0][outline] == [255, 0, 0])
    np.testing.assert_array_equal(drawn[0][~outline], images[0][~outline].astype("uint8"))
    # Label -1 is padding: the second image is untouched.
    np.testing.assert_array_equal(drawn[1], images[1].astype("uint8"))
    relative = dict(boxes, boxes=boxes["boxes"] / np.array([12, 10, 12, 10], "float32"))
    again = visualization.draw_bounding_boxes(
        images, relative, "rel_xyxy", color=(255, 0, 0), line_thickness=1
    )
    np.testing.assert_array_equal(again, drawn)


def test_draw_bounding_boxes_labels_and_errors():
    pytest.importorskip("PIL", reason="box labels are written with Pillow")
    images = np.full((1, 40, 60, 3), 100.0, "float32")
    boxes = {"boxes": np.array([[[10, 20, 50, 38]]]), "labels": np.array([[3]])}
    plain = visualization.draw_bounding_boxes(images, boxes, "xyxy", color=(0, 255, 0))
    named = visualization.draw_bounding_boxes(
        images,
        {**boxes, "confidences": np.array([[0.9]])},
        "xyxy",
        class_mapping={3: "cat"},
        color=(0, 255, 0),
    )
    assert np.any(named[0, :20] != plain[0, :20])  # the text above the box
    with pytest.raises(ValueError, match="'boxes' and 'labels'"):
        visualization.draw_bounding_boxes(images, {"boxes": boxes["boxes"]}, "xyxy")
    with pytest.raises(ValueError, match="4-D"):
        visualization.draw_bounding_boxes(images[0], boxes, "xyxy")


def test_draw_segmentation_masks_matches_numpy_blend():
    images = _images(1, 4, 5)
    masks = RNG.integers(-1, 3, size=(1, 4, 5, 1)).astype("int32")
    colors = {0: (10, 20, 30), 1: (200, 0, 0), 2: (0, 0, 250)}
    drawn = visualization.draw_segmentation_masks(
        images, masks, num_classes=3, color_mapping=colors, alpha=0.25
    )
    painted = images.copy()
    for index, color in colors.items():
        painted[masks[..., 0] == index] = color
    expected = images * 0.75 + painted * 0.25
    expected = np.where((masks[..., 0] != -1)[..., None], expected, images)
    np.testing.assert_array_equal(drawn, expected.astype("uint8"))
    with pytest.raises(TypeError, match="integer"):
        visualization.draw_segmentation_masks(images, masks.astype("float32"))


def test_galleries_are_saved(tmp_path):
    pytest.importorskip("matplotlib", reason="galleries need matplotlib")
    images = _images(4)
    path = tmp_path / "gallery.png"
    figure = visualization.plot_image_gallery(
        images, y_true=np.array([0, 1, 1, 0]), label_map={0: "no", 1: "yes"}, path=path
    )
    assert path.stat().st_size > 0
    assert len(figure.axes) == 4
    boxes = {"boxes": np.array([[[1, 1, 5, 5]]] * 4, "float32"), "labels": np.ones((4, 1))}
    visualization.plot_bounding_box_gallery(
        images, "xyxy", y_true=boxes, legend=True, path=tmp_path / "boxes.png"
    )
    masks = RNG.integers(0, 2, size=(4, 10, 12)).astype("int32")
    figure = visualization.plot_segmentation_mask_gallery(
        images, num_classes=2, y_true=masks, y_pred=masks, path=tmp_path / "masks.png"
    )
    assert len(figure.axes) == 12  # image, truth, prediction per row
    with pytest.raises(ValueError, match="label_map"):
        visualization.plot_image_gallery(images, y_true=np.zeros(4))
