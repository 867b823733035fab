"""Keras 3's distribution API: device meshes, tensor layouts and the two strategies.

The classes here only describe where tensors go; the active engine's ``distribution``
module (``lamina.backend.<engine>.distribution``, listed in ``backend/contract.py``) places
them: ``jax.sharding`` on JAX, ``torch.distributed`` on torch. The active distribution is
kept in ``global_state`` under ``"distribution"`` (as Keras keeps it), where variables and
the trainer read it without importing this floor.
"""

from __future__ import annotations

import collections.abc
import contextlib
import math
import os
import re
import warnings
from typing import Any

import numpy as np

from lamina import backend
from lamina.backend.common import global_state
from lamina.backend.common.keras_tensor import KerasTensor

DEFAULT_BATCH_DIM_NAME = "batch"
GLOBAL_ATTRIBUTE_NAME = "distribution"


def _engine_distribution(what: str):
    """The active engine's distribution module, or a clear error naming the engine."""
    module = getattr(backend.engine, "distribution", None)
    if module is None:
        raise NotImplementedError(
            f"lamina.distribution.{what} needs the engine's distribution support, which the "
            f"{backend.backend()!r} engine does not have; use LAMINA_BACKEND=jax or torch."
        )
    return module


def _is_positive_int(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and bool(value >= 1)


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices (``"cpu:0"``, ``"gpu:1"`` …) of one type across all processes: those of
    ``device_type`` (``"cpu"``, ``"gpu"`` or ``"tpu"``), by default the accelerators when
    there are any, else the CPUs."""
    return list(_engine_distribution("list_devices").list_devices(device_type))


def get_device_count(device_type: str | None = None) -> int:
    """How many devices ``list_devices(device_type)`` would list."""
    return int(_engine_distribution("get_device_count").get_device_count(device_type))


def initialize(
    job_addresses: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> None:
    """Joins this process to a multi-process (multi-machine) run; call it before any other
    computation.

    Args:
        job_addresses: comma-separated ``host:port`` of every process, or only that of
            process 0 (the coordinator). Default: ``KERAS_DISTRIBUTION_JOB_ADDRESSES``, else
            what the launcher (torchrun, SLURM, a Cloud TPU) provides.
        num_processes: processes in the whole run. Default:
            ``KERAS_DISTRIBUTION_NUM_PROCESSES``, else the launcher's.
        process_id: this process's index, from 0 (the coordinator) to
            ``num_processes - 1``. Default: ``KERAS_DISTRIBUTION_PROCESS_ID``, else the
            launcher's.
    """
    environ = os.environ
    if job_addresses is None:
        job_addresses = environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in environ:
        num_processes = int(environ["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in environ:
        process_id = int(environ["KERAS_DISTRIBUTION_PROCESS_ID"])
    if num_processes is not None and not _is_positive_int(num_processes):
        raise ValueError(f"num_processes must be a positive integer; received {num_processes!r}.")
    if process_id is not None:
        if isinstance(process_id, bool) or not isinstance(process_id, int) or process_id < 0:
            raise ValueError(f"process_id must be a non-negative integer; received {process_id!r}.")
        if num_processes is not None and process_id >= num_processes:
            raise ValueError(
                f"process_id must be below num_processes={num_processes}; received "
                f"process_id={process_id}."
            )
    _engine_distribution("initialize").initialize(job_addresses, num_processes, process_id)


class DeviceMesh:
    """A grid of devices with a name per axis (as ``jax.sharding.Mesh``).

    Args:
        shape: the grid's shape, e.g. ``(8,)`` for data parallelism only or ``(2, 4)`` for
            data and model parallelism; its size must equal the number of devices.
        axis_names: one name per axis of ``shape``; layouts refer to axes by these names.
        devices: the devices to arrange, by default ``list_devices()``.
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                "DeviceMesh: shape and axis_names cannot be empty. Received: "
                f"shape={shape}, axis_names={axis_names}"
            )
        shape = tuple(shape)
        if not all(_is_positive_int(size) for size in shape):
            raise ValueError(
                f"DeviceMesh: shape must hold positive integers; received shape={shape}."
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "DeviceMesh: shape and axis_names should have the same length. Received: "
                f"shape={shape}, axis_names={axis_names}"
            )
        names_are_strings = all(isinstance(name, str) for name in axis_names)
        if not names_are_strings or len(set(axis_names)) != len(axis_names):
            raise ValueError(
                "DeviceMesh: axis_names must be distinct strings; received "
                f"axis_names={axis_names}."
            )
        if devices is None:
            devices = list_devices()
        devices = np.asarray(devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"DeviceMesh: shape {shape} needs {math.prod(shape)} devices, but "
                f"{devices.size} are given (devices.shape={devices.shape})."
            )
        self._shape = tuple(int(size) for size in shape)
        self._axis_names = list(axis_names)
        self._devices = devices.reshape(self._shape)

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def axis_names(self) -> list:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        return self._devices

    def axis_size(self, axis_name: str) -> int:
        return self._shape[self._axis_names.index(axis_name)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor is split over a ``DeviceMesh`` (as ``jax.sharding.NamedSharding``).

    Args:
        axes: one entry per tensor dimension: the mesh axis name it is split along, or
            ``None`` where it is whole on every device (replicated).
        device_mesh: the mesh, which a ``LayoutMap`` fills in when left out.
    """

    def __init__(self, axes, device_mesh: DeviceMesh | None = None):
        if isinstance(axes, str) or not isinstance(axes, collections.abc.Iterable):
            raise TypeError(
                f"TensorLayout: axes must be a tuple of mesh axis names or None; received "
                f"axes={axes!r}."
            )
        self._axes = tuple(axes)
        if device_mesh is not None and not isinstance(device_mesh, DeviceMesh):
            raise TypeError(
                "TensorLayout: device_mesh must be a DeviceMesh or None; received "
                f"{type(device_mesh).__name__}."
            )
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def axes(self) -> tuple:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: DeviceMesh) -> None:
        if self._device_mesh is not None:
            raise ValueError(
                f"Cannot override the device mesh of a TensorLayout; it already is "
                f"{self._device_mesh}."
            )
        self._device_mesh = device_mesh
        self._validate_axes()

    def _validate_axes(self) -> None:
        named = [axis for axis in self._axes if axis is not None]
        if any(not isinstance(axis, str) for axis in named):
            raise TypeError(
                f"TensorLayout: each axis must be a mesh axis name or None; received "
                f"axes={self._axes}."
            )
        if len(set(named)) != len(named):
            raise ValueError(
                f"TensorLayout: a mesh axis can split only one dimension; received "
                f"axes={self._axes}."
            )
        if self._device_mesh is not None:
            unknown = set(named) - set(self._device_mesh.axis_names)
            if unknown:
                raise ValueError(
                    f"Invalid axis names for TensorLayout: {sorted(unknown)}. Valid axis "
                    f"names: {self._device_mesh.axis_names}; received axes={self._axes}."
                )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} axes={self.axes}, device_mesh={self.device_mesh}>"


class Distribution:
    """The base of the strategies: where variables and batches go on a ``DeviceMesh``.

    Args:
        device_mesh: the devices.
        batch_dim_name: the mesh axis the batch dimension of the data is split along.
        auto_shard_dataset: in a multi-process run, give each process its own part of the
            dataset (set False when the dataset is sharded per process already).
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"{type(self).__name__}: device_mesh must be a DeviceMesh; received "
                f"{device_mesh!r} (of type {type(device_mesh).__name__})."
            )
        if batch_dim_name is not None and batch_dim_name not in device_mesh.axis_names:
            raise ValueError(
                f"{type(self).__name__}: batch_dim_name must be one of the mesh's axis names "
                f"{device_mesh.axis_names}; received batch_dim_name={batch_dim_name!r}."
            )
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        module = getattr(backend.engine, "distribution", None)
        self._num_processes = module.num_processes() if module is not None else 1
        self._process_id = module.process_id() if module is not None else 0
        self._is_multi_process = self._num_processes > 1

    @property
    def num_processes(self) -> int:
        return self._num_processes

    @property
    def num_model_replicas(self) -> int:
        raise NotImplementedError

    @property
    def data_shard_id(self) -> int:
        """Which part of the data this process reads: processes holding the same model
        replica read the same part."""
        replicas = self.num_model_replicas
        if replicas >= self.num_processes:
            return self._process_id
        return self._process_id // (self.num_processes // replicas)

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, auto_shard_dataset: bool) -> None:
        self._auto_shard_dataset = auto_shard_dataset

    def get_data_layout(self, data_shape) -> TensorLayout:
        """The layout of a batch of this process's data: split on its first dimension.

        Raises a ValueError when the batch does not divide evenly among this process's
        data-parallel devices."""
        self._check_batch_size(data_shape[0] if len(data_shape) else None)
        axes: list = [None] * len(data_shape)
        if axes:
            axes[0] = self.batch_dim_name
        return TensorLayout(axes, self.device_mesh)

    def get_variable_layout(self, variable) -> TensorLayout:
        raise NotImplementedError

    def get_tensor_layout(self, path: str):
        raise NotImplementedError

    @contextlib.contextmanager
    def scope(self):
        """``with distribution.scope():`` makes this the active distribution inside."""
        previous = distribution()
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    def distribute_dataset(self, dataset):
        """``dataset`` as this process reads it: unchanged in a single-process run or when
        ``auto_shard_dataset`` is off; in a multi-process run, its ``tf.data.Dataset``
        batches cut to this process's part (a dataset of another kind is refused)."""
        if not self._is_multi_process or not self.auto_shard_dataset:
            return dataset
        from lamina.distribution.datasets import is_tf_dataset, shard_tf_dataset

        if is_tf_dataset(dataset):
            return shard_tf_dataset(self, dataset)
        raise ValueError(
            f"The dataset type {type(dataset).__name__} cannot be sharded across the "
            f"{self.num_processes} processes automatically; pass a batched tf.data.Dataset, "
            "or shard the data per process yourself and set auto_shard_dataset=False."
        )

    @property
    def _batch_shards_per_process(self) -> int:
        return max(self.num_model_replicas // self.num_processes, 1)

    def _check_batch_size(self, batch_size) -> None:
        shards = self._batch_shards_per_process
        if batch_size is not None and batch_size % shards:
            raise ValueError(
                f"The batch size {batch_size} must be divisible by the data-parallel size "
                f"{shards} of {self} (the devices along mesh axis {self.batch_dim_name!r} "
                "in this process): change the batch size or the mesh."
            )

    def _replicated(self, variable) -> TensorLayout:
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"


class DataParallel(Distribution):
    """Data parallelism: every device holds a whole replica of the variables and each step's
    batch is split among them along the mesh's first axis.

    Give a ``device_mesh`` (1D; a larger one is split along its first axis only) or a
    list of ``devices``; by default every device of ``list_devices()``.

    Args:
        device_mesh: a ``DeviceMesh``.
        devices: the devices of a 1D mesh with the axis ``"batch"``.
        auto_shard_dataset: see ``Distribution``.
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "DataParallel: device_mesh must be a DeviceMesh; received "
                    f"{device_mesh!r} (of type {type(device_mesh).__name__})."
                )
            if device_mesh.devices.ndim != 1:
                warnings.warn(
                    f"DataParallel expects a 1D device mesh, but received one of shape "
                    f"{device_mesh.shape}; the first axis is used for data-parallel sharding.",
                    stacklevel=2,
                )
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            return
        if devices is None or len(devices) == 0:
            devices = list_devices()
        devices = np.asarray(devices, dtype=object).reshape(-1)
        mesh = DeviceMesh((devices.size,), [DEFAULT_BATCH_DIM_NAME], devices)
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)

    def get_variable_layout(self, variable) -> TensorLayout:
        layout = getattr(variable, "_layout", None)
        return layout if layout is not None else self._replicated(variable)

    def get_tensor_layout(self, path: str):
        return None  # data parallelism leaves intermediate tensors where they are


class ModelParallel(Distribution):
    """Model parallelism: variables split over the mesh as a ``LayoutMap`` says (the rest
    replicated), batches split along ``batch_dim_name``.

    Args:
        layout_map: a ``LayoutMap`` from variable paths (regular expressions) to layouts;
            its mesh is the distribution's.
        batch_dim_name: the mesh axis for the batch, by default the mesh's first.
        auto_shard_dataset: see ``Distribution``.

    Example:
        ```python
        mesh = DeviceMesh((2, 4), ["batch", "model"])
        layout_map = LayoutMap(mesh)
        layout_map[".*dense.*kernel"] = (None, "model")
        layout_map[".*dense.*bias"] = ("model",)
        with ModelParallel(layout_map=layout_map, batch_dim_name="batch").scope():
            model = make_model()  # its Dense kernels are split over the 4 "model" devices
        ```
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kwargs):
        kwargs.pop("device_mesh", None)  # as Keras: the mesh is the layout map's
        if kwargs:
            raise TypeError(f"ModelParallel got unexpected keyword arguments {sorted(kwargs)}.")
        if layout_map is None:
            raise ValueError("ModelParallel: you must specify a layout_map argument.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                "ModelParallel: layout_map must be a LayoutMap instance; received "
                f"{layout_map!r} (of type {type(layout_map).__name__})."
            )
        mesh = layout_map.device_mesh
        super().__init__(mesh, batch_dim_name or mesh.axis_names[0], auto_shard_dataset)
        self._layout_map = layout_map
        if (
            self._is_multi_process
            and self.num_processes > self.num_model_replicas
            and self.num_processes % self.num_model_replicas
        ):
            raise ValueError(
                "ModelParallel: when num_processes is greater than num_model_replicas, it must "
                f"be divisible by it; received num_processes={self.num_processes}, "
                f"num_model_replicas={self.num_model_replicas}."
            )

    @property
    def num_model_replicas(self) -> int:
        return self.device_mesh.axis_size(self.batch_dim_name)

    def get_variable_layout(self, variable) -> TensorLayout:
        layout = getattr(variable, "_layout", None)
        if layout is not None:
            return layout
        layout = self._layout_map[variable.path]
        if layout is None:
            return self._replicated(variable)
        _check_layout_fits(layout, variable.shape, f"Variable {variable.path!r}")
        return layout

    def get_tensor_layout(self, path: str):
        return self._layout_map[path]


