"""The rest of Keras's core namespace on TensorFlow: slicing and scattering by index,
control flow (a Python loop when eager, ``tf.while_loop`` / ``tf.switch_case`` inside a
graph) and custom gradients.

Several names here (``slice``, ``map``) are Keras's and shadow Python builtins inside
this module only.
"""

from __future__ import annotations

import functools

import tensorflow as tf

from lamina.backend.common import eager_control_flow
from lamina.backend.tensorflow.core import convert_to_tensor, in_graph


def _index_vector(values):
    if isinstance(values, (list, tuple)):
        return tf.stack([tf.cast(convert_to_tensor(v), tf.int64) for v in values])
    return tf.cast(convert_to_tensor(values), tf.int64)


def slice(inputs, start_indices, shape):
    # tf.slice takes -1 as "to the end" itself.
    return tf.slice(convert_to_tensor(inputs), _index_vector(start_indices), _index_vector(shape))


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = tf.cast(convert_to_tensor(updates), inputs.dtype)
    starts = _index_vector(start_indices)
    # Every position of `updates`, offset by the start: (*updates.shape, rank) indices.
    sizes = tf.unstack(tf.shape(updates, tf.int64))
    grids = tf.meshgrid(*[tf.range(n, dtype=tf.int64) for n in sizes], indexing="ij")
    positions = tf.stack(grids, axis=-1) + starts
    return tf.tensor_scatter_nd_update(inputs, positions, updates)


def _indices(indices):
    indices = tf.cast(convert_to_tensor(indices), tf.int64)
    if indices.shape.rank == 1:  # one index per update into a vector
        indices = indices[:, None]
    return indices


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    return tf.scatter_nd(_indices(indices), values, _index_vector(shape))


def scatter_update(inputs, indices, updates, reduction=None):
    inputs = convert_to_tensor(inputs)
    updates = tf.cast(convert_to_tensor(updates), inputs.dtype)
    indices = _indices(indices)
    if reduction is None:
        return tf.tensor_scatter_nd_update(inputs, indices, updates)
    if reduction == "add":
        return tf.tensor_scatter_nd_add(inputs, indices, updates)
    if reduction == "max":
        return tf.tensor_scatter_nd_max(inputs, indices, updates)
    if reduction == "min":
        return tf.tensor_scatter_nd_min(inputs, indices, updates)
    # mul: the product of the updates landing on each position, then one multiply.
    depth = indices.shape[-1]
    indexed_shape = tf.shape(inputs, tf.int64)[:depth]
    strides = tf.math.cumprod(indexed_shape, exclusive=True, reverse=True)
    flat_position = tf.reduce_sum(indices * strides, axis=-1)
    trailing = tf.shape(inputs, tf.int64)[depth:]
    flat_updates = tf.reshape(updates, tf.concat([[-1], trailing], axis=0))
    products = tf.math.unsorted_segment_prod(
        flat_updates, tf.reshape(flat_position, [-1]), tf.reduce_prod(indexed_shape)
    )
    return inputs * tf.reshape(products, tf.shape(inputs))


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    if not in_graph():
        return eager_control_flow.while_loop(cond, body, loop_vars, maximum_iterations)
    is_sequence = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)

    def step(*values):
        new = body(*values)
        return tuple(new) if isinstance(new, (tuple, list)) else (new,)

    out = tf.while_loop(cond, step, state, maximum_iterations=maximum_iterations)
    return tuple(out) if is_sequence else out[0]


def _stack(items):
    return tf.stack([convert_to_tensor(item) for item in items])


def _unstack(x):
    return tf.unstack(convert_to_tensor(x), axis=0)


def map(f, xs):
    return eager_control_flow.map(f, xs, _stack, _unstack)


def switch(index, branches, *operands):
    if not in_graph() or not tf.is_tensor(index):
        return eager_control_flow.switch(index, branches, *operands)
    index = tf.clip_by_value(tf.cast(index, tf.int32), 0, len(branches) - 1)  # as Keras
    return tf.switch_case(index, [functools.partial(branch, *operands) for branch in branches])


def associative_scan(f, elems, reverse=False, axis=0):
    def take(x, position):
        x = convert_to_tensor(x)
        return tf.gather(x, [position], axis=axis)

    return eager_control_flow.associative_scan(f, elems, reverse, axis, take, tf.concat)


def vectorized_map(function, elements):
    if in_graph():
        return tf.vectorized_map(function, elements)
    return eager_control_flow.vectorized_map(function, elements, _stack, _unstack)


def custom_gradient(f):
    """``f(*args)`` returns ``(output, grad_fn)``; ``grad_fn`` gives the backward pass."""

    def wrapped(*args):
        tensors = [convert_to_tensor(a) for a in args]

        @tf.custom_gradient
        def inner(*inner_args):
            output, grad_fn = f(*inner_args)

            def backward(*upstream):
                upstream_value = upstream[0] if len(upstream) == 1 else upstream
                return eager_control_flow.call_gradient_function(
                    grad_fn, inner_args, upstream_value
                )

            return output, backward

        return inner(*tensors)

    return wrapped


def remat(f):
    """``f`` recomputed in the backward pass instead of keeping its activations
    (``tf.recompute_grad``)."""
    return tf.recompute_grad(f)
