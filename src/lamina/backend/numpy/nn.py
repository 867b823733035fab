"""Neural-network functions on NumPy: activations, convolution, pooling, normalization, losses.

Convolution and pooling work channels_last (Keras's default, and NumPy's fast layout for a
contraction over channels): a ``sliding_window_view`` exposes every window as a view, and
one ``tensordot`` (BLAS) contracts it with the kernel. channels_first inputs are moved to
channels_last and back.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lamina.backend.common import adaptive_pooling, cross_entropy, global_state, normalization
from lamina.backend.common.conv_shapes import (
    check_padding,
    conv_transpose_arguments,
    conv_transpose_crop,
    conv_transpose_length,
    per_axis,
    same_padding,
)
from lamina.backend.config import standardize_data_format
from lamina.backend.numpy.core import (
    as_dtype,
    bfloat16_via_float32,
    cast,
    dtype_name,
    kind,
    quiet,
    to_array,
    to_numpy_dtype,
)
from lamina.backend.numpy.math import erf as _erf, logsumexp as _logsumexp

_t = to_array


def _float(x):
    x = _t(x)
    return x if kind(x.dtype) == "f" else as_dtype(x, to_numpy_dtype(None))


# ---- activations --------------------------------------------------------------------------


def relu(x):
    x = _t(x)
    # Integers keep their dtype, as in Keras (jax.nn.relu); only bool computes in floatx.
    x = _float(x) if x.dtype == np.bool_ else x
    return np.maximum(x, 0, dtype=x.dtype)


def relu6(x):
    x = _t(x)
    x = _float(x) if x.dtype == np.bool_ else x
    return np.clip(x, 0, 6).astype(x.dtype, copy=False)


@quiet
@bfloat16_via_float32
def sigmoid(x):
    x = _float(x)
    e = np.exp(-np.abs(x))  # never overflows: sigmoid from exp(-|x|) on both sides
    return np.asarray(np.where(x >= 0, 1 / (1 + e), e / (1 + e)), dtype=x.dtype)


@quiet
@bfloat16_via_float32
def tanh(x):
    return np.asarray(np.tanh(_float(x)))


@quiet
@bfloat16_via_float32
def softplus(x):
    x = _float(x)
    return np.asarray(np.logaddexp(x, 0, dtype=x.dtype))


@bfloat16_via_float32
def softsign(x):
    x = _float(x)
    return np.asarray(x / (1 + np.abs(x)))


@bfloat16_via_float32
def silu(x):
    x = _float(x)
    return np.asarray(x * sigmoid(x))


@quiet
@bfloat16_via_float32
def gelu(x, approximate=True):
    x = _float(x)
    if approximate:
        inner = np.sqrt(2 / np.pi).astype(x.dtype) * (x + 0.044715 * x**3)
        return np.asarray(0.5 * x * (1 + np.tanh(inner)))
    return np.asarray(0.5 * x * (1 + _erf(x / np.sqrt(2).astype(x.dtype))), dtype=x.dtype)


@quiet
@bfloat16_via_float32
def elu(x, alpha=1.0):
    x = _float(x)
    return np.asarray(np.where(x > 0, x, alpha * np.expm1(x)), dtype=x.dtype)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@bfloat16_via_float32
def selu(x):
    x = _float(x)
    return np.asarray(_SELU_SCALE * elu(x, _SELU_ALPHA), dtype=x.dtype)


def leaky_relu(x, negative_slope=0.2):
    x = _float(x)
    return np.asarray(np.where(x >= 0, x, negative_slope * x), dtype=x.dtype)


@bfloat16_via_float32
def hard_sigmoid(x):
    x = _float(x)
    return np.asarray(np.clip(x + 3, 0, 6) / 6, dtype=x.dtype)


@bfloat16_via_float32
def hard_silu(x):
    x = _float(x)
    return np.asarray(x * hard_sigmoid(x))


@quiet
@bfloat16_via_float32
def log_sigmoid(x):
    x = _float(x)
    return np.asarray(-np.logaddexp(0, -x, dtype=x.dtype))


def _softmax_axes(x, axis):
    if axis is None:
        return tuple(range(x.ndim))
    return tuple(axis) if isinstance(axis, (tuple, list)) else axis


@quiet
@bfloat16_via_float32
def softmax(x, axis=-1):
    x = _float(x)
    axis = _softmax_axes(x, axis)
    exp = np.exp(x - np.max(x, axis=axis, keepdims=True))  # shift-invariant; no overflow
    return np.asarray(exp / np.sum(exp, axis=axis, keepdims=True))


@quiet
@bfloat16_via_float32
def log_softmax(x, axis=-1):
    x = _float(x)
    axis = _softmax_axes(x, axis)
    return np.asarray(x - _logsumexp(x, axis=axis, keepdims=True))


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    # Dense only: ops.one_hot refuses sparse=True before calling here.
    x = _t(x)
    if x.dtype.kind not in "iu":
        x = x.astype(np.int64)
    # Negative ids match no class: all-zero rows, as in Keras.
    out = x[..., None] == np.arange(num_classes, dtype=x.dtype)  # (..., C)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out.astype(to_numpy_dtype(dtype))


# ---- convolution and pooling --------------------------------------------------------------


def _to_channels_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def _from_channels_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


def _pad_spatial(x, pads, value=0):
    """Pad the spatial axes of a channels_last ``x`` (N, *spatial, C)."""
    if all(before == 0 and after == 0 for before, after in pads):
        return x
    return np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=value)


def _windows(x, window, strides, dilation):
    """Every window of a channels_last ``x``, as a view: (N, *out, C, *window)."""
    rank = len(window)
    spatial_axes = tuple(range(1, rank + 1))
    effective = tuple((k - 1) * d + 1 for k, d in zip(window, dilation))
    view = sliding_window_view(x, effective, axis=spatial_axes)  # (N, *full, C, *effective)
    steps = (
        slice(None),
        *(slice(None, None, s) for s in strides),
        slice(None),
        *(slice(None, None, d) for d in dilation),
    )
    return view[steps]


def _matching_dtypes(x, kernel):
    """Integer images compute in the kernel's dtype; otherwise the kernel takes x's."""
    if kind(x.dtype) != "f":
        return x.astype(kernel.dtype), kernel
    return x, as_dtype(kernel, x.dtype)


@bfloat16_via_float32
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, bias=None):
    """N-D convolution. ``kernel`` is Keras-shaped: (*spatial, in_channels / groups, filters);
    ``bias`` (filters,), when given, is added to the result."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    rank = inputs.ndim - 2
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    window = kernel.shape[:rank]
    x = _to_channels_last(inputs, data_format)
    if check_padding(padding) == "same":
        x = _pad_spatial(x, same_padding(x.shape[1:-1], window, strides, dilation))
    x, kernel = _matching_dtypes(x, kernel)
    out_sizes = _valid_sizes(x.shape[1:-1], window, strides, dilation)
    out = np.zeros((x.shape[0], *out_sizes, kernel.shape[-1]), dtype=x.dtype)
    if not global_state.in_symbolic_scope():  # shape inference needs no products
        _accumulate_taps(out, x, kernel, strides, dilation)
    if bias is not None:
        out += as_dtype(_t(bias), out.dtype)
    return _from_channels_last(out, data_format)