def _check_layout_fits(layout: TensorLayout, shape: tuple, what: str) -> None:
    """A ValueError naming ``what`` unless ``layout`` has one axis per dimension of
    ``shape`` and each split dimension divides evenly among its mesh axis's devices."""
    if len(layout.axes) != len(shape):
        raise ValueError(
            f"{what} of shape {tuple(shape)} has rank {len(shape)}, but its layout has "
            f"{len(layout.axes)} axes: {layout.axes}."
        )
    mesh = layout.device_mesh
    for dim, (size, axis) in enumerate(zip(shape, layout.axes)):
        if axis is None or mesh is None or size is None:
            continue
        parts = mesh.axis_size(axis)
        if size % parts:
            raise ValueError(
                f"{what} of shape {tuple(shape)}: dimension {dim} (size {size}) cannot be "
                f"split evenly along mesh axis {axis!r} of {parts} devices (layout axes "
                f"{layout.axes})."
            )


class LayoutMap(collections.abc.MutableMapping):
    """A mapping from variable paths to ``TensorLayout``s whose keys are regular
    expressions: looking up a path returns the layout of the exact key, else of the one key
    that fully matches it (a ValueError when several do), else None.

    A tuple or list of axis names may be stored for a ``TensorLayout``; layouts without a
    mesh get this map's.

    Example:
        ```python
        layout_map = LayoutMap(mesh)
        layout_map[".*dense.*kernel"] = (None, "model")
        layout_map["sequential/dense/kernel"]  # the (None, "model") layout
        layout_map["conv2d/kernel"]  # None: replicated
        ```
    """

    def __init__(self, device_mesh: DeviceMesh):
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"LayoutMap: device_mesh must be a DeviceMesh; received {device_mesh!r} (of "
                f"type {type(device_mesh).__name__})."
            )
        self._layout_map: dict[str, TensorLayout] = {}
        self._device_mesh = device_mesh

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    def __getitem__(self, key: str):
        if key in self._layout_map:
            return self._layout_map[key]
        matches = [pattern for pattern in self._layout_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path {key!r} matches several LayoutMap keys: {matches}. Make sure each "
                "variable or tensor path matches at most one key."
            )
        return self._layout_map[matches[0]] if matches else None

    def __setitem__(self, key: str, layout) -> None:
        if not isinstance(key, str):
            raise TypeError(f"LayoutMap keys must be strings; received {key!r}.")
        if key in self._layout_map:
            raise ValueError(
                f"{key!r} is already in the LayoutMap, with value {self._layout_map[key]}; "
                "keys must not repeat."
            )
        try:
            re.compile(key)
        except re.error as error:
            raise ValueError(
                f"LayoutMap key {key!r} is not a regular expression: {error}."
            ) from None
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(axes=layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"A LayoutMap value must be a TensorLayout or a tuple of axis names; received "
                f"{layout!r} (of type {type(layout).__name__})."
            )
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        self._layout_map[key] = layout

    def __delitem__(self, key: str) -> None:
        del self._layout_map[key]

    def __len__(self) -> int:
        return len(self._layout_map)

    def __iter__(self):
        return iter(self._layout_map)


