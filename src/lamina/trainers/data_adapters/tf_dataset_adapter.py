"""Batches from a ``tf.data.Dataset`` (when TensorFlow is installed; never required).

Each epoch iterates the dataset again; its tensors become NumPy on the host (strings as
bytes arrays, for the string layers), then go to the model's device like any batch. The
dataset is expected to be batched and, if wanted, shuffled already (``fit``'s ``shuffle``
does not apply, as in Keras). Lamina never imports TensorFlow: a dataset is recognised by
its class names (``adapter.is_tf_dataset``) and read through its own methods.
"""

from __future__ import annotations

from lamina.trainers.data_adapters.generator_adapter import IterableDataAdapter


def _cardinality(dataset):
    cardinality = dataset.cardinality
    # A DistributedDataset's cardinality is a number; a Dataset's, a method.
    value = int(cardinality() if callable(cardinality) else cardinality)
    return value if value >= 0 else None  # unknown (-2) or infinite (-1)


class TFDatasetAdapter(IterableDataAdapter):
    def __init__(self, dataset, class_weight=None):
        super().__init__(dataset, class_weight=class_weight, num_batches=_cardinality(dataset))
