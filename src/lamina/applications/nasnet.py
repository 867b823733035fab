"""NASNet-A (Zoph et al., 2018, "Learning Transferable Architectures for Scalable Image
Recognition"), Mobile and Large, with Keras's layer names and order so that Keras's
published weight files load. Channels-last only, as in Keras.

Unlike Keras 3.15, NASNetMobile also builds on the torch engine (Keras refuses it there)."""

from __future__ import annotations

from lamina import backend, layers
from lamina.applications import application_model, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
NASNET_MOBILE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-mobile.h5"
NASNET_MOBILE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-mobile-no-top.h5"
NASNET_LARGE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-large.h5"
NASNET_LARGE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-large-no-top.h5"
# default size -> ((file name, URL, MD5) with the classifier, without)
_PUBLISHED = {
    224: (
        ("nasnet_mobile.h5", NASNET_MOBILE_WEIGHT_PATH, "020fb642bf7360b370c678b08e0adf61"),
        (
            "nasnet_mobile_no_top.h5",
            NASNET_MOBILE_WEIGHT_PATH_NO_TOP,
            "1ed92395b5b598bdda52abe5c0dbfd63",
        ),
    ),
    331: (
        ("nasnet_large.h5", NASNET_LARGE_WEIGHT_PATH, "11577c9a518f0070763c2b964a382f17"),
        (
            "nasnet_large_no_top.h5",
            NASNET_LARGE_WEIGHT_PATH_NO_TOP,
            "d81d89dc07e6e56530c4e77faddd61b5",
        ),
    ),
}


def _batch_norm(x, name):
    """NASNet's batch normalization (TF-slim's decay and epsilon)."""
    axis = application_model.channel_axis()
    return layers.BatchNormalization(axis=axis, momentum=0.9997, epsilon=1e-3, name=name)(x)


def _conv1x1(x, filters, name, strides=(1, 1)):
    return layers.Conv2D(
        filters,
        (1, 1),
        strides=strides,
        padding="same",
        use_bias=False,
        name=name,
        kernel_initializer="he_normal",
    )(x)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two [ReLU, separable convolution, batch normalization] steps; the first strided
    (after ``correct_pad`` zero padding) when ``strides`` is 2."""
    x = layers.Activation("relu")(ip)
    if strides == (2, 2):
        padding = imagenet_utils.correct_pad(x, kernel_size)
        x = layers.ZeroPadding2D(padding=padding, name=f"separable_conv_1_pad_{block_id}")(x)
        conv_padding = "valid"
    else:
        conv_padding = "same"
    x = layers.SeparableConv2D(
        filters,
        kernel_size,
        strides=strides,
        name=f"separable_conv_1_{block_id}",
        padding=conv_padding,
        use_bias=False,
    )(x)
    x = _batch_norm(x, f"separable_conv_1_bn_{block_id}")
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(
        filters, kernel_size, name=f"separable_conv_2_{block_id}", padding="same", use_bias=False
    )(x)
    return _batch_norm(x, f"separable_conv_2_bn_{block_id}")


def _adjust_block(p, ip, filters, block_id=None):
    """The previous cell's output ``p`` brought to ``ip``'s spatial size (two offset
    stride-2 paths, concatenated) or to ``filters`` channels (a 1x1 projection). As in
    Keras, sizes compare as Python values: unknown (None) sizes count as equal."""
    axis = application_model.channel_axis()
    spatial = 2 if backend.image_data_format() == "channels_first" else -2
    if p is None:
        return ip
    if p.shape[spatial] != ip.shape[spatial]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}"
        )(p)
        p1 = _conv1x1(p1, filters // 2, f"adjust_conv_1_{block_id}")
        # the second path sees the image shifted by one pixel: pad after, crop before
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}"
        )(p2)
        p2 = _conv1x1(p2, filters // 2, f"adjust_conv_2_{block_id}")
        p = layers.concatenate([p1, p2], axis=axis)
        return _batch_norm(p, f"adjust_bn_{block_id}")
    if p.shape[axis] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
        return _batch_norm(p, f"adjust_bn_{block_id}")
    return p


def _cell_input(ip, p, filters, block_id, kind):
    """The adjusted previous output and the ReLU-1x1-BN of the cell's input."""
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(h, filters, f"{kind}_conv_1_{block_id}")
    return p, _batch_norm(h, f"{kind}_bn_1_{block_id}")


def _average_pool(x, name, strides=(1, 1), padding="same"):
    return layers.AveragePooling2D((3, 3), strides=strides, padding=padding, name=name)(x)