def _valid_sizes(sizes, window, strides, dilation):
    out_sizes = [
        (n - (k - 1) * d - 1) // s + 1 for n, k, s, d in zip(sizes, window, strides, dilation)
    ]
    if any(size < 1 for size in out_sizes):
        raise ValueError(
            f"The convolution window {tuple(window)} (dilation {tuple(dilation)}) is larger "
            f"than the (padded) input of spatial shape {tuple(sizes)}."
        )
    return out_sizes


def _accumulate_taps(out, x, kernel, strides, dilation):
    """Add each window tap's contribution, x[i * stride + t * dilation] @ kernel[t], to
    ``out`` (N, *out, filters): one matrix product per tap on a strided view of ``x``, so no
    im2col copy (window-size times the input) is made."""
    rank = x.ndim - 2
    group_channels = kernel.shape[-2]
    groups = x.shape[-1] // group_channels
    for tap in np.ndindex(*kernel.shape[:rank]):
        steps = (
            slice(t * d, t * d + (o - 1) * s + 1, s)
            for t, d, o, s in zip(tap, dilation, out.shape[1:-1], strides)
        )
        source = x[(slice(None), *steps)]  # (N, *out, C), a view
        weights = kernel[tap]  # (C / groups, filters)
        if groups == 1:
            out += np.matmul(source, weights)
        elif group_channels == 1:  # depthwise: each channel has its own filters
            out += (source[..., None] * weights.reshape(groups, -1)).reshape(out.shape)
        else:  # channels and filters split into contiguous groups, as torch's ``groups``
            grouped = source.reshape(*source.shape[:-1], groups, 1, group_channels)
            per_group = weights.reshape(group_channels, groups, -1).transpose(1, 0, 2)
            out += np.matmul(grouped, per_group).reshape(out.shape)  # (..., G, 1, F / G)


