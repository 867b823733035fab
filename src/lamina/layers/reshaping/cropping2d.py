"""Cropping2D: removes rows and columns at the edges of images."""

from __future__ import annotations

from lamina.layers.reshaping.base_cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Crops the height and width of images.

    Args:
        cropping: an int (the same on all four sides), ``(height_crop, width_crop)``
            (symmetric per axis) or ``((top, bottom), (left, right))``.

    >>> Cropping2D(((1, 0), (2, 2)))(np.ones((1, 5, 6, 2))).shape
    (1, 4, 2, 2)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(2, cropping, data_format=data_format, **kwargs)
