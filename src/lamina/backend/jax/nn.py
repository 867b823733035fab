"""Neural-network functions on JAX: activations, convolution, pooling, normalization, losses.

Images and sequences stay in the layout they arrive in: XLA's convolution and window
reductions take any dimension order (``dimension_numbers``, per-axis windows), so
channels_last needs no transposes here. Padding follows Keras/TensorFlow, not XLA's own
'SAME': it is computed per axis and passed explicitly.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from lamina.backend.common import adaptive_pooling, cross_entropy, normalization
from lamina.backend.common.conv_shapes import (
    check_padding,
    conv_transpose_arguments,
    conv_transpose_length,
    per_axis,
    same_padding,
)
from lamina.backend.config import standardize_data_format
from lamina.backend.jax.core import cast, convert_to_tensor, dtype_name, to_jax_dtype

_t = convert_to_tensor


def _float(x):
    x = _t(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(to_jax_dtype(None))


# ---- activations --------------------------------------------------------------------------


def relu(x):
    x = _t(x)
    # Integers keep their dtype, as in Keras (jax.nn.relu); only bool computes in floatx.
    return jax.nn.relu(_float(x) if x.dtype == jnp.bool_ else x)


def relu6(x):
    x = _t(x)
    if jnp.issubdtype(x.dtype, jnp.integer):
        return jnp.clip(x, 0, 6)  # jax.nn.relu6 computes integers in float
    return jax.nn.relu6(_float(x))


def sigmoid(x):
    return jax.nn.sigmoid(_float(x))


def tanh(x):
    return jnp.tanh(_float(x))


def softplus(x):
    return jax.nn.softplus(_float(x))


def softsign(x):
    return jax.nn.soft_sign(_float(x))


def silu(x):
    return jax.nn.silu(_float(x))


def gelu(x, approximate=True):
    return jax.nn.gelu(_float(x), approximate=approximate)


def elu(x, alpha=1.0):
    return jax.nn.elu(_float(x), alpha=alpha)


def selu(x):
    return jax.nn.selu(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(_float(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return jax.nn.hard_sigmoid(_float(x))  # relu6(x + 3) / 6, as torch's hardsigmoid


def hard_silu(x):
    return jax.nn.hard_silu(_float(x))


def log_sigmoid(x):
    return jax.nn.log_sigmoid(_float(x))


def _axes(x, axis):
    return tuple(range(x.ndim)) if axis is None else axis


def softmax(x, axis=-1):
    x = _float(x)
    return jax.nn.softmax(x, axis=_axes(x, axis))


def log_softmax(x, axis=-1):
    x = _float(x)
    return jax.nn.log_softmax(x, axis=_axes(x, axis))


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    # Dense only: ops.one_hot refuses sparse=True before calling here.
    # Ids outside [0, num_classes), negative ones included, give all-zero rows, as in Keras.
    x = _t(x)
    if not jnp.issubdtype(x.dtype, jnp.integer):
        x = x.astype("int32")  # float labels (a guide's y_train) name classes too
    return jax.nn.one_hot(x, num_classes, dtype=to_jax_dtype(dtype), axis=axis)


# ---- convolution and pooling --------------------------------------------------------------


def _spatial_shape(x, data_format):
    return x.shape[1:-1] if data_format == "channels_last" else x.shape[2:]


def _channel_axis(data_format):
    return -1 if data_format == "channels_last" else 1


_SPATIAL_LETTERS = {1: "W", 2: "HW", 3: "DHW"}


def _dimension_numbers(rank, data_format, kernel_layout):
    """lax.conv_general_dilated's layout strings: input, kernel ("IO" or "OI"), output."""
    spatial = _SPATIAL_LETTERS[rank]
    image = f"N{spatial}C" if data_format == "channels_last" else f"NC{spatial}"
    return image, spatial + kernel_layout, image


