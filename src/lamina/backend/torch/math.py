"""Math functions on PyTorch beyond NumPy's set."""

from __future__ import annotations

import torch

from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype

_t = convert_to_tensor


def top_k(x, k, sorted=True):
    values, indices = torch.topk(_t(x), k, dim=-1, sorted=sorted)
    return values, indices.to(torch.int32)


def in_top_k(targets, predictions, k):
    targets, predictions = _t(targets).to(torch.int64), _t(predictions)
    target_scores = torch.gather(predictions, -1, targets.unsqueeze(-1))  # (B, 1)
    # A tie with the k-th score counts as inside the top k, as in TensorFlow.
    return torch.sum(predictions > target_scores, dim=-1) < k


def logsumexp(x, axis=None, keepdims=False):
    x = _t(x)
    dims = tuple(range(x.ndim)) if axis is None else axis
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids).to(torch.int64)
    num_segments = int(segment_ids.max().item()) + 1 if num_segments is None else num_segments
    # Ids outside [0, num_segments) (Keras's -1 for "none") go to a spare last row, dropped.
    segment_ids = torch.where(
        (segment_ids >= 0) & (segment_ids < num_segments), segment_ids, num_segments
    )
    out = torch.zeros((num_segments + 1, *data.shape[1:]), dtype=data.dtype, device=data.device)
    return out.index_add(0, segment_ids, data)[:-1]


def erf(x):
    return torch.erf(_t(x))


def rsqrt(x):
    return torch.rsqrt(_t(x))


def norm_cast(x, dtype):
    return _t(x).to(to_torch_dtype(dtype))


def _float(x):
    x = _t(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(None))


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids).to(torch.int64)
    num_segments = int(segment_ids.max().item()) + 1 if num_segments is None else num_segments
    if data.is_floating_point():
        empty = float("-inf")  # what an empty segment holds, as JAX's segment_max
    else:
        empty = torch.iinfo(data.dtype).min
    # Ids outside [0, num_segments) (Keras's -1 for "none") go to a spare last row, dropped.
    segment_ids = torch.where(
        (segment_ids >= 0) & (segment_ids < num_segments), segment_ids, num_segments
    )
    out = torch.full(
        (num_segments + 1, *data.shape[1:]), empty, dtype=data.dtype, device=data.device
    )
    index = segment_ids.reshape(-1, *[1] * (data.ndim - 1)).expand_as(data)
    return out.scatter_reduce(0, index, data, "amax")[:-1]


def extract_sequences(x, sequence_length, sequence_stride):
    return _t(x).unfold(-1, sequence_length, sequence_stride)


def _complex(x):
    real, imag = x
    return torch.complex(_float(real), _float(imag))


def fft(x):
    out = torch.fft.fft(_complex(x), dim=-1)
    return out.real, out.imag


def fft2(x):
    out = torch.fft.fft2(_complex(x), dim=(-2, -1))
    return out.real, out.imag


def ifft2(x):
    out = torch.fft.ifft2(_complex(x), dim=(-2, -1))
    return out.real, out.imag


def rfft(x, fft_length=None):
    out = torch.fft.rfft(_float(x), n=fft_length, dim=-1)
    return out.real, out.imag


def irfft(x, fft_length=None):
    return torch.fft.irfft(_complex(x), n=fft_length, dim=-1)


def erfinv(x):
    return torch.erfinv(_float(x))


def logdet(x):
    return torch.logdet(_float(x))


def view_as_complex(x):
    return torch.view_as_complex(_float(x).contiguous())


def view_as_real(x):
    return torch.view_as_real(_t(x))


def erfc(x):
    return torch.special.erfc(_float(x))


def _segment_reduce(data, segment_ids, num_segments, reduction, empty):
    data, segment_ids = _t(data), _t(segment_ids).to(torch.int64)
    num_segments = int(segment_ids.max().item()) + 1 if num_segments is None else num_segments
    # Ids outside [0, num_segments) (Keras's -1 for "none") go to a spare last row, dropped.
    segment_ids = torch.where(
        (segment_ids >= 0) & (segment_ids < num_segments), segment_ids, num_segments
    )
    out = torch.full(
        (num_segments + 1, *data.shape[1:]), empty, dtype=data.dtype, device=data.device
    )
    index = segment_ids.reshape(-1, *[1] * (data.ndim - 1)).expand_as(data)
    return out.scatter_reduce(0, index, data, reduction)[:-1]


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data = _t(data)
    empty = float("inf") if data.is_floating_point() else torch.iinfo(data.dtype).max
    return _segment_reduce(data, segment_ids, num_segments, "amin", empty)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(data, segment_ids, num_segments, "prod", 1)
