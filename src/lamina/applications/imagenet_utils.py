"""What every ImageNet application shares: its input-shape rules, ``preprocess_input`` in
Keras's three modes, ``decode_predictions`` and the classifier-activation check.

Numbers and rules follow keras/src/applications/imagenet_utils.py (Keras 3.15): "caffe"
flips RGB to BGR and subtracts the ImageNet channel means, "tf" scales to [-1, 1], "torch"
scales to [0, 1] and standardizes each channel.
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np

from lamina import activations, backend, ops

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"
_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)
_MODES = ("caffe", "tf", "torch")
_class_index: dict | None = None


def _check_data_format(data_format):
    if data_format is None:
        return backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    return data_format


def _per_channel(values, ndim: int, data_format: str) -> np.ndarray:
    """A per-channel constant shaped to broadcast against a single image (3 dimensions)
    or a batch, channels last or first."""
    if data_format == "channels_last":
        shape: tuple = (3,)
    else:
        shape = (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    return np.reshape(np.asarray(values), shape)


def _flip_channels(x, data_format: str, ndim: int, module):
    axis = -1 if data_format == "channels_last" else (0 if ndim == 3 else 1)
    return module.flip(x, axis=axis)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scales a batch of RGB images (a NumPy array or a tensor, values 0-255) the way an
    ImageNet model was trained: ``mode`` is "caffe", "tf" or "torch" (see the module doc).
    A NumPy array comes back as a new float NumPy array; the input is never modified."""
    if mode not in _MODES:
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    data_format = _check_data_format(data_format)
    is_numpy = isinstance(x, np.ndarray)
    if is_numpy:
        dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else backend.floatx()
        x = np.asarray(x, dtype=dtype)
        module = np
    else:
        if not backend.is_keras_tensor(x):  # a symbolic input stays symbolic (a graph node)
            x = ops.convert_to_tensor(x)
        if not backend.is_float_dtype(x.dtype):
            x = ops.cast(x, backend.floatx())
        module = ops
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    if mode == "torch":
        x, mean, std = x / 255.0, _TORCH_MEAN, _TORCH_STD
    else:  # caffe: BGR order, mean-centred, not scaled
        x, mean, std = _flip_channels(x, data_format, ndim, module), _CAFFE_MEAN, None
    mean = _per_channel(mean, ndim, data_format)
    if is_numpy:
        x = x - mean.astype(x.dtype)
        return x if std is None else x / _per_channel(std, ndim, data_format).astype(x.dtype)
    x = ops.subtract(x, ops.cast(mean, x.dtype))
    if std is None:
        return x
    return ops.divide(x, ops.cast(_per_channel(std, ndim, data_format), x.dtype))


def _load_class_index() -> dict:
    """ImageNet's 1000 classes as ``{"0": [wnid, name], ...}``, read from the copy shipped
    in the package: byte for byte the file Keras downloads (MD5 ``CLASS_INDEX_HASH``), made
    offline by tools/make_imagenet_class_index.py."""
    global _class_index
    if _class_index is None:
        path = os.path.join(os.path.dirname(__file__), CLASS_INDEX_FILE)
        with open(path, encoding="utf-8") as file:
            _class_index = json.load(file)
    return _class_index


def decode_predictions(preds, top=5):
    """The ``top`` classes of each prediction in a ``(samples, 1000)`` batch, as lists of
    ``(class_name, class_description, score)``, best first."""
    shape = tuple(preds.shape)
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {shape}"
        )
    index = _load_class_index()
    results = []
    for row in np.asarray(ops.convert_to_numpy(preds)):
        best = np.argsort(row)[-top:][::-1]
        decoded = [(*index[str(i)], row[i]) for i in best]
        decoded.sort(key=lambda item: item[2], reverse=True)
        results.append(decoded)
    return results


def _default_shape(input_shape, default_size, data_format, weights):
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed "
                f"an input_shape with {channels} input channels.",
                stacklevel=4,
            )
        if data_format == "channels_first":
            return (input_shape[0], default_size, default_size)
        return (default_size, default_size, input_shape[-1])
    if data_format == "channels_first":
        return (3, default_size, default_size)
    return (default_size, default_size, 3)


def _check_given_shape(input_shape, min_size, data_format, weights) -> None:
    if len(input_shape) != 3:
        raise ValueError(
            f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}"
        )
    channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
    spatial = input_shape[1:] if data_format == "channels_first" else input_shape[:2]
    if channels != 3 and weights == "imagenet":
        raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
    if any(size is not None and size < min_size for size in spatial):
        raise ValueError(
            f"Input size must be at least {min_size}x{min_size}; Received: "
            f"input_shape={input_shape}"
        )


def obtain_input_shape(
    input_shape, default_size, min_size, data_format, require_flatten, weights=None
):
    """The model's input shape (no batch axis) from the user's ``input_shape``: the default
    with the classifier on ImageNet weights, otherwise checked (3 dimensions, at least
    ``min_size`` pixels, 3 channels for ImageNet weights)."""
    input_shape = tuple(input_shape) if input_shape is not None else None
    default_shape = _default_shape(input_shape, default_size, data_format, weights)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        _check_given_shape(input_shape, min_size, data_format, weights)
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs, kernel_size):
    """The ``ZeroPadding2D`` padding before a stride-2 "valid" convolution of
    ``kernel_size`` that centres the kernel as "same" padding would: one pixel less before
    along an even (or unknown) side."""
    first = 2 if backend.image_data_format() == "channels_first" else 1
    size = tuple(inputs.shape[first : first + 2])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights) -> None:
    """Pretrained classifiers take only ``None`` or ``"softmax"``."""
    if weights is None:
        return
    allowed = (activations.get("softmax"), activations.get(None))
    if activations.get(classifier_activation) not in allowed:
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the "
            "`classifier_activation` argument when using pretrained weights, with "
            f"`include_top=True`; Received: classifier_activation={classifier_activation}"
        )


__all__ = [
    "correct_pad",
    "decode_predictions",
    "obtain_input_shape",
    "preprocess_input",
    "validate_activation",
]
