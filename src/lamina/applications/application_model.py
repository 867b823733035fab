"""The steps every application constructor shares, in Keras's order: check ``weights``,
make the image input (or take ``input_tensor``), name the model's inputs, and load the
weights (Keras's published file through ``utils.get_file``, with Keras's file name and
hash, or a local file)."""

from __future__ import annotations

import os
import warnings

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.models import Functional


def check_weights(weights, include_top, classes) -> None:
    """``weights`` is None, "imagenet" or an existing file; ImageNet's classifier has 1000
    classes."""
    is_path = isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)
    if not (weights in ("imagenet", None) or is_path):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), "
            "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded.  Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be "
            f"1000.  Received classes={classes}"
        )


def image_input(input_tensor, input_shape):
    """The model's image input: a new ``Input``, or the user's ``input_tensor``."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return layers.Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def spatial_size(shape):
    """(rows, cols) of an image shape without the batch axis."""
    if backend.image_data_format() == "channels_first":
        return shape[1], shape[2]
    return shape[0], shape[1]


def square_default_size(input_shape, sizes, default=224):
    """The MobileNets' default size: the user's square size when it is one of the
    ``sizes`` Keras publishes weights for, else ``default``."""
    if input_shape is None:
        return default
    rows, cols = spatial_size(input_shape)
    return rows if rows == cols and rows in sizes else default


def weights_rows(weights, input_shape, sizes, default=224):
    """The image size whose published weights load: the model's when square and one of
    ``sizes``, else ``default`` with a warning (ImageNet weights only)."""
    rows, cols = spatial_size(input_shape)
    if weights == "imagenet" and (rows != cols or rows not in sizes):
        warnings.warn(
            "`input_shape` is undefined or non-square, or `rows` is not in "
            f"{list(sizes)}. Weights for input shape ({default}, {default}) will be "
            "loaded as the default.",
            stacklevel=3,
        )
        return default
    return rows


def channel_axis() -> int:
    return 3 if backend.image_data_format() == "channels_last" else 1


def build_model(input_tensor, img_input, outputs, name):
    """The Functional model from the graph's sources (``input_tensor`` may follow other
    layers) to ``outputs``."""
    from lamina.utils import get_source_inputs  # floor 6: the graph helper

    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    return Functional(inputs, outputs, name=name)


def classifier_top(
    x,
    include_top,
    pooling,
    classes,
    classifier_activation,
    weights,
    top_pool_name="avg_pool",
    feature_pool_names=("avg_pool", "max_pool"),
):
    """Keras's common head: global average pooling and a ``predictions`` Dense, or the
    ``pooling`` asked for feature extraction. The pooling layers' names differ between
    Keras's families: ``top_pool_name`` and ``feature_pool_names`` (avg, max) give them,
    None for a generated name."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=feature_pool_names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=feature_pool_names[1])(x)
    return x


# Inception's and Xception's feature pooling layers are unnamed; NASNet's and
# MobileNetV2's classifier pooling too.
UNNAMED = (None, None)


def load_weights(model, weights, base_url=None, file_name=None, file_hash=None) -> None:
    """Loads ``weights`` into the new model: "imagenet" fetches Keras's published
    ``base_url + file_name`` into the cache (``$LAMINA_HOME/models``, checked against
    ``file_hash``) first; a path is loaded as it is; None loads nothing."""
    if weights == "imagenet":
        if file_name is None:
            return  # a variant Keras publishes no weights for
        from lamina.utils import get_file  # floor 6: the download helper

        weights = get_file(
            file_name, base_url + file_name, cache_subdir="models", file_hash=file_hash
        )
    if weights is not None:
        model.load_weights(weights)


__all__ = [
    "build_model",
    "channel_axis",
    "check_weights",
    "classifier_top",
    "image_input",
    "load_weights",
    "spatial_size",
    "square_default_size",
    "weights_rows",
]
