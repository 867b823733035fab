"""Linear algebra on TensorFlow, with NumPy's conventions (``svd`` returns ``vh``,
``lu_factor`` LAPACK-style pivots, ``norm`` NumPy's ``ord`` values)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype
from lamina.backend.tensorflow.numpy import _cast, matmul, moveaxis


def _t(x):
    """A float tensor: TensorFlow's linear algebra has no integer kernels; ints give floatx."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating or x.dtype.is_complex else tf.cast(x, to_tf_dtype(None))


def _pair(a, b):
    a, b = _t(a), _t(b)
    if a.dtype != b.dtype:
        wider = a.dtype if a.dtype.size >= b.dtype.size else b.dtype
        a, b = _cast(a, wider), _cast(b, wider)
    return a, b


# ---- norms --------------------------------------------------------------------------------


def _vector_norm(x, ord, axis, keepdims):
    magnitude = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(tf.square(magnitude), axis=axis, keepdims=keepdims))
    if ord == float("inf"):
        return tf.reduce_max(magnitude, axis=axis, keepdims=keepdims)
    if ord == float("-inf"):
        return tf.reduce_min(magnitude, axis=axis, keepdims=keepdims)
    if ord == 0:
        nonzero = tf.cast(tf.not_equal(x, 0), magnitude.dtype)
        return tf.reduce_sum(nonzero, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: ord {ord!r} is only for matrices (a 2-tuple axis).")
    power = tf.reduce_sum(tf.pow(magnitude, ord), axis=axis, keepdims=keepdims)
    return tf.pow(power, 1.0 / ord)


def _matrix_norm(x, ord, axis, keepdims):
    row_axis, col_axis = (a % x.shape.rank for a in axis)
    magnitude = tf.abs(x)
    if ord in (None, "fro"):
        out = tf.sqrt(tf.reduce_sum(tf.square(magnitude), axis=axis, keepdims=True))
    elif ord in (1, -1, float("inf"), float("-inf")):
        # 1: the largest column sum; inf: the largest row sum (as NumPy).
        summed_axis, picked_axis = (row_axis, col_axis) if ord in (1, -1) else (col_axis, row_axis)
        sums = tf.reduce_sum(magnitude, axis=summed_axis, keepdims=True)
        pick = tf.reduce_max if ord in (1, float("inf")) else tf.reduce_min
        out = pick(sums, axis=picked_axis, keepdims=True)
    elif ord in ("nuc", 2, -2):
        moved = moveaxis(x, [row_axis, col_axis], [-2, -1])
        singular = tf.linalg.svd(moved, compute_uv=False)  # (..., k), largest first
        if ord == "nuc":
            out = tf.reduce_sum(singular, axis=-1)
        else:
            out = singular[..., 0] if ord == 2 else singular[..., -1]
        for a in sorted((row_axis, col_axis)):
            out = tf.expand_dims(out, a)
    else:
        raise ValueError(
            "norm: a matrix ord must be None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf; "
            f"received {ord!r}."
        )
    return out if keepdims else tf.squeeze(out, axis=[row_axis, col_axis])


def norm(x, ord=None, axis=None, keepdims=False):
    x = _t(x)
    ndim = x.shape.rank
    if axis is None:
        if ord is None:  # the 2-norm of the flattened array
            out = tf.sqrt(tf.reduce_sum(tf.square(tf.abs(x))))
            return tf.reshape(out, [1] * ndim) if keepdims else out
        if ndim not in (1, 2):
            raise ValueError(
                f"norm: with an ord and no axis, x must be 1-D or 2-D; received {ndim}-D."
            )
        axis = tuple(range(ndim))
    if isinstance(axis, (list, tuple)) and len(axis) == 2:
        return _matrix_norm(x, ord, tuple(axis), keepdims)
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise ValueError(f"norm: axis must be an int or a 1- or 2-tuple; received {axis!r}.")
        axis = axis[0]
    return _vector_norm(x, ord, axis, keepdims)


# ---- decompositions -----------------------------------------------------------------------


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete'; received {mode!r}.")
    q, r = tf.linalg.qr(_t(x), full_matrices=mode == "complete")
    return q, r


def inv(x):
    return tf.linalg.inv(_t(x))


def det(x):
    return tf.linalg.det(_t(x))


def cholesky(x, upper=False):
    lower_factor = tf.linalg.cholesky(_t(x))
    return tf.linalg.adjoint(lower_factor) if upper else lower_factor


def svd(x, full_matrices=True, compute_uv=True):
    x = _t(x)
    if not compute_uv:
        return tf.linalg.svd(x, compute_uv=False)
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return u, s, tf.linalg.adjoint(v)  # NumPy's vh, not TensorFlow's v


def eig(x):
    values, vectors = tf.linalg.eig(_t(x))
    return values, vectors


def eigh(x):
    values, vectors = tf.linalg.eigh(_t(x))  # reads the lower triangle, as NumPy
    return values, vectors


def lu_factor(x):
    x = _t(x)
    rows, cols = x.shape[-2], x.shape[-1]
    if rows != cols:  # tf.linalg.lu takes square matrices only
        return _rectangular_lu(x)
    lu, permutation = tf.linalg.lu(x)
    return lu, _permutation_to_pivots(permutation)


def _rectangular_lu(x):
    """LU with partial pivoting of (..., M, N) matrices, LAPACK's getrf step by step."""
    rows, cols = x.shape[-2], x.shape[-1]
    batch_dims = x.shape.rank - 2
    row_index = tf.range(rows)
    col_index = tf.range(cols)
    lu, pivots = x, []
    for step in range(min(rows, cols)):
        column = tf.abs(lu[..., step:, step])
        pivot = step + tf.argmax(column, axis=-1, output_type=tf.int32)  # the first largest
        pivots.append(pivot)
        swap = pivot[..., None]  # (..., 1)
        order = tf.where(row_index == step, swap, tf.where(row_index == swap, step, row_index))
        lu = tf.gather(lu, order, batch_dims=batch_dims)  # rows step and pivot exchanged
        below = tf.cast(row_index > step, lu.dtype)[:, None]  # (M, 1)
        right = tf.cast(col_index > step, lu.dtype)[None, :]  # (1, N)
        at_column = tf.cast(col_index == step, lu.dtype)[None, :]
        head = lu[..., step : step + 1, step : step + 1]  # (..., 1, 1)
        multipliers = lu[..., :, step : step + 1] / head * below  # (..., M, 1)
        update = multipliers * lu[..., step : step + 1, :] * right  # (..., M, N)
        lu = lu - update
        lu = lu * (1 - below * at_column) + multipliers * at_column
    return lu, tf.stack(pivots, axis=-1)


def _permutation_to_pivots(permutation):
    """LAPACK's pivots (row i was swapped with row pivots[i], in turn) from the permutation
    TensorFlow returns (row i of P @ x is row permutation[i] of x)."""
    permutation = tf.cast(permutation, tf.int32)
    n = permutation.shape[-1]
    order = tf.broadcast_to(tf.range(n), tf.shape(permutation))  # order[j]: row now at j
    position = order  # position[r]: where row r is now
    batch_dims = permutation.shape.rank - 1
    pivots = []
    for i in range(n):
        row = permutation[..., i]
        j = tf.gather(position, row[..., None], batch_dims=batch_dims)[..., 0]
        pivots.append(j)
        displaced = order[..., i]  # the row that moves from i to j
        at_j = tf.one_hot(j, n, on_value=True, off_value=False)
        order = tf.where(at_j, displaced[..., None], order)
        order = tf.where(tf.one_hot(i, n, on_value=True, off_value=False), row[..., None], order)
        moved = tf.one_hot(displaced, n, on_value=True, off_value=False)
        position = tf.where(moved, j[..., None], position)
        placed = tf.one_hot(row, n, on_value=True, off_value=False)
        position = tf.where(placed, tf.fill(tf.shape(j[..., None]), i), position)
    return tf.stack(pivots, axis=-1)


# ---- solvers ------------------------------------------------------------------------------


def _as_matrices(a, b):
    """``b`` as a batch of matrices (``(..., M)`` vectors, one rank below ``a``, get a last
    axis of 1, as Keras reads them) and both broadcast to one batch shape; the flag says to
    drop the added axis again."""
    is_vector = b.shape.rank == a.shape.rank - 1
    if is_vector:
        b = b[..., None]
    batch = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
    a = tf.broadcast_to(a, tf.concat([batch, tf.shape(a)[-2:]], 0))
    b = tf.broadcast_to(b, tf.concat([batch, tf.shape(b)[-2:]], 0))
    return a, b, is_vector


def solve(a, b):
    a, b, is_vector = _as_matrices(*_pair(a, b))
    out = tf.linalg.solve(a, b)
    return out[..., 0] if is_vector else out


def solve_triangular(a, b, lower=False):
    a, b, is_vector = _as_matrices(*_pair(a, b))
    out = tf.linalg.triangular_solve(a, b, lower=lower)
    return out[..., 0] if is_vector else out


def lstsq(a, b, rcond=None):
    a, b = _pair(a, b)
    if rcond is None:  # NumPy's cut-off, relative to the largest singular value
        rows, cols = a.shape[-2], a.shape[-1]
        rcond = np.finfo(a.dtype.as_numpy_dtype).eps * max(rows, cols)
    # The pseudo-inverse gives NumPy's minimum-norm solution.
    return matmul(tf.linalg.pinv(a, rcond=rcond), b)


def jvp(fun, primals, tangents, has_aux=False):
    primals = tf.nest.map_structure(convert_to_tensor, tuple(primals))
    tangents = tf.nest.map_structure(convert_to_tensor, tuple(tangents))
    with tf.autodiff.ForwardAccumulator(primals, tangents) as accumulator:
        result = fun(*primals)
    outputs, aux = result if has_aux else (result, None)
    output_tangents = tf.nest.map_structure(
        lambda out: accumulator.jvp(out, unconnected_gradients=tf.UnconnectedGradients.ZERO),
        outputs,
    )
    if has_aux:
        return outputs, output_tangents, aux
    return outputs, output_tangents
