"""Argument checks and output-size arithmetic shared by layers that slide a window.

Convolution and pooling layers both take per-axis window sizes, strides and a padding mode,
and both need the output length of a window sliding over an axis. The rules are Keras 3's.
"""

from __future__ import annotations

import math

from lamina import backend

# The engine's hook that stores a conv kernel in the memory layout its convolution reads
# (torch; backend/contract.py, OPTIONAL_FUNCTIONS), or None where layouts do not matter.
_ARRANGE_CONV_KERNEL = getattr(backend.engine.nn, "arrange_conv_kernel", None)


def standardize_window_tuple(value, rank: int, name: str) -> tuple:
    """An int or a sequence of ``rank`` positive ints, as a tuple of ``rank`` ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * rank
    elif isinstance(value, (list, tuple)):
        value = tuple(value)
    else:
        raise ValueError(
            f"{name} must be an int or a tuple of {rank} ints; received {name}={value!r}."
        )
    if len(value) != rank or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
    ):
        raise ValueError(
            f"{name} must be a positive int or a tuple of {rank} positive ints; "
            f"received {name}={value!r}."
        )
    return value


def standardize_conv_windows(kernel_size, strides, dilation_rate, rank: int) -> tuple:
    """(kernel_size, strides, dilation_rate) as tuples of ``rank`` ints, checked together."""
    kernel_size = standardize_window_tuple(kernel_size, rank, "kernel_size")
    strides = standardize_window_tuple(strides, rank, "strides")
    dilation_rate = standardize_window_tuple(dilation_rate, rank, "dilation_rate")
    if max(strides) > 1 and max(dilation_rate) > 1:
        # Keras rejects the combination: TensorFlow's kernels never supported it.
        raise ValueError(
            "strides > 1 cannot be combined with dilation_rate > 1; received "
            f"strides={strides}, dilation_rate={dilation_rate}."
        )
    return kernel_size, strides, dilation_rate


def standardize_padding(padding, allow_causal: bool = False) -> str:
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in allowed:
        raise ValueError(f"padding must be one of {allowed}; received padding={padding!r}.")
    return value


def output_length(length, window: int, stride: int, padding: str, dilation: int = 1):
    """Output size along one axis; ``None`` (unknown) stays ``None``."""
    if length is None:
        return None
    if padding == "valid":
        effective_window = (window - 1) * dilation + 1
        return (length - effective_window) // stride + 1
    return math.ceil(length / stride)  # 'same' and 'causal' pad so every stride has a window


def spatial_axes(rank: int, data_format: str) -> tuple:
    """Indices of the spatial axes of a (batch, ..., channels) or (batch, channels, ...) shape."""
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + rank))


def channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def known_channels(layer, input_shape) -> int:
    """The input channel count a convolution layer builds its kernel for."""
    channels = input_shape[channel_axis(layer.data_format)]
    if channels is None:
        raise ValueError(
            f"Layer {layer.name!r} needs a known channel dimension; "
            f"received input_shape={tuple(input_shape)}."
        )
    return channels


def conv_output_shape(layer, input_shape, channels) -> tuple:
    """Output shape of ``layer``'s convolution window (its ``rank``, ``kernel_size``,
    ``strides``, ``padding``, ``dilation_rate``, ``data_format``) with ``channels`` out."""
    input_shape = tuple(input_shape)
    if len(input_shape) != layer.rank + 2:
        raise ValueError(
            f"Layer {layer.name!r} expects inputs of rank {layer.rank + 2}; "
            f"received input_shape={input_shape}."
        )
    spatial = tuple(
        output_length(input_shape[axis], size, stride, layer.padding, dilation)
        for axis, size, stride, dilation in zip(
            spatial_axes(layer.rank, layer.data_format),
            layer.kernel_size,
            layer.strides,
            layer.dilation_rate,
        )
    )
    if any(length is not None and length < 1 for length in spatial):
        raise ValueError(
            f"Layer {layer.name!r}: the input is too small for the kernel; computed output "
            f"spatial size {spatial} from input_shape={input_shape}, "
            f"kernel_size={layer.kernel_size}, dilation_rate={layer.dilation_rate}."
        )
    if layer.data_format == "channels_last":
        return (input_shape[0], *spatial, channels)
    return (input_shape[0], channels, *spatial)


def arrange_conv_kernel(variable, data_format: str, depthwise: bool = False) -> None:
    """Lets the engine store a freshly built conv kernel as its convolution reads it (torch:
    no copy of the kernel per call); the Keras shape and values stay what everyone sees."""
    if _ARRANGE_CONV_KERNEL is not None:
        _ARRANGE_CONV_KERNEL(variable, data_format, depthwise)
