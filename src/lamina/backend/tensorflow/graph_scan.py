"""``scan`` inside a graph being traced (``tf.function``, a SavedModel export): one
``tf.while_loop`` whose body is ``f`` traced once, so the graph does not grow with the
length of the sequence (an eager ``scan`` is a Python loop; see core.scan).

As ``jax.lax.scan``: ``f(carry, x) -> (carry, y)``; the ``y`` of every step are stacked on
a new leading axis, in the order of ``xs`` also when ``reverse`` runs the steps from the end.
"""

from __future__ import annotations

import tensorflow as tf


def scan_in_graph(f, init, xs, length, reverse, convert):
    """``convert`` turns a leaf (a tensor, a Lamina variable, a Python number) into a
    ``tf.Tensor``. A length known only when the graph runs may be 0: a ``tf.cond`` then
    returns ``init`` and empty outputs (``_scan_steps`` needs a first item)."""
    flat_xs = [convert(x) for x in tf.nest.flatten(xs)] if xs is not None else []
    num_steps = _num_steps(flat_xs, length)

    def item_at(index):
        if xs is None:
            return None
        return tf.nest.pack_sequence_as(xs, [x[index] for x in flat_xs])

    if isinstance(num_steps, int):
        if num_steps == 0:
            return init, None  # nothing to run (as the eager loop)
        return _scan_steps(f, init, item_at, num_steps, reverse, convert)
    has_outputs: list[bool] = []

    def run():
        carry, ys = _scan_steps(f, init, item_at, num_steps, reverse, convert)
        has_outputs.append(ys is not None)
        return carry if ys is None else (carry, ys)

    def skip():
        # No item to step on: ``f`` on zeros shaped like one gives the carry's dtypes and
        # the shape of ``y`` (as lax.scan's abstract evaluation would); its values are unused.
        item = None
        if xs is not None:
            zeros = [tf.zeros(tf.shape(x)[1:], x.dtype) for x in flat_xs]
            item = tf.nest.pack_sequence_as(xs, zeros)
        like_carry, like_y = f(init, item)
        carry = tf.nest.map_structure(
            lambda value, like: tf.cast(convert(value), convert(like).dtype), init, like_carry
        )
        if like_y is None:
            return carry
        empty = tf.nest.map_structure(
            lambda like: tf.zeros(tf.concat([[0], tf.shape(like)], 0), convert(like).dtype),
            like_y,
        )
        return carry, empty

    result = tf.cond(num_steps > 0, run, skip)
    return result if has_outputs[0] else (result, None)


def _scan_steps(f, init, item_at, num_steps, reverse, convert):
    """The scan over ``num_steps`` >= 1 items. The first step runs before the loop: its
    outputs give the dtypes and shapes the loop carries and those of the ``TensorArray`` s
    that gather each step's ``y`` (``f`` may return any structure, as in ``lax.scan``)."""
    first_index = num_steps - 1 if reverse else 0
    carry, y = f(init, item_at(first_index))
    carry = tf.nest.map_structure(convert, carry)
    has_outputs = y is not None
    flat_y = [convert(leaf) for leaf in tf.nest.flatten(y)] if has_outputs else []
    arrays = [
        tf.TensorArray(leaf.dtype, size=num_steps, element_shape=leaf.shape).write(
            first_index, leaf
        )
        for leaf in flat_y
    ]

    def body(index, carry, arrays):
        new_carry, new_y = f(carry, item_at(index))
        new_carry = tf.nest.map_structure(convert, new_carry)
        if has_outputs:
            leaves = [convert(leaf) for leaf in tf.nest.flatten(new_y)]
            arrays = [array.write(index, leaf) for array, leaf in zip(arrays, leaves)]
        return index + (-1 if reverse else 1), new_carry, arrays

    start = num_steps - 2 if reverse else 1
    _, carry, arrays = tf.while_loop(
        (lambda index, *_: index >= 0) if reverse else (lambda index, *_: index < num_steps),
        body,
        (tf.constant(start), carry, arrays),
        # A known bound: XLA differentiates a while loop only with one.
        maximum_iterations=num_steps - 1,
    )
    if not has_outputs:
        return carry, None
    stacked = [array.stack() for array in arrays]  # (num_steps, ...) per leaf of y
    if isinstance(num_steps, int):
        for leaf in stacked:
            leaf.set_shape(tf.TensorShape([num_steps]).concatenate(leaf.shape[1:]))
    return carry, tf.nest.pack_sequence_as(y, stacked)


def _num_steps(flat_xs, length):
    if length is not None:
        return int(length)
    static = flat_xs[0].shape[0] if flat_xs[0].shape.rank else None
    if static is not None:
        return int(static)
    return tf.shape(flat_xs[0])[0]