def _match_dtypes(x, kernel):
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return x.astype(kernel.dtype), kernel  # integer images: compute in the kernel's dtype
    if x.dtype != kernel.dtype:
        kernel = kernel.astype(x.dtype)
    return x, kernel


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, bias=None):
    """N-D convolution. ``kernel`` is Keras-shaped: (*spatial, in_channels / groups, filters);
    ``bias`` (filters,), when given, is added to the output channels."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    rank = inputs.ndim - 2
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    padding = check_padding(padding)
    x, kernel = _match_dtypes(inputs, kernel)
    groups = x.shape[_channel_axis(data_format)] // kernel.shape[-2]
    if padding == "same":
        pads = same_padding(_spatial_shape(x, data_format), kernel.shape[:rank], strides, dilation)
    else:
        pads = [(0, 0)] * rank
    out = lax.conv_general_dilated(
        x,
        kernel,
        window_strides=strides,
        padding=pads,
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(rank, data_format, "IO"),
        feature_group_count=groups,
    )
    if bias is not None:
        bias = _t(bias).astype(out.dtype)
        if data_format == "channels_first":
            bias = bias.reshape((-1,) + (1,) * rank)
        out = out + bias
    return out


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is (*spatial, in_channels, depth_multiplier)."""
    kernel = _t(kernel)
    rank = kernel.ndim - 2
    in_channels, multiplier = kernel.shape[-2], kernel.shape[-1]
    kernel = kernel.reshape((*kernel.shape[:rank], 1, in_channels * multiplier))
    return conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def _conv_transpose_padding(size, window, stride, dilation, padding, length):
    """(before, after) padding of the stride-dilated input for a transposed convolution.

    The full transposed output, of length ``(size - 1) * stride + window``, is a convolution
    of the input (with ``stride - 1`` zeros between positions) padded by ``window - 1`` on
    both sides with the flipped kernel. TensorFlow's 'same' keeps ``length`` positions
    starting at ``max((size - 1) * stride + window - length, 0) // 2``: the padding its
    forward convolution puts before. Negative padding crops; padding past the full output
    appends zeros.
    """
    window = (window - 1) * dilation + 1
    crop = 0 if padding == "valid" else max((size - 1) * stride + window - length, 0) // 2
    dilated_size = (size - 1) * stride + 1
    return window - 1 - crop, length - dilated_size + crop


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
    sizes, windows = _spatial_shape(inputs, data_format), kernel.shape[:rank]
    pads = []
    for n, k, s, p, d in zip(sizes, windows, strides, output_padding, dilation):
        length = conv_transpose_length(n, k, s, padding, p, d)
        pads.append(_conv_transpose_padding(n, k, s, d, padding, length))
    x, kernel = _match_dtypes(inputs, kernel)
    return lax.conv_general_dilated(
        x,
        jnp.flip(kernel, axis=tuple(range(rank))),  # (*spatial, filters, in_channels), flipped
        window_strides=(1,) * rank,
        padding=pads,
        lhs_dilation=strides,
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(rank, data_format, "OI"),
    )


def _pool_args(inputs, pool_size, strides, padding, data_format):
    """(inputs, window, strides, padding, spatial shape), the window arguments per axis."""
    inputs = _t(inputs)
    rank = inputs.ndim - 2
    pool_size = per_axis(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else per_axis(strides, rank, "strides")
    spatial = _spatial_shape(inputs, data_format)
    if check_padding(padding) == "same":
        pads = same_padding(spatial, pool_size, strides, (1,) * rank)
    else:
        pads = [(0, 0)] * rank
    return (
        inputs,
        _with_batch_and_channels(pool_size, 1, data_format),
        _with_batch_and_channels(strides, 1, data_format),
        _with_batch_and_channels(pads, (0, 0), data_format),
        spatial,
    )


def _with_batch_and_channels(spatial, value, data_format):
    """A per-axis tuple over the whole tensor: ``value`` on the batch and channel axes."""
    if data_format == "channels_last":
        return (value, *spatial, value)
    return (value, value, *spatial)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    data_format = standardize_data_format(data_format)
    x, window, strides, pads, _ = _pool_args(inputs, pool_size, strides, padding, data_format)
    # The reduction's identity as a concrete initial value (and padding): -inf, or the
    # integer minimum. lax then picks its differentiable max-window primitive.
    if jnp.issubdtype(x.dtype, jnp.floating):
        initial = np.asarray(-np.inf, x.dtype)
    else:
        initial = np.asarray(jnp.iinfo(x.dtype).min, x.dtype)
    return lax.reduce_window(x, initial, lax.max, window, strides, pads)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    data_format = standardize_data_format(data_format)
    x, window, strides, pads, spatial = _pool_args(inputs, pool_size, strides, padding, data_format)
    x = _float(x)
    zero = np.asarray(0, x.dtype)
    sums = lax.reduce_window(x, zero, lax.add, window, strides, pads)
    if all(before == after == 0 for before, after in pads):
        return sums / np.asarray(math.prod(window), x.dtype)
    # 'same' averages only the real values under each window (padding is not counted): the
    # counts are the same window sums over ones, (1, *spatial, 1), broadcast over batch and
    # channels.
    ones = jnp.ones(_with_batch_and_channels(spatial, 1, data_format), x.dtype)
    counts = lax.reduce_window(ones, zero, lax.add, window, strides, pads)
    return sums / counts


# ---- normalization ------------------------------------------------------------------------


moments, batch_normalization = normalization.engine_functions(
    to_float=_float, convert=_t, cast=cast, dtype_name=dtype_name,
    mean_and_variance=normalization.numpy_statistics(jnp), rsqrt=lax.rsqrt,
)  # fmt: skip


# ---- losses -------------------------------------------------------------------------------


categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy = (
    cross_entropy.engine_functions(
        module=__name__, xp=jnp, to_float=_float, convert=_t, cast=cast,
        log_softmax=lambda x, axis: jax.nn.log_softmax(x, axis=axis),
    )
)  # fmt: skip


# ---- adaptive pooling ---------------------------------------------------------------------


def _adaptive_pool(inputs, output_size, data_format, mode):
    return adaptive_pooling.adaptive_pool(
        _t(inputs), output_size, data_format, mode, xp=jnp, to_float=_float
    )


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Mean over windows that split each spatial axis into ``output_size`` near-equal parts."""
    return _adaptive_pool(inputs, output_size, data_format, "average")


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Maximum over windows that split each spatial axis into ``output_size`` parts."""
    return _adaptive_pool(inputs, output_size, data_format, "max")
