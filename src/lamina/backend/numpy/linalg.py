"""Linear algebra on NumPy."""

from __future__ import annotations

import numpy as np

from lamina.backend.common import global_state
from lamina.backend.numpy.core import kind, to_array, to_numpy_dtype


def _t(x):
    """A float array: integer matrices give floatx, as on the torch engine."""
    x = to_array(x)
    return x if kind(x.dtype) in "fc" else x.astype(to_numpy_dtype(None))


def _invertible(x):
    """``x``, or identity matrices of its shape while shapes are inferred: the zero-filled
    stand-ins would be singular, and only the output shape matters there."""
    if global_state.in_symbolic_scope() and x.ndim >= 2 and x.shape[-1] == x.shape[-2]:
        return np.broadcast_to(np.eye(x.shape[-1], dtype=x.dtype), x.shape)
    return x


def norm(x, ord=None, axis=None, keepdims=False):
    x = _t(x)
    # A complex norm is real; ``.real`` of a bfloat16 array would be float32.
    dtype = x.real.dtype if np.iscomplexobj(x) else x.dtype
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


def cholesky(x, upper=False):
    return np.linalg.cholesky(_invertible(_t(x)), upper=upper)


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


def solve_triangular(a, b, lower=False):
    a, b = _invertible(_t(a)), _t(b)
    a = np.tril(a) if lower else np.triu(a)  # only the named triangle counts, as LAPACK's trtrs
    return solve(a, b)


def _complex_dtype(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.complex64 if dtype.itemsize <= 4 else np.complex128)


def eig(x):
    x = _t(x)
    values, vectors = np.linalg.eig(x)
    # NumPy returns real arrays when every eigenvalue is real; torch and JAX always complex.
    dtype = _complex_dtype(x.dtype)
    return values.astype(dtype), vectors.astype(dtype)


def eigh(x):
    x = _t(x)
    values, vectors = np.linalg.eigh(x)
    return values.astype(x.real.dtype), vectors.astype(x.dtype)


def lstsq(a, b, rcond=None):
    a, b = _t(a), _t(b)
    return np.linalg.lstsq(a, b, rcond=rcond)[0].astype(a.dtype)


def lu_factor(x):
    """LU with partial pivoting, LAPACK's getrf layout: unit-lower L and U share one matrix;
    ``pivots[..., i]`` is the row swapped with row ``i`` at step ``i`` (counted from 0)."""
    lu = np.array(_t(x), copy=True)
    *batch, rows, columns = lu.shape
    steps = min(rows, columns)
    pivots = np.zeros((*batch, steps), dtype=np.int32)
    index = np.indices(tuple(batch)) if batch else ()
    with np.errstate(divide="ignore", invalid="ignore"):  # a singular pivot gives inf, as LAPACK
        for step in range(steps):
            pivot = step + np.argmax(np.abs(lu[..., step:, step]), axis=-1)  # (...)
            pivots[..., step] = pivot
            rows_now = lu[..., step, :].copy()
            lu[..., step, :] = lu[(*index, pivot)]
            lu[(*index, pivot)] = rows_now
            lu[..., step + 1 :, step] /= lu[..., step : step + 1, step]
            lu[..., step + 1 :, step + 1 :] -= (
                lu[..., step + 1 :, step : step + 1] * lu[..., step : step + 1, step + 1 :]
            )
    return lu, pivots


def jvp(fun, primals, tangents, has_aux=False):
    raise NotImplementedError(
        "jvp needs automatic differentiation, which the numpy engine does not have; "
        "use the torch or jax engine."
    )
