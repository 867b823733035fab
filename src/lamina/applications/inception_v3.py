"""InceptionV3 (Szegedy et al., 2015, "Rethinking the Inception Architecture for Computer
Vision"), with Keras's layer names and order so that Keras's published weight files
load."""

from __future__ import annotations

from lamina import backend, layers
from lamina.applications import application_model, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
# (MD5 with the classifier, without)
WEIGHTS_HASHES = ("9a0d58056eeedaa3f26cb7ebd46da564", "bcbd6486424b2319ff4ef7d526e38f63")


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """A bias-free convolution, batch normalization without scale, and ReLU; unnamed
    layers (generated names) unless ``name`` is given."""
    x = layers.Conv2D(
        filters,
        (num_row, num_col),
        strides=strides,
        padding=padding,
        use_bias=False,
        name=None if name is None else f"{name}_conv",
    )(x)
    x = layers.BatchNormalization(
        axis=application_model.channel_axis(),
        scale=False,
        name=None if name is None else f"{name}_bn",
    )(x)
    return layers.Activation("relu", name=name)(x)


def _average_pool_branch(x, filters):
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(x, filters, 1, 1)


def _concat(branches, name=None):
    return layers.Concatenate(axis=application_model.channel_axis(), name=name)(branches)


def _block_35(x, pool_filters, name):
    """mixed0-2: 1x1, 5x5, double 3x3 and pooling branches."""
    branch1x1 = conv2d_bn(x, 64, 1, 1)
    branch5x5 = conv2d_bn(x, 48, 1, 1)
    branch5x5 = conv2d_bn(branch5x5, 64, 5, 5)
    branch3x3dbl = conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch_pool = _average_pool_branch(x, pool_filters)
    return _concat([branch1x1, branch5x5, branch3x3dbl, branch_pool], name)


def _block_17(x, filters, name):
    """mixed4-7: factorized 7x7 branches with ``filters`` inner channels."""
    branch1x1 = conv2d_bn(x, 192, 1, 1)
    branch7x7 = conv2d_bn(x, filters, 1, 1)
    branch7x7 = conv2d_bn(branch7x7, filters, 1, 7)
    branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
    branch7x7dbl = conv2d_bn(x, filters, 1, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters, 1, 7)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
    branch_pool = _average_pool_branch(x, 192)
    return _concat([branch1x1, branch7x7, branch7x7dbl, branch_pool], name)


def _block_8(x, index):
    """mixed9 and mixed10: expanded filter-bank branches."""
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3_1 = conv2d_bn(branch3x3, 384, 1, 3)
    branch3x3_2 = conv2d_bn(branch3x3, 384, 3, 1)
    branch3x3 = _concat([branch3x3_1, branch3x3_2], f"mixed9_{index}")
    branch3x3dbl = conv2d_bn(x, 448, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 384, 3, 3)
    branch3x3dbl_1 = conv2d_bn(branch3x3dbl, 384, 1, 3)
    branch3x3dbl_2 = conv2d_bn(branch3x3dbl, 384, 3, 1)
    branch3x3dbl = _concat([branch3x3dbl_1, branch3x3dbl_2])
    branch_pool = _average_pool_branch(x, 192)
    return _concat([branch1x1, branch3x3, branch3x3dbl, branch_pool], f"mixed{9 + index}")


def InceptionV3(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="inception_v3",
):
    """InceptionV3 on 299x299 RGB images (at least 75x75); ``preprocess_input`` is
    Keras's "tf" mode."""
    application_model.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=299,
        min_size=75,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    img_input = application_model.image_input(input_tensor, input_shape)
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for index, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, f"mixed{index}")
    # mixed3: reduction to 17x17
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _concat([branch3x3, branch3x3dbl, branch_pool], "mixed3")
    for index, filters in enumerate((128, 160, 160, 192)):
        x = _block_17(x, filters, f"mixed{4 + index}")
    # mixed8: reduction to 8x8
    branch3x3 = conv2d_bn(x, 192, 1, 1)
    branch3x3 = conv2d_bn(branch3x3, 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _concat([branch3x3, branch7x7x3, branch_pool], "mixed8")
    for index in range(2):
        x = _block_8(x, index)
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
        f"inception_v3_weights_tf_dim_ordering_tf_kernels{suffix}.h5",
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


__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]
