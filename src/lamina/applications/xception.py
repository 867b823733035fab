"""Xception (Chollet, 2017, "Xception: Deep Learning with Depthwise Separable
Convolutions"), with Keras's layer names and order so that Keras's published weight files
load."""

from __future__ import annotations

from lamina import backend, layers
from lamina.applications import application_model, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
# (MD5 with the classifier, without)
WEIGHTS_HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def _sepconv_bn(x, filters, name, activation_first=True):
    """(ReLU,) a 3x3 separable convolution and batch normalization, named ``name``_…."""
    if activation_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=application_model.channel_axis(), name=f"{name}_bn")(x)


def _downsampling_block(x, filters, block, first_activation=True):
    """Two separable convolutions and strided max pooling, added to a strided 1x1
    convolution of the input (unnamed, as in Keras)."""
    axis = application_model.channel_axis()
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=axis)(residual)
    # Block 2 follows the stem's activation directly.
    x = _sepconv_bn(x, filters[0], f"block{block}_sepconv1", first_activation)
    x = _sepconv_bn(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.Add()([x, residual])


def Xception(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="xception",
):
    """Xception on 299x299 RGB images (at least 71x71); ``preprocess_input`` is Keras's
    "tf" mode."""
    application_model.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=299,
        min_size=71,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    img_input = application_model.image_input(input_tensor, input_shape)
    axis = application_model.channel_axis()
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _downsampling_block(x, (128, 128), 2, first_activation=False)
    x = _downsampling_block(x, (256, 256), 3)
    x = _downsampling_block(x, (728, 728), 4)
    for block in range(5, 13):  # the middle flow
        residual = x
        for conv in (1, 2, 3):
            x = _sepconv_bn(x, 728, f"block{block}_sepconv{conv}")
        x = layers.Add()([x, residual])
    x = _downsampling_block(x, (728, 1024), 13)
    for conv, filters in ((1, 1536), (2, 2048)):
        x = layers.SeparableConv2D(
            filters, (3, 3), padding="same", use_bias=False, name=f"block14_sepconv{conv}"
        )(x)
        x = layers.BatchNormalization(axis=axis, name=f"block14_sepconv{conv}_bn")(x)
        x = layers.Activation("relu", name=f"block14_sepconv{conv}_act")(x)
    x = application_model.classifier_top(
        x,
        include_top,
        pooling,
        classes,
        classifier_activation,
        weights,
        top_pool_name="avg_pool",
        feature_pool_names=application_model.UNNAMED,
    )
    model = application_model.build_model(input_tensor, img_input, x, name)
    suffix = "" if include_top else "_notop"
    application_model.load_weights(
        model,
        weights,
        BASE_WEIGHTS_PATH,
        f"xception_weights_tf_dim_ordering_tf_kernels{suffix}.h5",
        WEIGHTS_HASHES[0 if include_top else 1],
    )
    return model


def preprocess_input(x, data_format=None):
    """RGB 0-255 images scaled to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (the model's ``(N, 1000)``
    probabilities): per sample, a list of ``(class_name, class_description, score)``, best
    first (see ``applications.imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = ["Xception", "decode_predictions", "preprocess_input"]
