"""Linear algebra on JAX."""

from __future__ import annotations

import jax.numpy as jnp

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


def cholesky(x):
    return jnp.linalg.cholesky(_t(x))


def svd(x, full_matrices=True, compute_uv=True):
    if not compute_uv:
        return jnp.linalg.svd(_t(x), compute_uv=False)
    u, s, vh = jnp.linalg.svd(_t(x), full_matrices=full_matrices)
    return u, s, vh


def solve(a, b):
    return jnp.linalg.solve(_t(a), _t(b))
