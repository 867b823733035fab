"""MobileNetV3Small and MobileNetV3Large (Howard et al., 2019, "Searching for
MobileNetV3"), with Keras's layer names so that Keras's published weight files load. The
models rescale their 0-255 input themselves (``include_preprocessing``):
``preprocess_input`` returns its input unchanged."""

from __future__ import annotations

import warnings

from lamina import backend, layers
from lamina.applications import application_model, imagenet_utils
from lamina.applications.mobilenet_v2 import _make_divisible

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
# (MD5 with the classifier, without)
WEIGHTS_HASHES = {
    "large_224_0.75_float": (
        "765b44a33ad4005b3ac83185abf1d0eb",
        "40af19a13ebea4e2ee0c676887f69a2e",
    ),
    "large_224_1.0_float": (
        "59e551e166be033d707958cf9e29a6a7",
        "07fb09a5933dd0c8eaafa16978110389",
    ),
    "large_minimalistic_224_1.0_float": (
        "675e7b876c45c57e9e63e6d90a36599c",
        "ec5221f64a2f6d1ef965a614bdae7973",
    ),
    "small_224_0.75_float": (
        "cb65d4e5be93758266aa0a7f2c6708b7",
        "ebdb5cc8e0b497cd13a7c275d475c819",
    ),
    "small_224_1.0_float": (
        "8768d4c2e7dee89b9d02b2d03d65d862",
        "d3e8ec802a04aa4fc771ee12a9a9b836",
    ),
    "small_minimalistic_224_1.0_float": (
        "99cd97fb2fcdad2bf028eb838de69e37",
        "cde8136e733e811080d9fcd8a252f7e4",
    ),
}


def _input_shape(input_shape, input_tensor):
    """Keras's rules: with both, the tensor must be symbolic and as wide as
    ``input_shape``; a symbolic tensor alone gives its shape; nothing gives any size."""
    channels_first = backend.image_data_format() == "channels_first"
    if input_shape is not None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            raise ValueError(
                f"input_tensor specified: {input_tensor} is not a keras tensor. Received "
                f"type(input_tensor)={type(input_tensor)}"
            )
        width = input_tensor.shape[1] if channels_first else input_tensor.shape[2]
        if width != input_shape[1]:
            raise ValueError(
                "input_shape[1] must equal the input_tensor's width. Received "
                f"input_shape={input_shape}, input_tensor.shape={input_tensor.shape}"
            )
    if input_shape is None and input_tensor is not None and backend.is_keras_tensor(input_tensor):
        if channels_first:
            rows, cols = input_tensor.shape[2], input_tensor.shape[3]
            input_shape = (3, cols, rows)
        else:
            rows, cols = input_tensor.shape[1], input_tensor.shape[2]
            input_shape = (cols, rows, 3)
    if input_shape is None:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    rows, cols = application_model.spatial_size(input_shape)
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    return input_shape


