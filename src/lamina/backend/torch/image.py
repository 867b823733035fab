"""Image functions on PyTorch (channels_last by default, as the layers)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina.backend.common.argument_checks import check_resize
from lamina.backend.config import standardize_data_format
from lamina.backend.torch.core import convert_to_tensor

# "nearest-exact" samples pixel floor((i + 0.5) * in / out), as Keras (jax.image.resize);
# torch's plain "nearest" takes floor(i * in / out), which picks other pixels.
_MODES = {"nearest": "nearest-exact", "bilinear": "bilinear", "bicubic": "bicubic"}


def resize(images, size, interpolation="bilinear", antialias=False, data_format=None):
    data_format = standardize_data_format(data_format)
    images = convert_to_tensor(images)
    check_resize(interpolation, images.ndim)
    batched = images.ndim == 4
    x = images if batched else images.unsqueeze(0)
    if data_format == "channels_last":
        x = x.permute(0, 3, 1, 2)
    extra = {} if interpolation == "nearest" else {"align_corners": False, "antialias": antialias}
    original = x.dtype
    if not x.is_floating_point():  # torch interpolates floats only; Keras rounds back
        x = x.to(torch.float32)
    out = F.interpolate(x, size=tuple(size), mode=_MODES[interpolation], **extra)
    if original == torch.bool:
        out = out.to(original)  # True where nonzero
    elif original != out.dtype:  # rounded and saturated (bicubic overshoots), as Keras
        limits = torch.iinfo(original)
        out = torch.round(out).clamp_(limits.min, limits.max).to(original)
    if data_format == "channels_last":
        out = out.permute(0, 2, 3, 1)
    return out if batched else out.squeeze(0)
