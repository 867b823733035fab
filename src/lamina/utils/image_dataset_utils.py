"""``image_dataset_from_directory``: a class-per-subfolder tree of images as a dataset."""

from __future__ import annotations

import functools

import numpy as np

from lamina import backend, ops
from lamina.utils import directory_index
from lamina.utils.dataset_formats import as_requested_format
from lamina.utils.image_utils import decode_image, pil_image

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = (
    "bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic",
)  # fmt: skip
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def _load_image(path, image_size, num_channels, interpolation, crop, pad, data_format):
    image = decode_image(path, num_channels)  # (height, width, channels), float32
    if image.shape[:2] != tuple(image_size) or crop or pad:
        image = ops.image.resize(
            image, image_size, interpolation=interpolation, crop_to_aspect_ratio=crop,
            pad_to_aspect_ratio=pad, data_format="channels_last",
        )  # fmt: skip
        image = np.asarray(backend.convert_to_numpy(image), dtype="float32")
    if data_format == "channels_first":
        image = np.ascontiguousarray(image.transpose(2, 0, 1))
    return image


def _check_image_arguments(color_mode, image_size, interpolation, crop, pad, format):
    if color_mode not in _CHANNELS:
        raise ValueError(
            f"color_mode must be one of {sorted(_CHANNELS)}; received color_mode={color_mode!r}."
        )
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if (
        not isinstance(image_size, (list, tuple))
        or len(image_size) != 2
        or not all(isinstance(side, int) and side > 0 for side in image_size)
    ):
        raise ValueError(
            "image_size must be (height, width), two positive integers; received "
            f"image_size={image_size!r}."
        )
    if not isinstance(interpolation, str) or interpolation.lower() not in _INTERPOLATIONS:
        raise ValueError(
            f"interpolation must be one of {_INTERPOLATIONS}; received {interpolation!r}."
        )
    if crop and pad:
        raise ValueError(
            "Give at most one of crop_to_aspect_ratio and pad_to_aspect_ratio; received both True."
        )
    if format not in ("lamina", "tf", "grain"):
        raise ValueError(f"format must be 'lamina', 'tf' or 'grain'; received format={format!r}.")
    # The active engine's resize must know the method: ask it now, not in a loading thread.
    probe = np.ones((2, 2, 1), dtype="float32")
    ops.image.resize(probe, (1, 1), interpolation=interpolation.lower())
    return tuple(image_size), interpolation.lower()


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    format="lamina",
    verbose=True,
):
    """A dataset of images read from ``directory``, one subfolder per class.

    ``main_directory/class_a/*.png`` and ``main_directory/class_b/*.png`` give images with
    labels 0 and 1 (classes in alphanumeric order unless ``class_names`` sets it). Formats:
    ``.bmp``, ``.gif`` (first frame), ``.jpeg``, ``.jpg``, ``.png``; decoding needs Pillow.

    Batches are ``images`` (float32, ``(batch, height, width, channels)`` or channels first
    per ``data_format``), or ``(images, labels)``: ``label_mode="int"`` gives int32
    ``(batch,)``, ``"categorical"`` float32 one-hot ``(batch, num_classes)``, ``"binary"``
    float32 ``(batch, 1)``, None no labels. Channels: 1, 3 or 4 per ``color_mode``
    (``"grayscale"``, ``"rgb"``, ``"rgba"``).

    Keras's arguments, with one difference: ``format`` defaults to ``"lamina"``, a
    :class:`SampleDataset` (a PyDataset that ``fit`` takes on every engine, loading
    ahead on threads, with ``class_names`` and ``file_paths``). ``format="tf"`` returns a
    ``tf.data.Dataset`` (needs TensorFlow), ``"grain"`` a Grain dataset (needs grain).
    ``subset="both"`` returns ``(training, validation)``. Symbolic links leading out of
    ``directory`` are refused.

    >>> train, val = image_dataset_from_directory(
    ...     "flowers/", image_size=(64, 64), validation_split=0.2, subset="both", seed=1
    ... )  # doctest: +SKIP
    >>> model.fit(train, validation_data=val, epochs=5)  # doctest: +SKIP
    """
    directory_index.check_label_arguments(labels, label_mode, class_names, "image")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    image_size, interpolation = _check_image_arguments(
        color_mode, image_size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, format
    )
    data_format = backend.standardize_data_format(data_format)
    directory_index.check_validation_split_arg(validation_split, subset, shuffle, seed)
    pil_image("image_dataset_from_directory")  # fail now, not in a loading thread
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    file_paths, labels, class_names = directory_index.index_directory(
        directory, labels, ALLOWLIST_FORMATS, class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose,
    )  # fmt: skip
    directory_index.check_binary_classes(label_mode, class_names)
    load_image = functools.partial(
        _load_image, image_size=image_size, num_channels=_CHANNELS[color_mode],
        interpolation=interpolation, crop=crop_to_aspect_ratio, pad=pad_to_aspect_ratio,
        data_format=data_format,
    )  # fmt: skip
    datasets = []
    for name, paths, part_labels in directory_index.subsets(
        file_paths, labels, validation_split, subset, directory, "image", verbose
    ):
        dataset = directory_index.files_dataset(
            paths, part_labels, load_image, label_mode, class_names, batch_size,
            shuffle=shuffle and name != "validation", seed=seed,
        )  # fmt: skip
        datasets.append(as_requested_format(dataset, format))
    return tuple(datasets) if subset == "both" else datasets[0]