@bfloat16_via_float32
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is (*spatial, in_channels, depth_multiplier)."""
    kernel = _t(kernel)
    rank = kernel.ndim - 2
    in_channels, multiplier = kernel.shape[-2], kernel.shape[-1]
    kernel = kernel.reshape(*kernel.shape[:rank], 1, in_channels * multiplier)
    return conv(inputs, kernel, strides, padding, data_format, dilation_rate)


@bfloat16_via_float32
def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution. ``kernel`` is Keras-shaped: (*spatial, filters, in_channels)."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    rank = inputs.ndim - 2
    strides, dilation, output_padding, padding = conv_transpose_arguments(
        inputs.shape, kernel.shape, strides, padding, output_padding, data_format, dilation_rate
    )
    x = _to_channels_last(inputs, data_format)
    x, kernel = _matching_dtypes(x, kernel)
    sizes, windows = x.shape[1:-1], kernel.shape[:rank]
    lengths = [
        conv_transpose_length(n, k, s, padding, p, d)
        for n, k, s, p, d in zip(sizes, windows, strides, output_padding, dilation)
    ]
    crops = [
        conv_transpose_crop(n, k, s, d, padding, length)
        for n, k, s, d, length in zip(sizes, windows, strides, dilation, lengths)
    ]
    # Each input position i scatters x[i] @ kernel[t] to output i * stride + t * dilation.
    # The full output holds every such position; the result is its window
    # [crop, crop + length), with zeros past its end (TensorFlow's gradient of 'same').
    full = [(n - 1) * s + (k - 1) * d + 1 for n, k, s, d in zip(sizes, windows, strides, dilation)]
    ends = [max(f, c + length) for f, c, length in zip(full, crops, lengths)]
    out = np.zeros((x.shape[0], *ends, kernel.shape[rank]), dtype=x.dtype)
    if not global_state.in_symbolic_scope():  # shape inference needs no products
        _scatter_taps(out, x, kernel, strides, dilation)
    out = out[(slice(None), *(slice(c, c + length) for c, length in zip(crops, lengths)))]
    return _from_channels_last(out, data_format)


def _scatter_taps(out, x, kernel, strides, dilation):
    """Add x[i] @ kernel[t] to out[i * stride + t * dilation] for every window tap t."""
    rank = x.ndim - 2
    sizes = x.shape[1:-1]
    taps = np.tensordot(x, kernel, axes=((rank + 1,), (rank + 1,)))  # (N, *sizes, *window, F)
    for tap in np.ndindex(*kernel.shape[:rank]):
        target = tuple(
            slice(t * d, t * d + (n - 1) * s + 1, s)
            for t, d, n, s in zip(tap, dilation, sizes, strides)
        )
        out[(slice(None), *target)] += taps[(slice(None),) * (rank + 1) + tap]


def _pool_args(inputs, pool_size, strides, padding, data_format):
    data_format = standardize_data_format(data_format)
    inputs = _t(inputs)
    rank = inputs.ndim - 2
    pool_size = per_axis(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else per_axis(strides, rank, "strides")
    return data_format, inputs, rank, pool_size, strides, check_padding(padding)


def _pool_windows(x, pool_size, strides, reduce):
    """``reduce`` (np.max or np.sum) over each window of a channels_last ``x``."""
    rank = len(pool_size)
    sizes = x.shape[1:-1]
    if pool_size == strides:
        # Non-overlapping windows: crop the remainder and reshape, no window view needed.
        outs = [n // p for n, p in zip(sizes, pool_size)]
        x = x[(slice(None), *(slice(0, o * p) for o, p in zip(outs, pool_size)))]
        split = [x.shape[0]]
        for o, p in zip(outs, pool_size):
            split += [o, p]
        x = x.reshape(*split, x.shape[-1])
        return reduce(x, axis=tuple(range(2, 2 * rank + 1, 2)))
    windows = _windows(x, pool_size, strides, (1,) * rank)  # (N, *out, C, *pool)
    return reduce(windows, axis=tuple(range(rank + 2, 2 * rank + 2)))


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    data_format, inputs, rank, pool_size, strides, padding = _pool_args(
        inputs, pool_size, strides, padding, data_format
    )
    x = _to_channels_last(inputs, data_format)
    if padding == "same":
        # Padding never wins a max: -inf (the lowest integer for integer images).
        lowest = -np.inf if kind(x.dtype) == "f" else np.iinfo(x.dtype).min
        pads = same_padding(x.shape[1:-1], pool_size, strides, (1,) * rank)
        x = _pad_spatial(x, pads, value=lowest)
    return _from_channels_last(_pool_windows(x, pool_size, strides, np.max), data_format)


@bfloat16_via_float32
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    data_format, inputs, rank, pool_size, strides, padding = _pool_args(
        inputs, pool_size, strides, padding, data_format
    )
    x = _float(_to_channels_last(inputs, data_format))
    if padding == "valid":
        sums = _pool_windows(x, pool_size, strides, np.sum)
        out = sums / np.prod(pool_size)
    else:
        # 'same' averages only the real values under each window (padding is not counted).
        pads = same_padding(x.shape[1:-1], pool_size, strides, (1,) * rank)
        sums = _pool_windows(_pad_spatial(x, pads), pool_size, strides, np.sum)
        ones = np.ones((1, *x.shape[1:-1], 1), dtype=x.dtype)
        counts = _pool_windows(_pad_spatial(ones, pads), pool_size, strides, np.sum)
        out = sums / counts
    return _from_channels_last(np.asarray(out, dtype=x.dtype), data_format)


# ---- normalization ------------------------------------------------------------------------


def _rsqrt(x):
    return 1 / np.sqrt(x)


_moments, _batch_normalization = normalization.engine_functions(
    to_float=_float, convert=_t, cast=cast, dtype_name=dtype_name,
    mean_and_variance=normalization.numpy_statistics(np), rsqrt=_rsqrt,
)  # fmt: skip
moments = bfloat16_via_float32(_moments)


@bfloat16_via_float32
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _t(x)
    out = _batch_normalization(x, mean, variance, axis, offset, scale, epsilon)
    return np.asarray(out, dtype=x.dtype) if kind(x.dtype) == "f" else out  # mixed dtypes


# ---- losses -------------------------------------------------------------------------------


def _as_output_dtype(value, output):
    return np.asarray(value, dtype=output.dtype)  # output's dtype, whatever the target's


_cross_entropies = cross_entropy.engine_functions(
    module=__name__, xp=np, to_float=_float, convert=_t, cast=cast,
    log_softmax=lambda x, axis: log_softmax(x, axis=axis), to_result=_as_output_dtype,
)  # fmt: skip
categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy = (
    quiet(bfloat16_via_float32(function)) for function in _cross_entropies
)


# ---- adaptive pooling ---------------------------------------------------------------------


def _adaptive_pool(inputs, output_size, data_format, mode):
    return adaptive_pooling.adaptive_pool(
        _t(inputs), output_size, data_format, mode, xp=np, to_float=_float
    )


@bfloat16_via_float32
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Mean over windows that split each spatial axis into ``output_size`` near-equal parts."""
    return _adaptive_pool(inputs, output_size, data_format, "average")


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Maximum over windows that split each spatial axis into ``output_size`` parts."""
    return _adaptive_pool(inputs, output_size, data_format, "max")
