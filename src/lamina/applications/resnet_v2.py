"""ResNet50V2, ResNet101V2 and ResNet152V2: the pre-activation ResNets (He et al., 2016,
"Identity Mappings in Deep Residual Networks"), built by ``resnet.ResNet``."""

from __future__ import annotations

from lamina.applications import imagenet_utils, resnet


def _v2_stacks(blocks):
    def stack_fn(x):
        x = resnet.stack_residual_blocks_v2(x, 64, blocks[0], name="conv2")
        x = resnet.stack_residual_blocks_v2(x, 128, blocks[1], name="conv3")
        x = resnet.stack_residual_blocks_v2(x, 256, blocks[2], name="conv4")
        return resnet.stack_residual_blocks_v2(x, 512, blocks[3], stride1=1, name="conv5")

    return stack_fn


def _resnet_v2(blocks, weights_name, **kwargs):
    return resnet.ResNet(
        _v2_stacks(blocks), preact=True, use_bias=True, weights_name=weights_name, **kwargs
    )


def ResNet50V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet50v2",
):
    """ResNet50V2 on 224x224 RGB images; ``preprocess_input`` is Keras's "tf" mode."""
    return _resnet_v2(
        (3, 4, 6, 3),
        "resnet50v2",
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        name=name,
    )


def ResNet101V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet101v2",
):
    """ResNet101V2 on 224x224 RGB images; ``preprocess_input`` is Keras's "tf" mode."""
    return _resnet_v2(
        (3, 4, 23, 3),
        "resnet101v2",
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        name=name,
    )


def ResNet152V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet152v2",
):
    """ResNet152V2 on 224x224 RGB images; ``preprocess_input`` is Keras's "tf" mode."""
    return _resnet_v2(
        (3, 8, 36, 3),
        "resnet152v2",
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        input_shape=input_shape,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        name=name,
    )


def preprocess_input(x, data_format=None):
    """RGB 0-255 images scaled to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (the model's ``(N, 1000)``
    probabilities): per sample, a list of ``(class_name, class_description, score)``, best
    first (see ``applications.imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "ResNet50V2",
    "ResNet101V2",
    "ResNet152V2",
    "decode_predictions",
    "preprocess_input",
]
