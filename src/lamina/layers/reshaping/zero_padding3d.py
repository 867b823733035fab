"""ZeroPadding3D: adds slices of zeros around volumes."""

from __future__ import annotations

from lamina.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Pads the depth, height and width of ``(batch, depth, height, width, channels)``.

    Args:
        padding: an int (the same on all six sides), three ints (symmetric per axis) or
            three ``(start, end)`` pairs.

    >>> ZeroPadding3D((1, 0, 2))(np.ones((1, 2, 3, 3, 2))).shape
    (1, 4, 3, 7, 2)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, padding, data_format=data_format, **kwargs)
