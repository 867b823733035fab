"""Moving pixels between space and depth, and sliding blocks in and out of images.

``depth_to_space`` / ``space_to_depth`` are reshapes and one transpose. ``unfold`` (im2col)
and ``fold`` (col2im) take channels_first 4-D images, as in Keras (and torch): one strided
slice per kernel position, so any dtype works and gradients come for free.
"""

from __future__ import annotations

from lamina.backend.config import standardize_data_format
from lamina.ops import numpy as _np
from lamina.ops.core import convert_to_tensor
from lamina.ops.dispatch import op


def _pair(name: str, value) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) for v in pair):
        raise ValueError(f"{name} must be an int or a tuple of 2 ints; received {value!r}.")
    return pair  # type: ignore[return-value]


def _check_block(name: str, x, block_size) -> None:
    if len(x.shape) != 4:
        raise ValueError(f"{name} requires a 4D input tensor; received x.shape={tuple(x.shape)}.")
    if not isinstance(block_size, int) or block_size < 2:
        raise ValueError(f"{name}: block_size must be an int >= 2; received {block_size!r}.")


def _depth_to_space(x, block_size, data_format="channels_last"):
    x = convert_to_tensor(x)
    _check_block("depth_to_space", x, block_size)
    data_format = standardize_data_format(data_format)
    r = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
    else:
        n, c, h, w = x.shape
    if c % (r * r):
        raise ValueError(
            f"depth_to_space: the channels ({c}) must be divisible by block_size**2 ({r * r})."
        )
    depth = c // (r * r)
    if data_format == "channels_last":
        # Channel index (i * r + j) * depth + d goes to pixel (h * r + i, w * r + j).
        x = _np.reshape(x, (n, h, w, r, r, depth))
        x = _np.transpose(x, (0, 1, 3, 2, 4, 5))  # (N, H, r, W, r, depth)
        return _np.reshape(x, (n, h * r, w * r, depth))
    # channels_first, as Keras (and torch's pixel_shuffle): channel d * r * r + i * r + j.
    x = _np.reshape(x, (n, depth, r, r, h, w))
    x = _np.transpose(x, (0, 1, 4, 2, 5, 3))  # (N, depth, H, r, W, r)
    return _np.reshape(x, (n, depth, h * r, w * r))


