"""A SampleDataset handed over as another library's dataset: ``tf.data`` or Grain.

The ``*_dataset_from_*`` utilities take ``format="tf"`` or ``"grain"`` as Keras does. Both
libraries are optional: each is imported only here, only when asked for, and its absence is
a clear ImportError. TensorFlow is used as a data library, never as the compute engine.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common import tree
from lamina.utils.sample_dataset import SampleDataset, pad_and_stack_samples

FORMATS = ("lamina", "tf", "grain")


def as_requested_format(dataset: SampleDataset, format: str):
    """``dataset`` itself (``"lamina"``), or the same samples as a ``tf.data.Dataset`` or a
    Grain dataset, with ``class_names`` and ``file_paths`` attributes."""
    if format == "lamina":
        return dataset
    if format == "tf":
        return to_tf_dataset(dataset)
    if format == "grain":
        return to_grain_dataset(dataset)
    raise ValueError(f"format must be one of {FORMATS}; received format={format!r}.")


def _missing(package: str, format: str) -> str:
    return (
        f"format={format!r} returns a {package} dataset and needs {package}: "
        f"pip install {package}. Without it, use the default format='lamina'."
    )


def _tensor_spec(tf, leaf, variable_length: bool):
    array = np.asarray(leaf)
    if array.dtype.kind in ("U", "S", "O"):
        return tf.TensorSpec(shape=array.shape, dtype=tf.string)
    shape = list(array.shape)
    if variable_length and shape:
        shape[0] = None  # padded per batch
    return tf.TensorSpec(shape=shape, dtype=tf.as_dtype(array.dtype))


def to_tf_dataset(dataset: SampleDataset):
    """The samples as a ``tf.data.Dataset``, batched (padded, for variable-length samples)
    like ``dataset``, reshuffled on each pass from the same seeds."""
    # TensorFlow as a data library only, imported here when asked for: the one module above
    # backend/ allowed to (TF_DATA_MODULES in tests/backend/test_contract.py).
    try:
        import tensorflow as tf
    except ImportError:
        raise ImportError(_missing("tensorflow", "tf")) from None
    samples = dataset._derived(batch_size=None)
    variable_length = dataset._collate is pad_and_stack_samples
    signature = tree.map_structure(
        lambda leaf: _tensor_spec(tf, leaf, variable_length), samples.load_sample(0)
    )
    if isinstance(signature, list):
        signature = tuple(signature)
    result = tf.data.Dataset.from_generator(lambda: iter(samples), output_signature=signature)
    result = result.apply(tf.data.experimental.assert_cardinality(len(samples)))
    if dataset.batch_size is not None:
        if variable_length:
            result = result.padded_batch(dataset.batch_size)
        else:
            result = result.batch(dataset.batch_size)
    result = result.prefetch(tf.data.AUTOTUNE)
    result.class_names = dataset.class_names
    result.file_paths = dataset.file_paths
    return result


def to_grain_dataset(dataset: SampleDataset):
    """The samples as a Grain ``IterDataset`` (a ``MapDataset`` when unbatched)."""
    try:
        import grain
    except ImportError:
        raise ImportError(_missing("grain", "grain")) from None
    samples = dataset._derived(batch_size=None, shuffle=False)
    result = grain.MapDataset.source(samples)
    if dataset.shuffle:
        result = result.shuffle(seed=dataset.seed)
    if dataset.batch_size is not None:
        result = result.to_iter_dataset().batch(dataset.batch_size, batch_fn=dataset._collate)
    result.class_names = dataset.class_names
    result.file_paths = dataset.file_paths
    return result
