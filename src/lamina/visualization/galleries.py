"""Image galleries with matplotlib (optional): ``plot_image_gallery``,
``plot_bounding_box_gallery``, ``plot_segmentation_mask_gallery``."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.visualization.drawing import draw_bounding_boxes, draw_segmentation_masks
from lamina.visualization.images import grid, image_batch, mask_batch, pyplot, to_uint8


def _labels(values, count):
    if values is None:
        return None
    array = np.asarray(ops.convert_to_numpy(values))
    if array.ndim > 1:
        array = np.argmax(array, axis=-1)  # one-hot or scores: the class id
    return array.reshape(-1)[:count]


def plot_image_gallery(
    images,
    y_true=None,
    y_pred=None,
    label_map=None,
    rows=None,
    cols=None,
    value_range=(0, 255),
    scale=2,
    path=None,
    show=None,
    transparent=True,
    dpi=60,
    legend_handles=None,
    data_format=None,
):
    """Show (or save to ``path``) a grid of images titled with their true and predicted
    class names (``label_map``: ``{class id: name}``, required with ``y_true``/``y_pred``).
    Returns the matplotlib figure."""
    if path is not None and show:
        raise ValueError("plot_image_gallery: give either path (to save) or show=True.")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError("plot_image_gallery: y_true / y_pred need a label_map to name classes.")
    plt = pyplot()
    show = path is None if show is None else show
    array = image_batch(images, data_format)
    rows, cols = grid(array.shape[0], rows, cols)
    count = min(rows * cols, array.shape[0])
    pictures = to_uint8(array[:count], value_range)
    true_labels, pred_labels = _labels(y_true, count), _labels(y_pred, count)
    figure, axes = plt.subplots(
        rows, cols, figsize=(cols * scale, rows * scale), squeeze=False, frameon=False
    )
    figure.subplots_adjust(wspace=0, hspace=0)
    for index, axis in enumerate(axes.reshape(-1)):
        axis.axis("off")
        if index >= count:
            continue
        picture = pictures[index]
        axis.imshow(picture[..., 0] if picture.shape[-1] == 1 else picture, cmap="gray")
        title = []
        if true_labels is not None:
            title.append(f"Label: {label_map.get(int(true_labels[index]), true_labels[index])}")
        if pred_labels is not None:
            title.append(f"Pred: {label_map.get(int(pred_labels[index]), pred_labels[index])}")
        if title:
            axis.set_title("  ".join(title), fontsize=8)
    if legend_handles is not None:
        figure.legend(handles=legend_handles, loc="lower center")
    if path is not None:
        figure.savefig(path, transparent=transparent, dpi=dpi, bbox_inches="tight")
        plt.close(figure)
    elif show:
        plt.show()
    return figure


def plot_bounding_box_gallery(
    images,
    bounding_box_format,
    y_true=None,
    y_pred=None,
    value_range=(0, 255),
    true_color=(0, 188, 212),
    pred_color=(255, 235, 59),
    line_thickness=2,
    font_scale=1.0,
    text_thickness=None,
    class_mapping=None,
    ground_truth_mapping=None,
    prediction_mapping=None,
    legend=False,
    legend_handles=None,
    rows=None,
    cols=None,
    data_format=None,
    **kwargs,
):
    """A gallery of images with the true boxes (``y_true``, in ``true_color``) and the
    predicted ones (``y_pred``, in ``pred_color``) drawn on them; ``kwargs`` go to
    ``plot_image_gallery`` (``path``, ``show``, ``scale``…)."""
    array = to_uint8(image_batch(images, data_format), value_range)
    options = {"line_thickness": line_thickness, "font_scale": font_scale}
    if y_true is not None:
        array = draw_bounding_boxes(
            array,
            y_true,
            bounding_box_format,
            class_mapping=ground_truth_mapping or class_mapping,
            color=true_color,
            data_format="channels_last",
            **options,
        )
    if y_pred is not None:
        array = draw_bounding_boxes(
            array,
            y_pred,
            bounding_box_format,
            class_mapping=prediction_mapping or class_mapping,
            color=pred_color,
            data_format="channels_last",
            **options,
        )
    if legend and legend_handles is None:
        from matplotlib import patches

        legend_handles = [
            patches.Patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
            patches.Patch(color=np.array(pred_color) / 255.0, label="Prediction"),
        ]
    return plot_image_gallery(
        array,
        value_range=(0, 255),
        legend_handles=legend_handles,
        rows=rows,
        cols=cols,
        data_format="channels_last",
        **kwargs,
    )


def plot_segmentation_mask_gallery(
    images,
    num_classes,
    value_range=(0, 255),
    y_true=None,
    y_pred=None,
    color_mapping=None,
    blend=True,
    alpha=0.8,
    ignore_index=-1,
    data_format=None,
    **kwargs,
):
    """A gallery of each image beside its true and predicted masks drawn over it (one row
    per image); ``kwargs`` go to ``plot_image_gallery``."""
    array = to_uint8(image_batch(images, data_format), value_range).astype("float32")
    panels = [array]
    for masks in (y_true, y_pred):
        if masks is not None:
            drawn = draw_segmentation_masks(
                array,
                mask_batch(masks, data_format),
                num_classes=num_classes,
                color_mapping=color_mapping,
                alpha=alpha,
                blend=blend,
                ignore_index=ignore_index,
                data_format="channels_last",
            )
            panels.append(np.asarray(drawn, dtype="float32"))
    columns = len(panels)
    stacked = np.stack(panels, axis=1).reshape((-1, *array.shape[1:]))
    kwargs.setdefault("rows", array.shape[0])
    kwargs.setdefault("cols", columns)
    return plot_image_gallery(stacked, value_range=(0, 255), data_format="channels_last", **kwargs)
