"""Linear algebra on NumPy."""

from __future__ import annotations

import numpy as np

from lamina.backend.common import global_state
from lamina.backend.numpy.core import to_array, to_numpy_dtype


def _t(x):
    """A float array: integer matrices give floatx, as on the torch engine."""
    x = to_array(x)
    return x if x.dtype.kind in "fc" else x.astype(to_numpy_dtype(None))


def _invertible(x):
    """``x``, or identity matrices of its shape while shapes are inferred: the zero-filled
    stand-ins would be singular, and only the output shape matters there."""
    if global_state.in_symbolic_scope() and x.ndim >= 2 and x.shape[-1] == x.shape[-2]:
        return np.broadcast_to(np.eye(x.shape[-1], dtype=x.dtype), x.shape)
    return x


def norm(x, ord=None, axis=None, keepdims=False):
    x = _t(x)
    dtype = x.real.dtype  # a complex norm is real
    if isinstance(axis, list):
        axis = tuple(axis)
    if ord is None and axis is None:
        # As torch: the 2-norm of all entries, whatever the rank.
        out = np.asarray(np.linalg.norm(x.ravel()), dtype=dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return np.asarray(np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims), dtype=dtype)


def qr(x, mode="reduced"):
    q, r = np.linalg.qr(_t(x), mode=mode)
    return q, r


def inv(x):
    return np.linalg.inv(_invertible(_t(x)))


def det(x):
    return np.asarray(np.linalg.det(_t(x)))


def cholesky(x):
    return np.linalg.cholesky(_invertible(_t(x)))


def svd(x, full_matrices=True, compute_uv=True):
    x = _t(x)
    if not compute_uv:
        return np.linalg.svd(x, compute_uv=False)
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


def solve(a, b):
    a, b = _invertible(_t(a)), _t(b)
    if b.ndim == a.ndim - 1:  # a batch of vectors, as torch.linalg.solve reads it
        return np.linalg.solve(a, b[..., None])[..., 0]
    return np.linalg.solve(a, b)