def _space_to_depth(x, block_size, data_format="channels_last"):
    x = convert_to_tensor(x)
    _check_block("space_to_depth", x, block_size)
    data_format = standardize_data_format(data_format)
    r = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
    else:
        n, c, h, w = x.shape
    if h % r or w % r:
        raise ValueError(
            f"space_to_depth: height and width ({h}, {w}) must be divisible by block_size ({r})."
        )
    if data_format == "channels_last":
        x = _np.reshape(x, (n, h // r, r, w // r, r, c))
        x = _np.transpose(x, (0, 1, 3, 2, 4, 5))  # (N, H / r, W / r, r, r, C)
        return _np.reshape(x, (n, h // r, w // r, c * r * r))
    x = _np.reshape(x, (n, c, h // r, r, w // r, r))
    x = _np.transpose(x, (0, 1, 3, 5, 2, 4))  # (N, C, r, r, H / r, W / r)
    return _np.reshape(x, (n, c * r * r, h // r, w // r))


def _num_blocks(size: int, kernel: int, dilation: int, padding: int, stride: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _block_arguments(kernel_size, dilation, padding, stride):
    return (
        _pair("kernel_size", kernel_size),
        _pair("dilation", dilation),
        _pair("padding", padding),
        _pair("stride", stride),
    )


def _unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    if len(x.shape) != 4:
        raise ValueError(f"unfold: x must be a 4D tensor; received x.shape={tuple(x.shape)}.")
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _block_arguments(
        kernel_size, dilation, padding, stride
    )
    n, c, h, w = x.shape
    nh, nw = _num_blocks(h, kh, dh, ph, sh), _num_blocks(w, kw, dw, pw, sw)
    if nh < 1 or nw < 1:
        raise ValueError(
            f"unfold: the kernel {(kh, kw)} (dilation {(dh, dw)}) does not fit the padded "
            f"input of spatial shape {(h + 2 * ph, w + 2 * pw)}."
        )
    if ph or pw:
        x = _np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    blocks = [
        x[:, :, i * dh : i * dh + (nh - 1) * sh + 1 : sh, j * dw : j * dw + (nw - 1) * sw + 1 : sw]
        for i in range(kh)
        for j in range(kw)
    ]  # kh * kw of (N, C, nH, nW)
    blocks = _np.stack(blocks, axis=2)  # (N, C, kh * kw, nH, nW): torch's channel order
    return _np.reshape(blocks, (n, c * kh * kw, nh * nw))


def _spread(block, stride: int, axis: int):
    """``block`` with ``stride - 1`` zeros after each entry along ``axis`` (the last cut)."""
    if stride == 1:
        return block
    size = block.shape[axis]
    spread = _np.expand_dims(block, axis + 1)
    widths = [(0, 0)] * len(spread.shape)
    widths[axis + 1] = (0, stride - 1)
    spread = _np.pad(spread, widths)
    new_shape = list(block.shape)
    new_shape[axis] = size * stride
    spread = _np.reshape(spread, new_shape)
    key = [slice(None)] * len(new_shape)
    key[axis] = slice(0, (size - 1) * stride + 1)
    return spread[tuple(key)]


def _fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert_to_tensor(x)
    if len(x.shape) != 3:
        raise ValueError(f"fold: x must be a 3D tensor; received x.shape={tuple(x.shape)}.")
    oh, ow = _pair("output_size", output_size)
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = _block_arguments(
        kernel_size, dilation, padding, stride
    )
    n, ckk, length = x.shape
    nh, nw = _num_blocks(oh, kh, dh, ph, sh), _num_blocks(ow, kw, dw, pw, sw)
    if ckk % (kh * kw) or nh * nw != length:
        raise ValueError(
            f"fold: x.shape[1] must be divisible by kernel_size product {kh * kw} and "
            f"x.shape[2] must be the number of blocks {nh * nw} for output_size {(oh, ow)}; "
            f"received x.shape={tuple(x.shape)}."
        )
    c = ckk // (kh * kw)
    x = _np.reshape(x, (n, c, kh * kw, nh, nw))
    height, width = oh + 2 * ph, ow + 2 * pw
    out = None
    for i in range(kh):
        for j in range(kw):
            block = _spread(_spread(x[:, :, i * kw + j], sh, 2), sw, 3)
            top, left = i * dh, j * dw
            placed = _np.pad(
                block,
                (
                    (0, 0),
                    (0, 0),
                    (top, height - top - block.shape[2]),
                    (left, width - left - block.shape[3]),
                ),
            )  # (N, C, oH + 2 pH, oW + 2 pW), overlapping blocks add up
            out = placed if out is None else _np.add(out, placed)
    return out[:, :, ph : ph + oh, pw : pw + ow]


depth_to_space = op(
    _depth_to_space,
    name="depth_to_space",
    doc="(N, H, W, C * r^2) -> (N, H * r, W * r, C) for block_size r (pixel shuffle).",
)
space_to_depth = op(
    _space_to_depth,
    name="space_to_depth",
    doc="(N, H * r, W * r, C) -> (N, H, W, C * r^2) for block_size r; depth_to_space's inverse.",
)
unfold = op(
    _unfold,
    name="unfold",
    doc="Sliding blocks of a (N, C, H, W) image as (N, C * kH * kW, L) columns (im2col).",
)
fold = op(
    _fold,
    name="fold",
    doc="(N, C * kH * kW, L) blocks summed back into a (N, C, oH, oW) image (col2im).",
)
