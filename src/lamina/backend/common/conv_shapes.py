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


def per_axis(value, rank, name):
    """An int or a sequence of ``rank`` ints as a tuple of ``rank`` ints."""
    if isinstance(value, int):
        return (value,) * rank
    value = tuple(value)
    if len(value) != rank:
        raise ValueError(f"{name} must be an int or a tuple of {rank} ints; received {value}.")
    return value


def check_padding(padding):
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same'; received {padding!r}.")
    return padding


def same_padding(sizes, kernel, strides, dilation):
    """Per-dimension (before, after) padding that TensorFlow's 'same' uses."""
    pads = []
    for size, k, s, d in zip(sizes, kernel, strides, dilation):
        effective = (k - 1) * d + 1
        out = -(-size // s)
        total = max((out - 1) * s + effective - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def conv_transpose_arguments(
    inputs_shape, kernel_shape, strides, padding, output_padding, data_format, dilation_rate
):
    """Checked per-axis ``(strides, dilation, output_padding, padding)`` of a transposed
    convolution whose Keras-shaped kernel is (*spatial, filters, in_channels)."""
    rank = len(inputs_shape) - 2
    channels = inputs_shape[-1] if data_format == "channels_last" else inputs_shape[1]
    if len(kernel_shape) != rank + 2 or channels != kernel_shape[-1]:
        raise ValueError(
            "conv_transpose needs a kernel of shape (*spatial, filters, in_channels) whose last "
            f"axis matches the input channels; received inputs of shape {tuple(inputs_shape)} "
            f"({data_format}) and kernel of shape {tuple(kernel_shape)}."
        )
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    if output_padding is None:
        output_padding = (None,) * rank
    else:
        output_padding = per_axis(output_padding, rank, "output_padding")
    return strides, dilation, output_padding, check_padding(padding)


def adaptive_output_size(output_size, rank, op_name):
    """``output_size`` of an adaptive pooling op as a tuple of ``rank`` positive ints."""
    if rank not in (1, 2, 3):
        raise ValueError(
            f"{op_name} expects inputs of rank 3, 4 or 5 (1 to 3 spatial axes); received "
            f"inputs of rank {rank + 2}."
        )
    sizes = (output_size,) * rank if isinstance(output_size, int) else output_size
    if (
        not isinstance(sizes, (list, tuple))
        or len(sizes) != rank
        or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
    ):
        raise ValueError(
            f"{op_name}: output_size must be a positive int or a tuple of {rank} positive ints "
            f"for inputs with {rank} spatial axes; received output_size={output_size!r}."
        )
    return tuple(sizes)


def adaptive_pool_windows(size, output_size):
    """The windows adaptive pooling reduces on one axis, as ``(indices, mask)``.

    Output position ``i`` covers inputs ``floor(i * size / output_size)`` up to
    ``ceil((i + 1) * size / output_size)`` (exclusive): torch's and Keras's rule. Windows
    differ by at most one in width; each row of ``indices`` is padded to the widest by
    repeating its last index (harmless for a max), and ``mask`` marks the real entries.
    """
    starts = [i * size // output_size for i in range(output_size)]
    ends = [-(-(i + 1) * size // output_size) for i in range(output_size)]
    width = max(end - start for start, end in zip(starts, ends))
    indices = [[min(start + j, end - 1) for j in range(width)] for start, end in zip(starts, ends)]
    mask = [[start + j < end for j in range(width)] for start, end in zip(starts, ends)]
    return indices, mask
