"""Random rectangles as pixel masks: RandomErasing's erased area and CutMix's pasted one."""

from __future__ import annotations

from lamina import ops


def _bounds(batch_size, length, share, seed):
    """Start and end of a run of share * length pixels placed uniformly in length."""
    run = share * length
    start = ops.random.uniform((batch_size,), seed=seed) * (length - run)
    return start, start + run


def random_boxes_mask(images_shape, width_share, height_share, data_format, seed):
    """A boolean mask over images_shape (a batch, or one image as a batch of one) that
    is True inside one random rectangle per image, and the rectangles' areas as shares of
    the image. width_share and height_share are (N,) side lengths as fractions.
    """
    rank = len(images_shape)
    batch_size = images_shape[0] if rank == 4 else 1
    if data_format == "channels_last":
        height, width, channels = images_shape[-3], images_shape[-2], images_shape[-1]
    else:
        channels, height, width = images_shape[-3], images_shape[-2], images_shape[-1]
    x0, x1 = _bounds(batch_size, width, width_share, seed)
    y0, y1 = _bounds(batch_size, height, height_share, seed)
    rows = ops.reshape(ops.arange(height, dtype="float32"), (1, height, 1))
    columns = ops.reshape(ops.arange(width, dtype="float32"), (1, 1, width))

    def per_image(values):  # (N,) -> (N, 1, 1)
        return ops.reshape(values, (-1, 1, 1))

    inside = (
        (columns >= per_image(x0))
        & (columns < per_image(x1))
        & (rows >= per_image(y0))
        & (rows < per_image(y1))
    )  # (N, H, W)
    axis = -1 if data_format == "channels_last" else 1
    mask = ops.repeat(ops.expand_dims(inside, axis), channels, axis=axis)
    area = (x1 - x0) * (y1 - y0) / (width * height)
    return mask, area
