"""Linear-algebra ops (Keras's ``keras.ops.linalg``).

Matrices are the last two axes; any leading axes are a batch. Integer inputs give floatx.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import engine, floatx as _floatx, is_float_dtype as _is_float_dtype
from lamina.backend.common import tree as _tree
from lamina.ops.core import shape as _shape
from lamina.ops.dispatch import op
from lamina.ops.dtype_checks import (
    FULL_PRECISION as _FULL_PRECISION,
    float_arguments as _float_arguments,
    require_dtype as _require_dtype,
)

_linalg = engine.linalg
_numpy = engine.numpy


def _check_matrices(name: str, x, square: bool = True) -> None:
    """Keras's rank and squareness rules, checked eagerly and on KerasTensors alike."""
    x_shape = _shape(x)
    if len(x_shape) < 2:
        raise ValueError(
            f"{name} expects a tensor of rank >= 2 (a matrix or a batch of them); "
            f"received shape {x_shape}."
        )
    rows, columns = x_shape[-2:]
    if square and rows is not None and columns is not None and rows != columns:
        raise ValueError(f"{name} expects square matrices; received shape {x_shape}.")


def _check_right_hand_side(name: str, a, b) -> None:
    """``b`` is ``(..., M)`` vectors or ``(..., M, K)`` matrices for ``a`` of ``(..., M, M)``."""
    a_shape, b_shape = _shape(a), _shape(b)
    if len(b_shape) < 1:
        raise ValueError(f"{name} expects b of rank >= 1; received a scalar.")
    if len(b_shape) == len(a_shape):
        expected, found = a_shape[-2], b_shape[-2]
    elif len(b_shape) == len(a_shape) - 1:
        expected, found = a_shape[-1], b_shape[-1]
    else:
        return
    if expected is not None and found is not None and expected != found:
        raise ValueError(
            f"{name}: a of shape {a_shape} and b of shape {b_shape} do not match; b needs "
            f"{expected} rows."
        )


def _matrix_op(engine_function, square=True, name=None, doc=None):
    public = op(engine_function, name=name, doc=doc)
    name = public.__name__

    def checked(x, *args, **kwargs):
        _check_matrices(name, x, square)
        return public(x, *args, **kwargs)

    checked.__name__ = checked.__qualname__ = name
    checked.__doc__ = public.__doc__
    return checked


def _system_op(engine_function, doc=None):
    public = op(engine_function, doc=doc)
    name = public.__name__

    def checked(a, b, *args, **kwargs):
        _check_matrices(name, a)
        _check_right_hand_side(name, a, b)
        return public(a, b, *args, **kwargs)

    checked.__name__ = checked.__qualname__ = name
    checked.__doc__ = public.__doc__
    return checked


norm = op(_linalg.norm, doc="Matrix or vector norm of ``x`` (NumPy's ``ord`` values).")
qr = _matrix_op(_linalg.qr, square=False, doc="(q, r) of ``x``; ``mode`` 'reduced' or 'complete'.")
svd = _matrix_op(
    _linalg.svd, square=False, doc="(u, s, vh) of ``x``, or ``s`` alone when not compute_uv."
)
inv = _matrix_op(_linalg.inv, doc="The inverse of each square matrix in ``x``.")
det = _matrix_op(_linalg.det, doc="The determinant of each square matrix in ``x``: ``(...,)``.")
cholesky = _matrix_op(
    _linalg.cholesky,
    doc="The Cholesky factor of a positive-definite ``x``: lower, or upper when ``upper``.",
)
eig = _matrix_op(
    _linalg.eig, doc="(eigenvalues ``(..., M)``, eigenvectors ``(..., M, M)``), both complex."
)
eigh = _matrix_op(
    _linalg.eigh,
    doc="(eigenvalues ascending ``(..., M)``, eigenvectors ``(..., M, M)``) of a symmetric "
    "(Hermitian) ``x``, from its lower triangle.",
)
lu_factor = _matrix_op(
    _linalg.lu_factor,
    square=False,
    doc="(lu, pivots): L (unit diagonal, below) and U packed in one matrix, and the row "
    "swapped with row ``i`` at step ``i`` (int32, counted from 0), as LAPACK's getrf.",
)
# Single and double precision only, as Keras (LAPACK's kernels: no integers, no half floats).
eig = _float_arguments(eig, "x", allowed=_FULL_PRECISION)
lu_factor = _float_arguments(lu_factor, "x", allowed=_FULL_PRECISION)
solve = _system_op(
    _linalg.solve, doc="``x`` with ``a @ x == b``; ``b`` is (..., M) or (..., M, K)."
)
solve_triangular = _system_op(
    _linalg.solve_triangular,
    doc="``x`` with ``a @ x == b`` for triangular ``a`` (upper unless ``lower``; the other "
    "triangle is ignored).",
)


