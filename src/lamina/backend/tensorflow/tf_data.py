"""``tf.data`` pipelines over host samples, for any active engine.

The ``format="tf"`` of the ``*_dataset_from_*`` utilities: TensorFlow serves as a data
library here, so this module holds no engine state and is imported only when a user asks
for a ``tf.data.Dataset`` (as ``saved_model`` is for export), keeping the one
engine-import rule: only ``backend/<engine>/`` imports an engine.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from lamina.backend.common import tree


def _tensor_spec(leaf, variable_length: bool):
    array = np.asarray(leaf)
    if array.dtype.kind in ("U", "S", "O"):
        return tf.TensorSpec(shape=array.shape, dtype=tf.string)
    shape = list(array.shape)
    if variable_length and shape:
        shape[0] = None  # padded per batch
    return tf.TensorSpec(shape=shape, dtype=tf.as_dtype(array.dtype))


def dataset_from_samples(samples, first_sample, batch_size, variable_length: bool):
    """A ``tf.data.Dataset`` reading ``samples`` (a sized iterable of NumPy structures
    shaped like ``first_sample``), batched by ``batch_size`` (padded per batch when the
    samples vary in length; None: unbatched) and prefetched."""
    signature = tree.map_structure(lambda leaf: _tensor_spec(leaf, variable_length), first_sample)
    if isinstance(signature, list):
        signature = tuple(signature)
    result = tf.data.Dataset.from_generator(lambda: iter(samples), output_signature=signature)
    result = result.apply(tf.data.experimental.assert_cardinality(len(samples)))
    if batch_size is not None:
        result = result.padded_batch(batch_size) if variable_length else result.batch(batch_size)
    return result.prefetch(tf.data.AUTOTUNE)
