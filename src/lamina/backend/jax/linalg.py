"""Linear algebra on JAX."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg

from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype


def _t(x):
    """A float tensor: integers give floatx (JAX would give float64), as torch's engine."""
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(to_jax_dtype(None))


def norm(x, ord=None, axis=None, keepdims=False):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jnp.linalg.norm(_t(x), ord=ord, axis=axis, keepdims=keepdims)


def qr(x, mode="reduced"):
    if mode == "r":
        return jnp.linalg.qr(_t(x), mode="r")
    q, r = jnp.linalg.qr(_t(x), mode=mode)
    return q, r


def inv(x):
    return jnp.linalg.inv(_t(x))


def det(x):
    return jnp.linalg.det(_t(x))


def cholesky(x, upper=False):
    return jnp.linalg.cholesky(_t(x), upper=upper)


def svd(x, full_matrices=True, compute_uv=True):
    if not compute_uv:
        return jnp.linalg.svd(_t(x), compute_uv=False)
    u, s, vh = jnp.linalg.svd(_t(x), full_matrices=full_matrices)
    return u, s, vh


def solve(a, b):
    a, b = _t(a), _t(b)
    if b.ndim == a.ndim - 1:  # a batch of vectors, as Keras reads it (JAX >= 0.5 does not)
        return jnp.linalg.solve(a, b[..., None])[..., 0]
    return jnp.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    a, b = _t(a), _t(b)
    is_vector = b.ndim == a.ndim - 1  # a batch of vectors, as Keras reads it
    matrix = b[..., None] if is_vector else b
    out = jax.scipy.linalg.solve_triangular(a, matrix, lower=lower)
    return out[..., 0] if is_vector else out


def eig(x):
    values, vectors = jnp.linalg.eig(_t(x))
    return values, vectors


def eigh(x):
    values, vectors = jnp.linalg.eigh(_t(x))
    return values, vectors


def lstsq(a, b, rcond=None):
    return jnp.linalg.lstsq(_t(a), _t(b), rcond=rcond)[0]


def lu_factor(x):
    lu, pivots = jax.scipy.linalg.lu_factor(_t(x))
    return lu, pivots.astype(jnp.int32)


def jvp(fun, primals, tangents, has_aux=False):
    return jax.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)
