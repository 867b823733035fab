"""Neural-network functions on TensorFlow: activations, convolution (written in
``convolution.py``), pooling, normalization, losses.

TensorFlow's CPU pooling kernels take channels_last (NHWC) only, so channels_first inputs
are transposed around them; its 'same' padding is the rule Keras defines.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import tensorflow as tf

from lamina.backend.common import adaptive_pooling, cross_entropy, normalization
from lamina.backend.common.conv_shapes import (
    check_padding,
    per_axis,
)
from lamina.backend.common.dtypes import result_type
from lamina.backend.config import standardize_data_format
from lamina.backend.tensorflow.convolution import (
    TF_FORMATS,
    conv as conv,
    conv_transpose as conv_transpose,
    depthwise_conv as depthwise_conv,
    from_channels_last,
    shape_list,
    to_channels_last,
)
from lamina.backend.tensorflow.core import cast, convert_to_tensor, dtype_name, to_tf_dtype

_t = convert_to_tensor


def _float(x):
    x = _t(x)
    return x if x.dtype.is_floating else tf.cast(x, to_tf_dtype(None))


# ---- activations --------------------------------------------------------------------------


def relu(x):
    x = _t(x)
    # Integers keep their dtype, as in Keras (jax.nn.relu); only bool computes in floatx.
    return tf.nn.relu(_float(x) if x.dtype == tf.bool else x)


def relu6(x):
    x = _t(x)
    return tf.nn.relu6(_float(x) if x.dtype == tf.bool else x)


def sigmoid(x):
    return tf.sigmoid(_float(x))


def tanh(x):
    return tf.tanh(_float(x))


def softplus(x):
    return tf.math.softplus(_float(x))


def softsign(x):
    return tf.nn.softsign(_float(x))


def silu(x):
    return tf.nn.silu(_float(x))


def gelu(x, approximate=True):
    return tf.nn.gelu(_float(x), approximate=approximate)


def elu(x, alpha=1.0):
    x = _float(x)
    out = tf.nn.elu(x)
    return out if alpha == 1.0 else tf.where(x > 0, x, tf.cast(alpha, x.dtype) * out)


def selu(x):
    return tf.nn.selu(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return tf.nn.leaky_relu(_float(x), alpha=negative_slope)


def hard_sigmoid(x):
    x = _float(x)
    return tf.nn.relu6(x + tf.cast(3.0, x.dtype)) / tf.cast(6.0, x.dtype)  # as torch's


def hard_silu(x):
    x = _float(x)
    return x * hard_sigmoid(x)


def log_sigmoid(x):
    return tf.math.log_sigmoid(_float(x))


def _softmax_axes(x, axis):
    if axis is None:
        return list(range(x.shape.rank))
    return list(axis) if isinstance(axis, (tuple, list)) else None


def softmax(x, axis=-1):
    x = _float(x)
    axes = _softmax_axes(x, axis)
    if axes is None:
        return tf.nn.softmax(x, axis=axis)
    exp = tf.exp(x - tf.stop_gradient(tf.reduce_max(x, axis=axes, keepdims=True)))
    return exp / tf.reduce_sum(exp, axis=axes, keepdims=True)


def log_softmax(x, axis=-1):
    x = _float(x)
    axes = _softmax_axes(x, axis)
    if axes is None:
        return tf.nn.log_softmax(x, axis=axis)
    return x - tf.reduce_logsumexp(x, axis=axes, keepdims=True)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    # Dense only: ops.one_hot refuses sparse=True before calling here. tf.one_hot gives
    # all-zero rows for ids outside [0, num_classes), negative ones included, as Keras.
    x = _t(x)
    if x.dtype not in (tf.uint8, tf.int8, tf.int32, tf.int64):  # tf.one_hot's index dtypes
        x = tf.cast(x, tf.int32)  # float labels (a guide's y_train) name classes too
    tf_dtype = to_tf_dtype(dtype)
    if tf_dtype == tf.bool:
        return tf.one_hot(x, num_classes, on_value=True, off_value=False, axis=axis)
    return tf.one_hot(x, num_classes, axis=axis, dtype=tf_dtype)


# ---- pooling ------------------------------------------------------------------------------


def _pool3d_by_axes(x, pool_size, strides, padding, function):
    """A 3-D window reduction as a 2-D one over (height, width), then a 1-D one over depth:
    a box's max, and its mean over real (unpadded) values, separate by axis. TensorFlow's
    CPU 3-D pooling kernels take only float32 and bfloat16; the 2-D ones take the rest."""
    batch, depth = shape_list(x)[:2]
    rows = tf.reshape(x, [-1, *x.shape[2:]])  # (N * D, H, W, C)
    rows = function(rows, pool_size[1:], strides[1:], padding, data_format="NHWC")
    height, width, channels = rows.shape[1:]
    columns = tf.reshape(rows, [batch, depth, height * width * channels])  # (N, D, H'W'C)
    columns = function(columns, pool_size[:1], strides[:1], padding, data_format="NWC")
    return tf.reshape(columns, [batch, columns.shape[1], height, width, channels])


def _pool(inputs, pool_size, strides, padding, data_format, kind):
    data_format = standardize_data_format(data_format)
    inputs = _t(inputs)
    rank = inputs.shape.rank - 2
    pool_size = per_axis(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else per_axis(strides, rank, "strides")
    padding = check_padding(padding).upper()
    x = to_channels_last(inputs, data_format)
    if kind == "average" and not x.dtype.is_floating:
        x = tf.cast(x, to_tf_dtype(None))
    # TensorFlow's 'same' average counts only the real values under each window, as Keras.
    function = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    if rank == 3 and x.dtype not in (tf.float32, tf.bfloat16):
        out = _pool3d_by_axes(x, pool_size, strides, padding, function)
    else:
        out = function(x, pool_size, strides, padding, data_format=TF_FORMATS[rank])
    return from_channels_last(out, data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "max")


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, "average")


# What adaptive_pooling.adaptive_pool asks of NumPy, in TensorFlow's ops.
_POOLING_FUNCTIONS = SimpleNamespace(
    take=lambda x, indices, axis: tf.gather(x, indices.astype(np.int32), axis=axis),
    max=lambda x, axis: tf.reduce_max(x, axis=axis),
    sum=lambda x, axis, dtype: tf.reduce_sum(x, axis=axis),
    asarray=lambda values, dtype: tf.constant(values, dtype),
)


def _adaptive_pool(inputs, output_size, data_format, mode):
    return adaptive_pooling.adaptive_pool(
        _t(inputs), output_size, data_format, mode, xp=_POOLING_FUNCTIONS, to_float=_float
    )


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Mean over windows that split each spatial axis into ``output_size`` near-equal parts."""
    return _adaptive_pool(inputs, output_size, data_format, "average")


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Maximum over windows that split each spatial axis into ``output_size`` parts."""
    return _adaptive_pool(inputs, output_size, data_format, "max")


# ---- normalization ------------------------------------------------------------------------


def _mean_and_variance(x, axes, keepdims):
    # tf.nn.moments is TensorFlow's own two-pass kernel (shifted by the mean).
    mean, variance = tf.nn.moments(x, axes=list(axes), keepdims=keepdims)
    return mean, variance


moments = normalization.engine_moments(
    to_float=_float, cast=cast, dtype_name=dtype_name, mean_and_variance=_mean_and_variance
)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _t(x)

    def to_channel_shape(value, shape):
        return tf.reshape(tf.cast(_t(value), x.dtype), shape)  # TensorFlow ops take one dtype

    return normalization.batch_normalization(
        x, mean, variance, axis, offset, scale, epsilon,
        to_channel_shape=to_channel_shape, rsqrt=tf.math.rsqrt,
    )  # fmt: skip


# ---- losses -------------------------------------------------------------------------------


def _common_float(target, output):
    """Both in their promoted float dtype (TensorFlow's ops take one dtype)."""
    if target.dtype == output.dtype:
        return target, output
    dtype = to_tf_dtype(result_type(dtype_name(target), dtype_name(output)))
    return tf.cast(target, dtype), tf.cast(output, dtype)


def _take_class(log_prob, ids):
    # One gather with batch dimensions; tnp.take_along_axis would add a dozen ops per step.
    return tf.gather(log_prob, ids, axis=-1, batch_dims=ids.shape.rank)


# The NumPy names the shared cross-entropies use, on TensorFlow's own ops (with NumPy's
# argument names): tf.experimental.numpy's log, log1p and exp refuse bfloat16 tensors.
_ARRAY_FUNCTIONS = SimpleNamespace(
    sum=tf.reduce_sum, log=tf.math.log, log1p=tf.math.log1p, exp=tf.math.exp, abs=tf.math.abs,
    maximum=tf.maximum, clip=tf.clip_by_value, squeeze=tf.squeeze,
    moveaxis=tf.experimental.numpy.moveaxis,
)  # fmt: skip

categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy = (
    cross_entropy.engine_functions(
        module=__name__, xp=_ARRAY_FUNCTIONS, to_float=_float, convert=_t, cast=cast,
        log_softmax=lambda x, axis: tf.nn.log_softmax(x, axis=axis),
        common_float=_common_float, take_class=_take_class,
    )
)  # fmt: skip
