"""ZeroPadding2D: adds rows and columns of zeros around images."""

from __future__ import annotations

from lamina.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding2D(BaseZeroPadding):
    """Pads the height and width of images with zeros.

    Args:
        padding: an int (the same on all four sides), ``(height_pad, width_pad)``
            (symmetric per axis) or ``((top, bottom), (left, right))``.

    >>> ZeroPadding2D(((1, 0), (2, 2)))(np.ones((1, 3, 3, 2))).shape
    (1, 4, 7, 2)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(2, padding, data_format=data_format, **kwargs)
