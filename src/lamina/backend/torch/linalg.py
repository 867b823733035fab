"""Linear algebra on PyTorch."""

from __future__ import annotations

import warnings

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


def cholesky(x, upper=False):
    return torch.linalg.cholesky(_t(x), upper=upper)


def svd(x, full_matrices=True, compute_uv=True):
    if not compute_uv:
        return torch.linalg.svdvals(_t(x))
    return torch.linalg.svd(_t(x), full_matrices=full_matrices)


def solve(a, b):
    a, b = _t(a), _t(b)
    b, is_vector = _as_matrix(a, b)
    out = torch.linalg.solve(a, b)
    return out.squeeze(-1) if is_vector else out


def _as_matrix(a, b):
    """``b`` as a batch of matrices: ``(..., M)`` vectors (one rank below ``a``) get a last
    axis of 1, as Keras reads them; the flag says to drop it again."""
    is_vector = b.ndim == a.ndim - 1
    return (b.unsqueeze(-1) if is_vector else b), is_vector


def solve_triangular(a, b, lower=False):
    a, b = _t(a), _t(b)
    b, is_vector = _as_matrix(a, b)
    out = torch.linalg.solve_triangular(a, b, upper=not lower)
    return out.squeeze(-1) if is_vector else out


def eig(x):
    return tuple(torch.linalg.eig(_t(x)))


def eigh(x):
    return tuple(torch.linalg.eigh(_t(x)))


def lstsq(a, b, rcond=None):
    # The pseudo-inverse gives NumPy's minimum-norm solution with NumPy's cut-off (rcond
    # None: eps * max(M, N)); unlike torch.linalg.lstsq it also has a fake-tensor rule.
    return torch.linalg.pinv(_t(a), rtol=rcond) @ _t(b)


def lu_factor(x):
    lu, pivots = torch.linalg.lu_factor(_t(x))
    return lu, (pivots - 1).to(torch.int32)  # LAPACK's pivots count from 1; Keras's from 0


def jvp(fun, primals, tangents, has_aux=False):
    with warnings.catch_warnings():
        # torch.func.jvp's first call imports decompositions that torch itself builds with
        # the deprecated torch.jit.script: torch's warning, not the user's to act on.
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", DeprecationWarning)
        return torch.func.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)
