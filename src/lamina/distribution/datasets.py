"""Cutting a global ``tf.data.Dataset`` into this process's part of a multi-process run.

TensorFlow is never imported here: the dataset is recognised by its class names and cut
with its own ``rebatch`` and ``shard`` methods (as ``trainers/data_adapters`` reads it).
"""

from __future__ import annotations

from lamina import tree
from lamina.trainers.data_adapters.adapter import is_tf_dataset

__all__ = ["is_tf_dataset", "shard_tf_dataset"]


def _global_batch_size(dataset) -> int:
    sizes = set()
    for spec in tree.flatten(dataset.element_spec):
        shape = getattr(spec, "shape", None)
        if shape is None or shape.rank is None or shape.rank == 0:
            raise ValueError(
                "The batch size of the dataset is unknown: batch it before distributing, "
                "e.g. `dataset.batch(batch_size, drop_remainder=True)`."
            )
        sizes.add(shape[0])
    if len(sizes) != 1 or None in sizes:
        raise ValueError(
            "The batch size of the dataset is not fixed (its element_spec's first dimensions "
            f"are {sorted(sizes, key=str)}): batch it with drop_remainder=True so that every "
            "process gets an equal part of each batch."
        )
    return int(sizes.pop())


def shard_tf_dataset(distribution, dataset):
    """``dataset``'s global batches cut to the part ``distribution``'s process trains on:
    each process its own slice when it holds whole model replicas, else the slice of the
    replica it belongs to."""
    global_batch = _global_batch_size(dataset)
    replicas = distribution.num_model_replicas
    if replicas == 1:
        return dataset  # one replica spread over every process: each reads every batch
    num_shards = min(replicas, distribution.num_processes)
    if global_batch % num_shards:
        raise ValueError(
            f"The global batch size {global_batch} must be divisible by the number of data "
            f"shards {num_shards} (processes holding distinct model replicas)."
        )
    dataset = dataset.rebatch(global_batch // num_shards)
    return dataset.shard(num_shards=num_shards, index=distribution.data_shard_id)
