"""Neural-network ops: activations, convolution, pooling, normalization, cross-entropies."""

from lamina.backend import (
    backend as _backend_name,
    engine,
    is_float_dtype as _is_float_dtype,
    result_type as _result_type,
    standardize_data_format as _standardize_data_format,
)
from lamina.ops.attention import dot_product_attention as dot_product_attention
from lamina.ops.dispatch import op
from lamina.ops.dtype_checks import (
    float_arguments as _float_arguments,
    refuse_dtype as _refuse_dtype,
)

_nn = engine.nn

relu = op(_nn.relu, doc="max(x, 0).")
relu6 = op(_nn.relu6, doc="min(max(x, 0), 6).")
sigmoid = op(_nn.sigmoid, doc="1 / (1 + exp(-x)).")
softplus = op(_nn.softplus, doc="log(1 + exp(x)).")
softsign = op(_nn.softsign, doc="x / (1 + |x|).")
silu = op(_nn.silu, doc="x * sigmoid(x).")
swish = op(_nn.silu, name="swish", doc="x * sigmoid(x).")
gelu = op(_nn.gelu, doc="Gaussian error linear unit (tanh approximation by default).")
elu = op(_nn.elu, doc="x if x > 0 else alpha * (exp(x) - 1).")
selu = op(_nn.selu, doc="Scaled ELU with the self-normalising constants.")
leaky_relu = op(_nn.leaky_relu, doc="x if x > 0 else negative_slope * x.")
hard_sigmoid = op(_nn.hard_sigmoid, doc="relu6(x + 3) / 6.")
hard_silu = op(_nn.hard_silu, doc="x * hard_sigmoid(x).")
log_sigmoid = op(_nn.log_sigmoid)
softmax = op(_nn.softmax, doc="exp(x) / sum(exp(x)) along ``axis``.")
log_softmax = op(_nn.log_softmax, doc="x - logsumexp(x) along ``axis``.")


def _one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise ValueError(
            f"one_hot: sparse=True is not supported on the {_backend_name()!r} engine (Lamina "
            f"has no sparse tensors); received sparse={sparse!r}. Use sparse=False."
        )
    return _nn.one_hot(x, num_classes, axis=axis, dtype=dtype, sparse=False)


one_hot = op(
    _one_hot, name="one_hot", doc="One-hot encoding of integer ids; negative ids give zeros."
)

conv = op(_nn.conv, doc="N-D convolution with a Keras-shaped kernel (*spatial, in, out).")
depthwise_conv = op(_nn.depthwise_conv)


def _conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    inputs, kernel = engine.core.convert_to_tensor(inputs), engine.core.convert_to_tensor(kernel)
    dtypes = (engine.numpy.get_dtype_name(inputs), engine.numpy.get_dtype_name(kernel))
    integral = not any(_is_float_dtype(d) for d in dtypes)
    if integral:  # engines lack integer kernels (torch has int64 only, TensorFlow int32 only):
        # run in float64, exact for sums of integer products below 2**53, and cast back.
        result = _result_type(*dtypes)
        inputs, kernel = engine.core.cast(inputs, "float64"), engine.core.cast(kernel, "float64")
    outputs = _nn.conv_transpose(
        inputs, kernel, strides, padding, output_padding, data_format, dilation_rate
    )
    return engine.core.cast(outputs, result) if integral else outputs


