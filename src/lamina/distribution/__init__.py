"""Keras 3's ``keras.distribution``: spreading variables and batches over devices and
processes, on the active engine's own machinery (``jax.sharding``; ``torch.distributed``).
Launching is described in docs/distributed.md."""

from lamina.distribution.core import (
    DataParallel as DataParallel,
    DeviceMesh as DeviceMesh,
    Distribution as Distribution,
    LayoutMap as LayoutMap,
    ModelParallel as ModelParallel,
    TensorLayout as TensorLayout,
    distribute_tensor as distribute_tensor,
    distribution as distribution,
    get_device_count as get_device_count,
    initialize as initialize,
    list_devices as list_devices,
    set_distribution as set_distribution,
)

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