def distribute_tensor(tensor, layout: TensorLayout):
    """``tensor`` placed (or, inside a compiled function, constrained) as ``layout`` says.
    A symbolic ``KerasTensor`` has no placement and comes back unchanged."""
    if isinstance(tensor, KerasTensor):
        return tensor
    if not isinstance(layout, TensorLayout):
        raise TypeError(
            f"distribute_tensor: layout must be a TensorLayout; received {type(layout).__name__}."
        )
    if layout.device_mesh is None:
        raise ValueError(f"distribute_tensor: the layout {layout} has no device mesh.")
    _check_layout_fits(layout, tuple(tensor.shape), "distribute_tensor: the tensor")
    return _engine_distribution("distribute_tensor").distribute_tensor(tensor, layout)


def distribution() -> Any:
    """The active ``Distribution`` (set by ``set_distribution`` or a ``scope()``), or None."""
    return global_state.get_global_attribute(GLOBAL_ATTRIBUTE_NAME)


def set_distribution(value) -> None:
    """Makes ``value`` (a ``Distribution``, or None for none) the active distribution:
    variables created from now on are placed by it and ``fit`` splits batches by it."""
    if value is not None and not isinstance(value, Distribution):
        raise TypeError(
            f"set_distribution expects a Distribution or None; received {type(value).__name__}."
        )
    global_state.set_global_attribute(GLOBAL_ATTRIBUTE_NAME, value)
