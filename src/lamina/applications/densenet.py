"""DenseNet121, DenseNet169 and DenseNet201 (Huang et al., 2017, "Densely Connected
Convolutional Networks"), with Keras's layer names so that Keras's published weight files
load."""

from __future__ import annotations

from lamina import backend, layers
from lamina.applications import application_model, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
# blocks per stage -> (weights name, MD5 with the classifier, without)
_WEIGHTS = {
    (6, 12, 24, 16): (
        "densenet121",
        "9d60b8095a5708f2dcce2bca79d332c7",
        "30ee3e1110167f948a6b9946edeeb738",
    ),
    (6, 12, 32, 32): (
        "densenet169",
        "d699b8f76981ab1b30698df4c175e90b",
        "b8c4d4c20dd625c148057b9ff1c1176b",
    ),
    (6, 12, 48, 32): (
        "densenet201",
        "1ceb130c1ea1b78c3bf6114dbdfd8807",
        "c13680b51ded0fb44dff2d8f86ac8bb1",
    ),
}
_EPSILON = 1.001e-5
_GROWTH_RATE = 32


def _batch_norm(name):
    return layers.BatchNormalization(
        axis=application_model.channel_axis(), epsilon=_EPSILON, name=name
    )


def dense_block(x, blocks, name):
    """``blocks`` conv blocks, each adding ``growth_rate`` (32) channels."""
    for index in range(1, blocks + 1):
        x = conv_block(x, _GROWTH_RATE, name=f"{name}_block{index}")
    return x


def transition_block(x, reduction, name):
    """Batch normalization, ReLU, a 1x1 convolution keeping ``reduction`` of the channels
    and 2x2 average pooling."""
    axis = application_model.channel_axis()
    x = _batch_norm(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[axis] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def conv_block(x, growth_rate, name):
    """A 1x1 bottleneck and a 3x3 convolution (each after batch normalization and ReLU)
    whose ``growth_rate`` output channels are concatenated to ``x``."""
    y = _batch_norm(f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _batch_norm(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=application_model.channel_axis(), name=f"{name}_concat")([x, y])


def DenseNet(
    blocks,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet",
):
    """A DenseNet whose four dense blocks have ``blocks`` conv blocks each; Keras's
    published weights exist for DenseNet121/169/201's."""
    if backend.image_data_format() == "channels_first":
        raise ValueError(
            "DenseNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` (lamina.config.set_image_data_format). Received: "
            "image_data_format=channels_first"
        )
    application_model.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=224,
        min_size=32,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    img_input = application_model.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)  # unnamed, as in Keras
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, 2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = _batch_norm("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = application_model.classifier_top(
        x, include_top, pooling, classes, classifier_activation, weights
    )
    model = application_model.build_model(input_tensor, img_input, x, name)
    file_name = file_hash = None
    known = _WEIGHTS.get(tuple(blocks))
    if weights == "imagenet":
        if known is None:
            raise ValueError(
                "Keras publishes ImageNet weights for DenseNet121, 169 and 201 only. "
                f"Received: blocks={list(blocks)}"
            )
        suffix = "" if include_top else "_notop"
        file_name = f"{known[0]}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        file_hash = known[1] if include_top else known[2]
    application_model.load_weights(model, weights, BASE_WEIGHTS_PATH, file_name, file_hash)
    return model


def DenseNet121(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet121",
):
    """DenseNet121 on 224x224 RGB images; ``preprocess_input`` is Keras's "torch" mode."""
    return DenseNet(
        [6, 12, 24, 16],
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name=name,
    )


def DenseNet169(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet169",
):
    """DenseNet169 on 224x224 RGB images; ``preprocess_input`` is Keras's "torch" mode."""
    return DenseNet(
        [6, 12, 32, 32],
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name=name,
    )


def DenseNet201(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet201",
):
    """DenseNet201 on 224x224 RGB images; ``preprocess_input`` is Keras's "torch" mode."""
    return DenseNet(
        [6, 12, 48, 32],
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name=name,
    )


def preprocess_input(x, data_format=None):
    """RGB 0-255 images scaled to [0, 1] and standardized per channel ("torch" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (the model's ``(N, 1000)``
    probabilities): per sample, a list of ``(class_name, class_description, score)``, best
    first (see ``applications.imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "decode_predictions",
    "preprocess_input",
]
