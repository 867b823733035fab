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
    out = torch.zeros((num_segments, *data.shape[1:]), dtype=data.dtype, device=data.device)
    return out.index_add(0, segment_ids, data)


def erf(x):
    return torch.erf(_t(x))


def rsqrt(x):
    return torch.rsqrt(_t(x))


def norm_cast(x, dtype):
    return _t(x).to(to_torch_dtype(dtype))
