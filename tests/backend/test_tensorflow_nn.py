"""The TensorFlow engine's nn and image functions where the engine rewrites a call that
TensorFlow's CPU kernels cannot run as asked (strides with dilation, grouped and 3-D depthwise
convolutions, unequal depthwise strides, dilated or off-grid transposed convolutions, 3-D
pooling outside float32, antialiased resizing under XLA). Values against float64 NumPy."""

import numpy as np
import pytest

from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.layers.convolutional.conv_reference import conv_reference
from tests.layers.convolutional.conv_transpose_reference import (
    conv_transpose_reference,
    depthwise_conv_reference,
)
from tests.layers.pooling.pool_reference import pool_reference

pytestmark = pytest.mark.engine("tensorflow")


def _tf():
    import tensorflow as tf

    return tf


def _nn():
    from lamina.backend.tensorflow import nn

    return nn


def _layout(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


def _tensor(x, data_format="channels_last"):
    """A tensor keeping the array's dtype (plain conversion makes float64 floatx)."""
    return _tf().constant(_layout(x, data_format))


# (rank, data_format, strides, dilation_rate, groups): each needs a rewrite on the CPU.
_CONV_CASES = [
    (2, "channels_last", 2, 2, 1),  # strides with dilation: stride 1, then subsample
    (2, "channels_first", (2, 1), (1, 2), 2),  # and grouped: a block-diagonal kernel
    (3, "channels_first", 1, 1, 2),  # grouped 3-D, channels_first
    (1, "channels_last", 3, 2, 4),  # one group per channel: a depthwise convolution
    (3, "channels_last", 1, 1, 8),  # many groups: one convolution each
]


@pytest.mark.parametrize(("rank", "data_format", "strides", "dilation", "groups"), _CONV_CASES)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv_rewrites_match_numpy(rng, rank, data_format, strides, dilation, groups, padding):
    channels = max(groups, 4)
    x = rng.standard_normal((2, *(7, 6, 5)[:rank], channels))
    kernel = rng.standard_normal((*(3, 2, 2)[:rank], channels // groups, 2 * groups))
    bias = rng.standard_normal(2 * groups)
    out = _nn().conv(
        _tensor(x, data_format),
        _tensor(kernel),
        strides,
        padding,
        data_format,
        dilation,
        bias=_tensor(bias),
    )
    expected = conv_reference(x, kernel, bias, strides, padding, dilation)
    assert_close(out, _layout(expected, data_format), rtol=1e-10, atol=1e-10)


def test_grouped_strided_dilated_conv_gradients(rng):
    x, kernel = rng.standard_normal((1, 6, 5, 4)), rng.standard_normal((3, 2, 2, 4))
    arguments = {"strides": 2, "padding": "same", "dilation_rate": 2}

    def engine_fn(a, k):
        return _nn().conv(a, k, **arguments)

    def reference(a, k):
        return conv_reference(a, k, **arguments)

    for got, expected in zip(
        engine_gradients(engine_fn, [x, kernel]), numeric_gradients(reference, [x, kernel])
    ):
        assert_close(got, expected, rtol=1e-6, atol=1e-7)


# (rank, strides, dilation_rate): 1-D runs as 2-D, 2-D with unequal strides or with strides
# and dilation runs at stride 1; 3-D is a grouped convolution.
_DEPTHWISE_CASES = [(1, 2, 2), (1, 3, 1), (2, (1, 2), 1), (2, 2, 2), (3, (2, 1, 1), 1)]


@pytest.mark.parametrize(("rank", "strides", "dilation"), _DEPTHWISE_CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_depthwise_conv_rewrites_match_numpy(rng, rank, strides, dilation, data_format):
    x = rng.standard_normal((2, *(9, 7, 5)[:rank], 3))
    kernel = rng.standard_normal((*(3, 2, 2)[:rank], 3, 2))
    out = _nn().depthwise_conv(_tensor(x, data_format), _tensor(kernel), strides, "same",
                               data_format, dilation)  # fmt: skip
    expected = depthwise_conv_reference(x, kernel, strides=strides, padding="same",
                                        dilation_rate=dilation)  # fmt: skip
    assert_close(out, _layout(expected, data_format), rtol=1e-10, atol=1e-10)


# (strides, padding, output_padding, dilation_rate): the first runs on TensorFlow's own
# kernel; the others (dilation, or lengths its kernel refuses) as a plain convolution.
_TRANSPOSE_CASES = [
    (2, "same", None, 1),
    (2, "same", 1, 2),
    (2, "same", 0, 1),  # an even window's 'same' length that TensorFlow's kernel refuses
    (3, "valid", 2, 1),
]


@pytest.mark.parametrize(("strides", "padding", "output_padding", "dilation"), _TRANSPOSE_CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv_transpose_matches_numpy(rng, strides, padding, output_padding, dilation,
                                      data_format):  # fmt: skip
    x, kernel = rng.standard_normal((2, 4, 5, 3)), rng.standard_normal((2, 3, 4, 3))
    out = _nn().conv_transpose(_tensor(x, data_format), _tensor(kernel), strides, padding,
                               output_padding, data_format, dilation)  # fmt: skip
    expected = conv_transpose_reference(x, kernel, None, strides, padding, output_padding,
                                        dilation)  # fmt: skip
    assert_close(out, _layout(expected, data_format), rtol=1e-10, atol=1e-10)


def test_conv_transpose_explicit_path_gradients(rng):
    x, kernel = rng.standard_normal((1, 3, 4, 2)), rng.standard_normal((2, 2, 3, 2))
    arguments = {"strides": 2, "padding": "same", "output_padding": 0, "dilation_rate": 1}

    def reference(a, k):
        return conv_transpose_reference(a, k, None, 2, "same", 0, 1)

    got = engine_gradients(lambda a, k: _nn().conv_transpose(a, k, **arguments), [x, kernel])
    for g, expected in zip(got, numeric_gradients(reference, [x, kernel])):
        assert_close(g, expected, rtol=1e-6, atol=1e-7)


def test_unknown_batch_in_a_traced_function(rng):
    """Inside a tf.function traced for any batch size, the transposed convolution's output
    shape and the 3-D pooling reshapes take the batch from the graph."""
    tf, nn = _tf(), _nn()
    x, kernel = rng.standard_normal((3, 4, 5, 2)), rng.standard_normal((3, 3, 4, 2))
    volume = rng.standard_normal((3, 4, 5, 4, 2))

    @tf.function(input_signature=[tf.TensorSpec((None, 4, 5, 2), tf.float64),
                                  tf.TensorSpec((None, 4, 5, 4, 2), tf.float64)])  # fmt: skip
    def traced(images, volumes):
        return (
            nn.conv_transpose(images, _tensor(kernel), 2, "same"),
            nn.conv_transpose(images, _tensor(kernel), 2, "same", dilation_rate=2),
            nn.max_pool(volumes, 2, padding="same"),
        )

    transposed, dilated, pooled = traced(_tensor(x), _tensor(volume))
    assert_close(transposed, conv_transpose_reference(x, kernel, None, 2, "same"), atol=1e-10)
    assert_close(dilated, conv_transpose_reference(x, kernel, None, 2, "same", None, 2),
                 atol=1e-10)  # fmt: skip
    assert_close(pooled, pool_reference(volume, 2, None, "same", "max"), atol=1e-10)


# Average pooling of integers computes in floatx, where the float32 kernel runs.
_POOL3D_CASES = [
    ("float64", "max"),
    ("float64", "average"),
    ("float16", "average"),
    ("int32", "max"),
]


@pytest.mark.parametrize(("dtype", "mode"), _POOL3D_CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_pooling3d_outside_float32(rng, dtype, mode, data_format):
    """TensorFlow's CPU 3-D pooling takes float32 only: others pool (H, W), then D."""
    x = (rng.standard_normal((2, 5, 6, 7, 3)) * 4).astype(dtype)
    function = _nn().max_pool if mode == "max" else _nn().average_pool
    out = function(_tensor(x, data_format), (2, 3, 2), (1, 2, 3), "same", data_format)
    assert out.dtype.name == dtype
    expected = pool_reference(x.astype("float64"), (2, 3, 2), (1, 2, 3), "same", mode)
    tolerance = 1e-2 if dtype == "float16" else 1e-10
    assert_close(out, _layout(expected, data_format), rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic"])
def test_antialiased_resize_matches_tensorflow_and_compiles(rng, interpolation):
    """The antialiasing filter is tf.image.resize's own, as matmuls XLA can compile (its
    ScaleAndTranslate op has no XLA kernel)."""
    tf = _tf()
    from lamina.backend.tensorflow import image

    x = tf.constant(rng.random((2, 9, 11, 3)), tf.float32)
    expected = tf.image.resize(x, (4, 13), method=interpolation, antialias=True)

    def resize(images):
        return image.resize(images, (4, 13), interpolation, antialias=True)

    assert_close(resize(x), expected, atol=1e-6)
    assert_close(tf.function(resize, jit_compile=True)(x), expected, atol=1e-6)


# (target, target_length, output_length, mask_index): repeats, an empty label, blank last.
_CTC_CASES = [
    ([[1, 1], [2, 0], [0, 0]], [2, 1, 0], [5, 4, 3], 0),
    ([[1, 0, 1], [2, 2, 1]], [3, 2], [5, 5], 3),
]


@pytest.mark.parametrize(("target", "target_length", "output_length", "mask_index"), _CTC_CASES)
def test_native_ctc_loss_agrees_with_the_forward_recursion(
    rng, target, target_length, output_length, mask_index
):
    """tf.nn.ctc_loss computes in float32: it matches the op's float64 recursion to float32
    rounding, values and gradients."""
    from lamina.backend.tensorflow import nn_kernels
    from lamina.ops import ctc

    target, target_length, output_length = (
        np.array(v, "int32") for v in (target, target_length, output_length)
    )
    logits = rng.standard_normal((len(target), 5, 5 if mask_index == 0 else 4))

    def losses(function):
        return lambda x: function(target, x, target_length, output_length, mask_index)

    native, written = losses(nn_kernels.ctc_loss), losses(ctc._ctc_forward)
    assert_close(native(_tensor(logits)), written(_tensor(logits)), rtol=1e-5, atol=1e-5)
    (native_grad,), (written_grad,) = (engine_gradients(f, [logits]) for f in (native, written))
    assert_close(native_grad, written_grad, rtol=1e-4, atol=1e-5)