_conv_transpose_op = op(_conv_transpose, name="conv_transpose")


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed N-D convolution; ``kernel`` is (*spatial, filters, in_channels). Integer
    inputs and kernels give an integer result; booleans are refused, as in Keras."""
    for argument, value in (("inputs", inputs), ("kernel", kernel)):
        _refuse_dtype("conv_transpose", argument, value, ("bool",), "a numeric dtype")
    return _conv_transpose_op(
        inputs, kernel, strides, padding, output_padding, data_format, dilation_rate
    )


max_pool = op(_nn.max_pool, doc="N-D max pooling ('valid' or 'same' padding).")
# Float inputs only: Keras's engines have no integer average pooling (torch's only int64).
average_pool = _float_arguments(
    op(_nn.average_pool, doc="N-D average pooling; 'same' excludes padding."), "inputs"
)
moments = op(_nn.moments, doc="(mean, variance) over ``axes``.")
batch_normalization = op(_nn.batch_normalization)
categorical_crossentropy = op(_nn.categorical_crossentropy)
sparse_categorical_crossentropy = op(_nn.sparse_categorical_crossentropy)
binary_crossentropy = op(_nn.binary_crossentropy)


def _separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    data_format = _standardize_data_format(data_format)
    inputs, depthwise_kernel, pointwise_kernel = (
        engine.core.convert_to_tensor(x) for x in (inputs, depthwise_kernel, pointwise_kernel)
    )
    _check_separable_kernels(inputs, depthwise_kernel, pointwise_kernel, data_format)
    depthwise = _nn.depthwise_conv(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )  # (N, *spatial', C * M) channels_last
    return _nn.conv(depthwise, pointwise_kernel, 1, "valid", data_format)


def _check_separable_kernels(inputs, depthwise_kernel, pointwise_kernel, data_format):
    inputs_shape = tuple(inputs.shape)
    depthwise_shape, pointwise_shape = tuple(depthwise_kernel.shape), tuple(pointwise_kernel.shape)
    rank = len(inputs_shape) - 2
    channels = inputs_shape[-1] if data_format == "channels_last" else inputs_shape[1]
    depthwise_channels = depthwise_shape[-2] * depthwise_shape[-1]
    if (
        len(depthwise_shape) != rank + 2
        or len(pointwise_shape) != rank + 2
        or depthwise_shape[-2] != channels
        or pointwise_shape != (*(1,) * rank, depthwise_channels, pointwise_shape[-1])
    ):
        raise ValueError(
            "separable_conv needs depthwise_kernel (*window, in_channels, depth_multiplier) "
            "matching the input channels and pointwise_kernel (*ones, in_channels * "
            f"depth_multiplier, filters); received inputs of shape {inputs_shape} "
            f"({data_format}), depthwise_kernel of shape {depthwise_shape} and "
            f"pointwise_kernel of shape {pointwise_shape}."
        )


separable_conv = op(
    _separable_conv,
    name="separable_conv",
    doc="Depthwise convolution (``depthwise_kernel`` (*window, in, multiplier)) followed by a "
    "pointwise 1x..x1 convolution (``pointwise_kernel`` (*ones, in * multiplier, filters)).",
)
# Float inputs only, as Keras (its torch engine has no integer adaptive pooling kernels).
adaptive_average_pool = _float_arguments(
    op(
        _nn.adaptive_average_pool,
        doc="Mean pooling to a fixed ``output_size``: each spatial axis is split into that "
        "many near-equal windows (``floor(i * n / out)`` to ``ceil((i + 1) * n / out)``).",
    ),
    "inputs",
)
adaptive_max_pool = _float_arguments(
    op(
        _nn.adaptive_max_pool,
        doc="Max pooling to a fixed ``output_size``, with adaptive_average_pool's windows.",
    ),
    "inputs",
)

# Composites written once from other ops (see those modules): normalization, the newer
# activations, CTC, space/depth and block rearrangements, multi_hot, polar and psnr.
from lamina.ops.activations import (  # noqa: E402
    celu as celu,
    glu as glu,
    hard_shrink as hard_shrink,
    hard_swish as hard_swish,
    hard_tanh as hard_tanh,
    soft_shrink as soft_shrink,
    sparse_plus as sparse_plus,
    sparse_sigmoid as sparse_sigmoid,
    sparsemax as sparsemax,
    squareplus as squareplus,
    tanh_shrink as tanh_shrink,
    threshold as threshold,
)
from lamina.ops.ctc import (  # noqa: E402
    ctc_decode as ctc_decode,
    ctc_loss as ctc_loss,
)
from lamina.ops.encoding import multi_hot as multi_hot  # noqa: E402
from lamina.ops.normalization import (  # noqa: E402
    layer_normalization as layer_normalization,
    normalize as normalize,
    rms_normalization as rms_normalization,
)
from lamina.ops.patches import (  # noqa: E402
    depth_to_space as depth_to_space,
    fold as fold,
    space_to_depth as space_to_depth,
    unfold as unfold,
)
from lamina.ops.signals import (  # noqa: E402
    polar as polar,
    psnr as psnr,
)