def _lstsq(a, b, rcond=None):
    a_shape, b_shape = _shape(a), _shape(b)
    if len(a_shape) != 2 or len(b_shape) not in (1, 2):
        raise ValueError(
            "lstsq expects a of rank 2 and b of rank 1 or 2; received shapes "
            f"{a_shape} and {b_shape}."
        )
    if None not in (a_shape[0], b_shape[0]) and a_shape[0] != b_shape[0]:
        raise ValueError(
            f"lstsq: a of shape {a_shape} and b of shape {b_shape} need the same number of rows."
        )
    return _linalg.lstsq(a, b, rcond=rcond)


lstsq = op(
    _lstsq,
    name="lstsq",
    doc="The least-squares (minimum-norm) ``x`` of ``a @ x ~= b``: (N,) or (N, K). "
    "``rcond`` cuts off small singular values, as NumPy's.",
)


def _cholesky_inverse(x, upper=False):
    x = engine.core.convert_to_tensor(x)
    dtype = _numpy.get_dtype_name(x)
    if not _is_float_dtype(dtype) and "complex" not in dtype:
        dtype = _floatx()
        x = engine.core.cast(x, dtype)
    identity = _numpy.broadcast_to(_numpy.eye(x.shape[-1], dtype=dtype), tuple(x.shape))
    factor_inverse = _linalg.solve_triangular(x, identity, lower=not upper)
    transposed = _numpy.swapaxes(factor_inverse, -1, -2)
    if upper:  # A = U^T U, so A^-1 = U^-1 U^-T
        return _numpy.matmul(factor_inverse, transposed)
    return _numpy.matmul(transposed, factor_inverse)  # A = L L^T, so A^-1 = L^-T L^-1


cholesky_inverse = _matrix_op(
    _cholesky_inverse,
    name="cholesky_inverse",
    doc="The inverse of ``A`` from its Cholesky factor ``x`` (lower, or upper when ``upper``).",
)


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode derivative: ``(fun(*primals), J @ tangents)`` (and ``aux`` when
    ``has_aux``, where ``fun`` returns ``(output, aux)``). Needs an engine with autodiff;
    primals are floats (as in Keras: integers have no tangent space)."""
    for index, primal in enumerate(_tree.flatten(primals)):
        _require_dtype("jvp", f"primals[{index}]", primal)
    return _linalg.jvp(fun, primals, tangents, has_aux=has_aux)


def _singular_values_cutoff(singular_values, relative, num_rows, num_columns, dtype):
    """``relative * s_max`` per matrix; ``relative`` defaults to max(M, N) * eps."""
    if relative is None:
        relative = max(num_rows, num_columns) * float(np.finfo(dtype).eps)
    return relative * _numpy.max(singular_values, axis=-1, keepdims=True)


def _float_matrices(x):
    x = engine.core.convert_to_tensor(x)
    if not _is_float_dtype(_numpy.get_dtype_name(x)):
        x = engine.core.cast(x, _floatx())
    return x


def _matrix_rank(x, tol=None):
    x = _float_matrices(x)
    singular_values = _linalg.svd(x, compute_uv=False)  # (..., K)
    dtype = _numpy.get_dtype_name(x)
    if tol is None:
        cutoff = _singular_values_cutoff(singular_values, None, *x.shape[-2:], dtype)
    else:
        cutoff = tol
    return engine.core.cast(_numpy.sum(singular_values > cutoff, axis=-1), "int32")


matrix_rank = _matrix_op(
    _matrix_rank,
    square=False,
    name="matrix_rank",
    doc="The number of singular values of each matrix above ``tol`` (default: the largest "
    "times max(M, N) * eps), as int32.",
)


def _pinv(x, rcond=None):
    x = _float_matrices(x)
    u, s, vh = _linalg.svd(x, full_matrices=False)  # (..., M, K), (..., K), (..., K, N)
    cutoff = _singular_values_cutoff(s, rcond, *x.shape[-2:], _numpy.get_dtype_name(x))
    kept = s > cutoff
    inverse_s = _numpy.where(kept, 1 / _numpy.where(kept, s, _numpy.ones_like(s)), 0 * s)
    scaled = _numpy.swapaxes(vh, -1, -2) * _numpy.expand_dims(inverse_s, -2)  # (..., N, K)
    return _numpy.matmul(scaled, _numpy.swapaxes(u, -1, -2))  # (..., N, M)


pinv = _matrix_op(
    _pinv,
    square=False,
    name="pinv",
    doc="The Moore-Penrose pseudo-inverse of each matrix (..., M, N) -> (..., N, M); "
    "singular values below ``rcond`` times the largest (default max(M, N) * eps) count "
    "as zero.",
)
