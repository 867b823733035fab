"""``lamina.visualization``: draw boxes and masks on images, and image galleries
(Keras 3's ``keras.visualization``). Galleries need matplotlib; box labels need Pillow."""

from lamina.visualization.drawing import (
    draw_bounding_boxes as draw_bounding_boxes,
    draw_segmentation_masks as draw_segmentation_masks,
)
from lamina.visualization.galleries import (
    plot_bounding_box_gallery as plot_bounding_box_gallery,
    plot_image_gallery as plot_image_gallery,
    plot_segmentation_mask_gallery as plot_segmentation_mask_gallery,
)

__all__ = [
    "draw_bounding_boxes",
    "draw_segmentation_masks",
    "plot_bounding_box_gallery",
    "plot_image_gallery",
    "plot_segmentation_mask_gallery",
]