def _normal_a_cell(ip, p, filters, block_id=None):
    """A Normal cell (the paper's Fig. 4): five pairwise-combined branches concatenated
    with the previous output; returns (output, ``ip`` as the next cell's previous)."""
    p, h = _cell_input(ip, p, filters, block_id, "normal")
    x1_1 = _separable_conv_block(
        h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}"
    )
    x1_2 = _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
    x1 = layers.add([x1_1, x1_2], name=f"normal_add_1_{block_id}")
    x2_1 = _separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
    x2_2 = _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
    x2 = layers.add([x2_1, x2_2], name=f"normal_add_2_{block_id}")
    x3 = _average_pool(h, f"normal_left3_{block_id}")
    x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
    x4_1 = _average_pool(p, f"normal_left4_{block_id}")
    x4_2 = _average_pool(p, f"normal_right4_{block_id}")
    x4 = layers.add([x4_1, x4_2], name=f"normal_add_4_{block_id}")
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
    x = layers.concatenate(
        [p, x1, x2, x3, x4, x5],
        axis=application_model.channel_axis(),
        name=f"normal_concat_{block_id}",
    )
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    """A Reduction cell (the paper's Fig. 4): halves the spatial size; returns (output,
    ``ip`` as the next cell's previous). Layer names, odd ones included, are Keras's."""
    p, h = _cell_input(ip, p, filters, block_id, "reduction")
    h3 = layers.ZeroPadding2D(
        padding=imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}"
    )(h)
    x1_1 = _separable_conv_block(
        h, filters, (5, 5), strides=(2, 2), block_id=f"reduction_left1_{block_id}"
    )
    x1_2 = _separable_conv_block(
        p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right1_{block_id}"
    )
    x1 = layers.add([x1_1, x1_2], name=f"reduction_add_1_{block_id}")
    x2_1 = layers.MaxPooling2D(
        (3, 3), strides=(2, 2), padding="valid", name=f"reduction_left2_{block_id}"
    )(h3)
    x2_2 = _separable_conv_block(
        p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right2_{block_id}"
    )
    x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
    x3_1 = _average_pool(h3, f"reduction_left3_{block_id}", strides=(2, 2), padding="valid")
    x3_2 = _separable_conv_block(
        p, filters, (5, 5), strides=(2, 2), block_id=f"reduction_right3_{block_id}"
    )
    x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
    x4 = _average_pool(x1, f"reduction_left4_{block_id}")
    x4 = layers.add([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5_2 = layers.MaxPooling2D(
        (3, 3), strides=(2, 2), padding="valid", name=f"reduction_right5_{block_id}"
    )(h3)
    x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{block_id}")
    x = layers.concatenate(
        [x2, x3, x4, x5],
        axis=application_model.channel_axis(),
        name=f"reduction_concat_{block_id}",
    )
    return x, ip


def _check_arguments(weights, include_top, classes, input_shape) -> None:
    if backend.image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data format. Expected "
            "image_data_format 'channels_last'. Received: 'channels_first'."
        )
    application_model.check_weights(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, "
            f"the input_shape argument must be static (no None entries). "
            f"Received: input_shape={input_shape}"
        )


def _nasnet_cells(x, filters, num_blocks, filter_multiplier, skip_reduction):
    """The stem's two reduction cells, then three stacks of ``num_blocks`` normal cells
    separated by reduction cells."""
    p = None
    x, p = _reduction_a_cell(x, p, filters // (filter_multiplier**2), block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stack in range(3):
        stack_filters = filters * filter_multiplier**stack
        if stack > 0:
            x, p0 = _reduction_a_cell(x, p, stack_filters, block_id=f"reduce_{stack * num_blocks}")
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            block_id = stack * num_blocks + i + 1 if stack else i  # Keras's numbering
            x, p = _normal_a_cell(x, p, stack_filters, block_id=f"{block_id}")
    return x


def _nasnet(
    input_shape,
    penultimate_filters,
    num_blocks,
    stem_block_filters,
    skip_reduction,
    filter_multiplier,
    include_top,
    weights,
    input_tensor,
    pooling,
    classes,
    default_size,
    classifier_activation,
    name,
):
    _check_arguments(weights, include_top, classes, input_shape)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=32,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    if penultimate_filters % (24 * (filter_multiplier**2)) != 0:
        raise ValueError(
            "For NASNet-A models, `penultimate_filters` must be a multiple of "
            f"24 * filter_multiplier**2 = {24 * filter_multiplier**2}. "
            f"Received: penultimate_filters={penultimate_filters}"
        )
    img_input = application_model.image_input(input_tensor, input_shape)
    x = layers.Conv2D(
        stem_block_filters,
        (3, 3),
        strides=(2, 2),
        padding="valid",
        use_bias=False,
        name="stem_conv1",
        kernel_initializer="he_normal",
    )(img_input)
    x = _batch_norm(x, "stem_bn1")
    x = _nasnet_cells(x, penultimate_filters // 24, num_blocks, filter_multiplier, skip_reduction)
    x = layers.Activation("relu")(x)
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
    model = application_model.build_model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        file_name, url, file_hash = _PUBLISHED[default_size][0 if include_top else 1]
        weights = _fetch(file_name, url, file_hash)
    application_model.load_weights(model, weights)
    return model


def _fetch(file_name, url, file_hash):
    from lamina.utils import get_file  # floor 6: the download helper

    return get_file(file_name, url, cache_subdir="models", file_hash=file_hash)


def NASNetMobile(
    input_shape=None,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="nasnet_mobile",
):
    """NASNet-A Mobile (4 @ 1056) on 224x224 RGB images (at least 32x32);
    ``preprocess_input`` is Keras's "tf" mode (pixels scaled to [-1, 1])."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return _nasnet(
        input_shape,
        penultimate_filters=1056,
        num_blocks=4,
        stem_block_filters=32,
        skip_reduction=False,
        filter_multiplier=2,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        pooling=pooling,
        classes=classes,
        default_size=224,
        classifier_activation=classifier_activation,
        name=name,
    )


def NASNetLarge(
    input_shape=None,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="nasnet_large",
):
    """NASNet-A Large (6 @ 4032) on 331x331 RGB images (at least 32x32);
    ``preprocess_input`` is Keras's "tf" mode (pixels scaled to [-1, 1])."""
    return _nasnet(
        input_shape,
        penultimate_filters=4032,
        num_blocks=6,
        stem_block_filters=96,
        skip_reduction=True,
        filter_multiplier=2,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        pooling=pooling,
        classes=classes,
        default_size=331,
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


__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]
