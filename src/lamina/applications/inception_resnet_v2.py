"""InceptionResNetV2 (Szegedy et al., 2016, "Inception-v4, Inception-ResNet and the Impact
of Residual Connections on Learning"), with Keras's layer names and order so that Keras's
published weight files load."""

from __future__ import annotations

from lamina import backend, layers
from lamina.applications import application_model, imagenet_utils

BASE_WEIGHT_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
)
# (MD5 with the classifier, without)
WEIGHTS_HASHES = ("e693bd0210a403b3192acc6073ad2e96", "d19885ff4a710c122648d3b5c3b684e4")


class CustomScaleLayer(layers.Layer):
    """``inputs[0] + scale * inputs[1]``: the residual sum of an Inception-ResNet block.
    Keras's class name, so that files move between Keras and Lamina."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        shortcut, residual = inputs
        return shortcut + residual * self.scale

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def conv2d_bn(
    x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None
):
    """A convolution, then (without a bias) batch normalization without scale, then
    ``activation``; sublayers named ``name``, ``name_bn`` and ``name_ac`` when ``name`` is
    given, generated names otherwise."""
    x = layers.Conv2D(
        filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name
    )(x)
    if not use_bias:
        x = layers.BatchNormalization(
            axis=application_model.channel_axis(),
            scale=False,
            name=None if name is None else f"{name}_bn",
        )(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


# Each residual branch as (filters, kernel size) chains, by block type.
_BRANCHES = {
    "block35": (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    "block17": (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1)))),
    "block8": (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1)))),
}


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """``x + scale * r``: r is the block's branches concatenated and projected back to
    ``x``'s channels by a 1x1 convolution; layers named ``{block_type}_{block_idx}_*``."""
    if block_type not in _BRANCHES:
        raise ValueError(
            "Unknown Inception-ResNet block type. Expected 'block35', 'block17' or "
            f"'block8'. Received: block_type={block_type}"
        )
    branches = []
    for chain in _BRANCHES[block_type]:
        branch = x
        for filters, kernel_size in chain:
            branch = conv2d_bn(branch, filters, kernel_size)
        branches.append(branch)
    block_name = f"{block_type}_{block_idx}"
    axis = application_model.channel_axis()
    mixed = layers.Concatenate(axis=axis, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(
        mixed, x.shape[axis], 1, activation=None, use_bias=True, name=f"{block_name}_conv"
    )
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def _stem(img_input):
    """35 x 35 x 192 from a 299 x 299 image."""
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    return layers.MaxPooling2D(3, strides=2)(x)


def _mixed_5b(x):
    """Inception-A: 35 x 35 x 320."""
    branch_0 = conv2d_bn(x, 96, 1)
    branch_1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    branch_2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    branch_pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    branch_pool = conv2d_bn(branch_pool, 64, 1)
    branches = [branch_0, branch_1, branch_2, branch_pool]
    return layers.Concatenate(axis=application_model.channel_axis(), name="mixed_5b")(branches)


def _mixed_6a(x):
    """Reduction-A: 17 x 17 x 1088."""
    branch_0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(conv2d_bn(x, 256, 1), 256, 3)
    branch_1 = conv2d_bn(branch_1, 384, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    branches = [branch_0, branch_1, branch_pool]
    return layers.Concatenate(axis=application_model.channel_axis(), name="mixed_6a")(branches)


def _mixed_7a(x):
    """Reduction-B: 8 x 8 x 2080."""
    branch_0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    branch_2 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3)
    branch_2 = conv2d_bn(branch_2, 320, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    branches = [branch_0, branch_1, branch_2, branch_pool]
    return layers.Concatenate(axis=application_model.channel_axis(), name="mixed_7a")(branches)


def InceptionResNetV2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="inception_resnet_v2",
):
    """Inception-ResNet v2 on 299x299 RGB images (at least 75x75); ``preprocess_input`` is
    Keras's "tf" mode (pixels scaled to [-1, 1])."""
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
    x = _mixed_5b(_stem(img_input))
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)
    x = _mixed_6a(x)
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)
    x = _mixed_7a(x)
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")  # 8 x 8 x 1536
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
        BASE_WEIGHT_URL,
        f"inception_resnet_v2_weights_tf_dim_ordering_tf_kernels{suffix}.h5",
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


__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]
