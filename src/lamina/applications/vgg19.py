"""VGG19: VGG16's design with four convolutions in each of the last three blocks."""

from __future__ import annotations

from lamina.applications.vgg16 import VGG, decode_predictions, preprocess_input


def VGG19(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="vgg19",
):
    """VGG19 on 224x224 RGB images; ``preprocess_input`` is Keras's "caffe" mode."""
    return VGG(
        (2, 2, 4, 4, 4),
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
        "vgg19",
    )


__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