def MobileNetV3(
    stack_fn,
    last_point_ch,
    input_shape=None,
    alpha=1.0,
    model_type="large",
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name=None,
):
    """The MobileNetV3 body around ``stack_fn``'s inverted residual blocks; any input
    size of at least 32x32 (the classifier is convolutional)."""
    application_model.check_weights(weights, include_top, classes)
    input_shape = _input_shape(input_shape, input_tensor)
    rows, cols = application_model.spatial_size(input_shape)
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for "
                f"non minimalistic or `1.0` for minimalistic only. Received alpha={alpha}, "
                f"minimalistic={minimalistic}"
            )
        if rows != cols or rows != 224:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights "
                "for input shape (224, 224) will be loaded as the default.",
                stacklevel=3,
            )
    img_input = application_model.image_input(input_tensor, input_shape)
    axis = application_model.channel_axis()
    if minimalistic:
        kernel, activation, se_ratio = 3, relu, None
    else:
        kernel, activation, se_ratio = 5, hard_swish, 0.25
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(
        16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv"
    )(x)
    x = _batch_norm("conv_bn")(x)
    x = activation(x)
    x = stack_fn(x, kernel, activation, se_ratio)
    last_conv_ch = _depth(x.shape[axis] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = _batch_norm("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(
            last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2"
        )(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = application_model.build_model(input_tensor, img_input, x, name)
    file_name = file_hash = None
    if weights == "imagenet":
        variant = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        if include_top:
            file_name = f"weights_mobilenet_v3_{variant}.h5"
        else:
            file_name = f"weights_mobilenet_v3_{variant}_no_top_v2.h5"
        file_hash = WEIGHTS_HASHES[variant][0 if include_top else 1]
    application_model.load_weights(model, weights, BASE_WEIGHT_PATH, file_name, file_hash)
    return model


def MobileNetV3Small(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Small",
):
    """MobileNetV3Small; ``alpha`` scales the blocks' filters, ``minimalistic`` drops
    squeeze-and-excitation, hard-swish and 5x5 kernels."""

    def stack_fn(x, kernel, activation, se_ratio):
        def depth(d):
            return _depth(d * alpha)

        # (expansion, filters, kernel, stride, se_ratio, activation) per block
        blocks = [
            (1, depth(16), 3, 2, se_ratio, relu),
            (72.0 / 16, depth(24), 3, 2, None, relu),
            (88.0 / 24, depth(24), 3, 1, None, relu),
            (4, depth(40), kernel, 2, se_ratio, activation),
            (6, depth(40), kernel, 1, se_ratio, activation),
            (6, depth(40), kernel, 1, se_ratio, activation),
            (3, depth(48), kernel, 1, se_ratio, activation),
            (3, depth(48), kernel, 1, se_ratio, activation),
            (6, depth(96), kernel, 2, se_ratio, activation),
            (6, depth(96), kernel, 1, se_ratio, activation),
            (6, depth(96), kernel, 1, se_ratio, activation),
        ]
        for block_id, args in enumerate(blocks):
            x = _inverted_res_block(x, *args, block_id)
        return x

    return MobileNetV3(
        stack_fn,
        1024,
        input_shape,
        alpha,
        "small",
        minimalistic,
        include_top,
        weights,
        input_tensor,
        classes,
        pooling,
        dropout_rate,
        classifier_activation,
        include_preprocessing,
        name=name,
    )


def MobileNetV3Large(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Large",
):
    """MobileNetV3Large; ``alpha`` scales the blocks' filters, ``minimalistic`` drops
    squeeze-and-excitation, hard-swish and 5x5 kernels."""

    def stack_fn(x, kernel, activation, se_ratio):
        def depth(d):
            return _depth(d * alpha)

        blocks = [
            (1, depth(16), 3, 1, None, relu),
            (4, depth(24), 3, 2, None, relu),
            (3, depth(24), 3, 1, None, relu),
            (3, depth(40), kernel, 2, se_ratio, relu),
            (3, depth(40), kernel, 1, se_ratio, relu),
            (3, depth(40), kernel, 1, se_ratio, relu),
            (6, depth(80), 3, 2, None, activation),
            (2.5, depth(80), 3, 1, None, activation),
            (2.3, depth(80), 3, 1, None, activation),
            (2.3, depth(80), 3, 1, None, activation),
            (6, depth(112), 3, 1, se_ratio, activation),
            (6, depth(112), 3, 1, se_ratio, activation),
            (6, depth(160), kernel, 2, se_ratio, activation),
            (6, depth(160), kernel, 1, se_ratio, activation),
            (6, depth(160), kernel, 1, se_ratio, activation),
        ]
        for block_id, args in enumerate(blocks):
            x = _inverted_res_block(x, *args, block_id)
        return x

    return MobileNetV3(
        stack_fn,
        1280,
        input_shape,
        alpha,
        "large",
        minimalistic,
        include_top,
        weights,
        input_tensor,
        classes,
        pooling,
        dropout_rate,
        classifier_activation,
        include_preprocessing,
        name=name,
    )


def relu(x):
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """ReLU6(x + 3) / 6, with the arithmetic as ops (not layers), as in Keras."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _depth(value, divisor=8, min_value=None):
    return _make_divisible(value, divisor, min_value)


def _batch_norm(name):
    return layers.BatchNormalization(
        axis=application_model.channel_axis(), epsilon=1e-3, momentum=0.999, name=name
    )


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(
        inputs
    )
    x = layers.Conv2D(
        _depth(filters * se_ratio),
        kernel_size=1,
        padding="same",
        name=f"{prefix}squeeze_excite_conv",
    )(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1"
    )(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    """An expansion (not in block 0), a depthwise convolution, optional squeeze and
    excitation and a linear projection, with a residual connection when the shape is
    kept."""
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[application_model.channel_axis()]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(
            _depth(infilters * expansion),
            kernel_size=1,
            padding="same",
            use_bias=False,
            name=f"{prefix}expand",
        )(x)
        x = _batch_norm(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad"
        )(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=stride,
        padding="same" if stride == 1 else "valid",
        use_bias=False,
        name=f"{prefix}depthwise",
    )(x)
    x = _batch_norm(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project"
    )(x)
    x = _batch_norm(f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: MobileNetV3 models rescale their inputs themselves
    (``include_preprocessing=True``); kept so that every application module has the same
    functions."""
    return x


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (the model's ``(N, 1000)``
    probabilities): per sample, a list of ``(class_name, class_description, score)``, best
    first (see ``applications.imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)


# As Keras: the constructors are exported from lamina.applications, not this module.
__all__ = ["decode_predictions", "preprocess_input"]
