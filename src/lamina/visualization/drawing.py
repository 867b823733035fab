"""``draw_bounding_boxes`` and ``draw_segmentation_masks``: annotate image batches (NumPy
in, NumPy out). Boxes are drawn with NumPy; their text labels with Pillow (optional)."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.utils.bounding_boxes import convert_format
from lamina.visualization.images import image_batch, mask_batch, palette


def _rectangle(image, x1, y1, x2, y2, color, thickness):
    height, width = image.shape[:2]
    x1, x2 = sorted((int(np.clip(x1, 0, width - 1)), int(np.clip(x2, 0, width - 1))))
    y1, y2 = sorted((int(np.clip(y1, 0, height - 1)), int(np.clip(y2, 0, height - 1))))
    t = max(int(thickness), 1)
    image[y1 : min(y1 + t, y2 + 1), x1 : x2 + 1] = color
    image[max(y2 - t + 1, y1) : y2 + 1, x1 : x2 + 1] = color
    image[y1 : y2 + 1, x1 : min(x1 + t, x2 + 1)] = color
    image[y1 : y2 + 1, max(x2 - t + 1, x1) : x2 + 1] = color


def _write_labels(image, labels, color, font_scale):
    """Writes each ``(x, y, text)`` above its box with Pillow."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError as error:
        raise ImportError(
            "draw_bounding_boxes writes class labels with Pillow, which is not installed: "
            "pip install pillow (or pass class_mapping=None)"
        ) from error
    canvas = Image.fromarray(image)
    draw = ImageDraw.Draw(canvas)
    try:
        font = ImageFont.load_default(size=max(int(12 * font_scale), 6))
    except TypeError:  # Pillow < 10.1 has one bitmap size
        font = ImageFont.load_default()
    for x, y, text in labels:
        draw.text((x, max(y - int(12 * font_scale) - 2, 0)), text, fill=tuple(color), font=font)
    return np.asarray(canvas)


def draw_bounding_boxes(
    images,
    bounding_boxes,
    bounding_box_format,
    class_mapping=None,
    color=(128, 128, 128),
    line_thickness=2,
    text_thickness=1,
    font_scale=1.0,
    data_format=None,
):
    """Draw ``bounding_boxes`` (a dict with ``"boxes"`` ``(batch, n, 4)`` in
    ``bounding_box_format``, ``"labels"`` ``(batch, n)`` and optional ``"confidences"``) on
    a batch of images; boxes labelled -1 are padding and skipped. With ``class_mapping``
    (``{class id: name}``) each box gets its name (and confidence). Returns uint8 images,
    channels last (float images in [0, 1] are scaled to 0..255)."""
    del text_thickness  # Pillow draws text one pixel wide
    array = image_batch(images, data_format)
    if not isinstance(bounding_boxes, dict):
        raise TypeError(
            "bounding_boxes must be a dict with 'boxes' and 'labels'; received "
            f"{type(bounding_boxes).__name__}."
        )
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError(
            "bounding_boxes must hold 'boxes' and 'labels'; received keys "
            f"{sorted(bounding_boxes)}."
        )
    height, width = array.shape[1:3]
    boxes = np.asarray(
        ops.convert_to_numpy(
            convert_format(bounding_boxes["boxes"], bounding_box_format, "xyxy", height, width)
        )
    )
    labels = np.asarray(ops.convert_to_numpy(bounding_boxes["labels"])).astype("int64")
    confidences = bounding_boxes.get("confidences")
    if confidences is not None:
        confidences = np.asarray(ops.convert_to_numpy(confidences))
    if array.size and array.max() <= 1.0:
        array = array * 255.0
    result = np.clip(array, 0, 255).astype("uint8")
    color = np.asarray(color, dtype="uint8")[: result.shape[-1]]
    for index in range(result.shape[0]):
        texts = []
        for position, (box, label) in enumerate(zip(boxes[index], labels[index])):
            if label == -1:
                continue
            x1, y1, x2, y2 = box
            _rectangle(result[index], x1, y1, x2, y2, color, line_thickness)
            if class_mapping and int(label) in class_mapping:
                text = str(class_mapping[int(label)])
                if confidences is not None:
                    text += f" | {float(confidences[index][position]):.2f}"
                texts.append((int(x1), int(y1), text))
        if texts:
            result[index] = _write_labels(result[index], texts, color, font_scale)
    return result


def draw_segmentation_masks(
    images,
    segmentation_masks,
    num_classes=None,
    color_mapping=None,
    alpha=0.8,
    blend=True,
    ignore_index=-1,
    data_format=None,
):
    """Paint each pixel of class ``c`` (0 <= c < num_classes) with its colour
    (``color_mapping[c]`` or a generated palette), blended with the image by ``alpha``;
    pixels equal to ``ignore_index`` keep the image. Returns the images as uint8 (blended)
    or float32 (``blend=False``), channels last."""
    array = image_batch(images, data_format)
    masks = mask_batch(segmentation_masks, data_format)
    if masks.shape != array.shape[:3]:
        raise ValueError(
            f"segmentation_masks {masks.shape} must match the images' batch, height and "
            f"width {array.shape[:3]}."
        )
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1]; received {alpha}.")
    if num_classes is None:
        num_classes = int(masks.max())
    colors = (
        palette(num_classes)
        if color_mapping is None
        else [color_mapping[index] for index in range(num_classes)]
    )
    painted = array.copy()
    for index, color in enumerate(colors):
        painted[masks == index] = np.asarray(color, dtype="float32")[: array.shape[-1]]
    if not blend:
        return painted
    mixed = array * (1 - alpha) + painted * alpha
    mixed = np.where((masks != ignore_index)[..., None], mixed, array)
    return mixed.astype("uint8")
