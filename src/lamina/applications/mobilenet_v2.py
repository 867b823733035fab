"""MobileNetV2 (Sandler et al., 2018, "MobileNetV2: Inverted Residuals and Linear
Bottlenecks"), with Keras's layer names so that Keras's published weight files load."""

from __future__ import annotations

from lamina import backend, layers
from lamina.applications import application_model, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of the 17 inverted residual blocks
_BLOCKS = (
    [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6)]
    + [(64, 1, 6)] * 3
    + [(96, 1, 6)] * 3
    + [(160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]
)


def _check_input_tensor(input_tensor, input_shape):
    """With both ``input_tensor`` and ``input_shape``, the tensor must be symbolic and as
    wide as ``input_shape`` says."""
    if input_tensor is None or input_shape is None:
        return
    if not backend.is_keras_tensor(input_tensor):
        raise ValueError(
            f"input_tensor is not a Keras tensor; Received `input_tensor={input_tensor}`"
        )
    if backend.image_data_format() == "channels_first":
        if input_tensor.shape[1] != input_shape[1]:
            raise ValueError(
                "input_shape[1] must equal shape(input_tensor)[1] when `image_data_format` "
                f"is `channels_first`; Received `input_tensor.shape={input_tensor.shape}`, "
                f"`input_shape={input_shape}`"
            )
    elif input_tensor.shape[2] != input_shape[1]:
        raise ValueError(
            "input_tensor.shape[2] must equal input_shape[1]; Received "
            f"`input_tensor.shape={input_tensor.shape}`, `input_shape={input_shape}`"
        )


def _default_size(input_tensor, input_shape):
    if input_shape is None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            return 224
        return application_model.square_default_size(tuple(input_tensor.shape)[1:], _SIZES)
    return application_model.square_default_size(input_shape, _SIZES)


def MobileNetV2(
    input_shape=None,
    alpha=1.0,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """MobileNetV2 on 224x224 RGB images (96, 128, 160 and 192 also have published
    weights); ``alpha`` scales every block's filters; ``preprocess_input`` is Keras's "tf"
    mode."""
    application_model.check_weights(weights, include_top, classes)
    _check_input_tensor(input_tensor, input_shape)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=_default_size(input_tensor, input_shape),
        min_size=32,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    if weights == "imagenet" and alpha not in _ALPHAS:
        raise ValueError(
            "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
            f"`0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
        )
    rows = application_model.weights_rows(weights, input_shape, _SIZES)
    img_input = application_model.image_input(input_tensor, input_shape)
    x = layers.Conv2D(
        _make_divisible(32 * alpha, 8),
        kernel_size=3,
        strides=(2, 2),
        padding="same",
        use_bias=False,
        name="Conv1",
    )(img_input)
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = application_model.classifier_top(
        x,
        include_top,
        pooling,
        classes,
        classifier_activation,
        weights,
        top_pool_name=None,
        feature_pool_names=application_model.UNNAMED,
    )
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = application_model.build_model(input_tensor, img_input, x, name)
    file_name = None
    if weights == "imagenet":
        suffix = "" if include_top else "_no_top"
        file_name = (
            f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"
        )
    application_model.load_weights(model, weights, BASE_WEIGHT_PATH, file_name)
    return model


def _batch_norm(name):
    return layers.BatchNormalization(
        axis=application_model.channel_axis(), epsilon=1e-3, momentum=0.999, name=name
    )


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """A 1x1 expansion (not in block 0), a 3x3 depthwise convolution and a linear 1x1
    projection, with a residual connection when the shape is kept."""
    in_channels = inputs.shape[application_model.channel_axis()]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(
            expansion * in_channels,
            kernel_size=1,
            padding="same",
            use_bias=False,
            activation=None,
            name=f"{prefix}expand",
        )(x)
        x = _batch_norm(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size=3,
        strides=stride,
        activation=None,
        use_bias=False,
        padding="same" if stride == 1 else "valid",
        name=f"{prefix}depthwise",
    )(x)
    x = _batch_norm(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(
        pointwise_filters,
        kernel_size=1,
        padding="same",
        use_bias=False,
        activation=None,
        name=f"{prefix}project",
    )(x)
    x = _batch_norm(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _make_divisible(value, divisor, min_value=None):
    """``value`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``),
    never more than 10% below ``value``."""
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def preprocess_input(x, data_format=None):
    """RGB 0-255 images scaled to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (the model's ``(N, 1000)``
    probabilities): per sample, a list of ``(class_name, class_description, score)``, best
    first (see ``applications.imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]
