"""Shape arithmetic of transposed convolutions, shared by every engine and the layers.

Pure Python on sizes: Keras's (TensorFlow's) output-length rule and where 'same' crops.
"""

from __future__ import annotations


def conv_transpose_length(size, window, stride, padding, output_padding=None, dilation=1):
    """Output length of a transposed convolution on one axis, as Keras/TensorFlow compute it.

    'valid' gives ``(size - 1) * stride + max(window, stride)`` and 'same' ``size * stride``
    unless ``output_padding`` is given; ``None`` (unknown) stays ``None``.
    """
    if size is None:
        return None
    window = (window - 1) * dilation + 1
    if padding == "valid":
        extra = max(window, stride) - window if output_padding is None else output_padding
        return (size - 1) * stride + window + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + window % 2 + output_padding


def conv_transpose_crop(size, window, stride, dilation, padding, length):
    """Positions 'same' cuts from the start of the full transposed output: TensorFlow's rule.

    The transposed convolution is the gradient of a convolution from ``length`` to ``size``;
    that convolution pads ``max((size - 1) * stride + window - length, 0) // 2`` before.
    """
    if padding == "valid":
        return 0
    window = (window - 1) * dilation + 1
    return max((size - 1) * stride + window - length, 0) // 2
