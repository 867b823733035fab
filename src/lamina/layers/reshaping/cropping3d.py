"""Cropping3D: removes slices at the edges of volumes."""

from __future__ import annotations

from lamina.layers.reshaping.base_cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Crops the depth, height and width of ``(batch, depth, height, width, channels)``.

    Args:
        cropping: an int (the same on all six sides), three ints (symmetric per axis) or
            three ``(start, end)`` pairs.

    >>> Cropping3D(((1, 0), (0, 0), (2, 1)))(np.ones((1, 4, 4, 5, 2))).shape
    (1, 3, 4, 2, 2)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, cropping, data_format=data_format, **kwargs)
