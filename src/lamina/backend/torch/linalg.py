"""Linear algebra on PyTorch."""

from __future__ import annotations

import torch

from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _t(x):
    """A float tensor: torch's linear algebra has no integer kernels; ints give floatx."""
    x = convert_to_tensor(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(to_torch_dtype(None))


def norm(x, ord=None, axis=None, keepdims=False):
    return torch.linalg.norm(_t(x), ord=ord, dim=axis, keepdim=keepdims)


def qr(x, mode="reduced"):
    return torch.linalg.qr(_t(x), mode=mode)


def inv(x):
    return torch.linalg.inv(_t(x))


def det(x):
    return torch.linalg.det(_t(x))


def cholesky(x):
    return torch.linalg.cholesky(_t(x))


def svd(x, full_matrices=True, compute_uv=True):
    if not compute_uv:
        return torch.linalg.svdvals(_t(x))
    return torch.linalg.svd(_t(x), full_matrices=full_matrices)


def solve(a, b):
    return torch.linalg.solve(_t(a), _t(b))
