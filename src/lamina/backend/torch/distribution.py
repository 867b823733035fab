"""The torch half of ``lamina.distribution``: one process per device on ``torch.distributed``.

A process group is made from torchrun's environment (``RANK``, ``WORLD_SIZE``,
``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``), from SLURM's (``SLURM_PROCID``,
``SLURM_NTASKS``, ``SLURM_LOCALID``), or from Keras's ``job_addresses`` / ``num_processes``
/ ``process_id``; gloo on the CPU, NCCL on CUDA. ``DataParallel`` keeps a whole replica in
every process (variables are replicated, so placing them is the identity) and the training
step averages gradients across processes (see data_parallel.py). ``ModelParallel`` makes
each variable whose layout splits it a ``torch.distributed.tensor.DTensor`` on a torch
``DeviceMesh`` of the same shape and axis names (process ``r`` is the mesh's device ``r``):
each process holds only its shard, and ops meeting a DTensor run through DTensor's own
dispatch, other tensors there being taken as replicated (``implicit_replication``, turned
on once the first variable is split). Values leave as whole arrays (``convert_to_numpy``
gathers a DTensor), so ``get_weights`` and saving see ordinary arrays. A mesh whose batch
axis has several devices holds several model replicas: each position along that axis reads
its own rows (``data_parts``), and gradients and metric state are averaged / summed over
the axis's process group (``average_gradients_over_batch``, ``reduce_metric_variables``).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import os

import numpy as np
import torch
import torch.distributed as dist

from lamina.backend.common import process_rank
from lamina.backend.torch import core, data_parallel
from lamina.backend.torch.data_parallel import (
    fit_scope as fit_scope,
    report_failure as report_failure,
    shared_random_seed as shared_random_seed,
)

_DEVICE_TYPES = ("cpu", "gpu", "tpu")
_DEFAULT_PORT = 29500


def _timeout() -> datetime.timedelta:
    """How long a collective may wait for the other processes before it fails: the bound on
    a hang when a process stops answering without closing its connections."""
    seconds = os.environ.get("LAMINA_DISTRIBUTED_TIMEOUT", "300")
    try:
        value = float(seconds)
    except ValueError:
        raise ValueError(
            f"LAMINA_DISTRIBUTED_TIMEOUT must be a number of seconds; received {seconds!r}."
        ) from None
    return datetime.timedelta(seconds=value)


def _default_device_type() -> str:
    return "gpu" if torch.cuda.is_available() else "cpu"


def _check_device_type(device_type) -> str:
    if device_type is None:
        return _default_device_type()
    name = str(device_type).lower()
    if name not in _DEVICE_TYPES:
        raise ValueError(
            f"device_type must be one of {_DEVICE_TYPES} or None; received {device_type!r}."
        )
    return name


def list_devices(device_type=None) -> list[str]:
    """The devices of the whole run, one per process once a process group exists (as
    Keras lists the global devices): ``["cpu:0", "cpu:1"]`` for two CPU processes."""
    device_type = _check_device_type(device_type)
    if device_type == "tpu":
        return []
    if device_type == "gpu" and not torch.cuda.is_available():
        return []
    if dist.is_available() and dist.is_initialized():
        return [f"{device_type}:{rank}" for rank in range(dist.get_world_size())]
    if device_type == "gpu":
        return [f"gpu:{index}" for index in range(torch.cuda.device_count())]
    return ["cpu:0"]


def get_device_count(device_type=None) -> int:
    return len(list_devices(device_type))


def _from_job_addresses(job_addresses, num_processes, process_id):
    if num_processes is None or process_id is None:
        raise ValueError(
            "initialize() with job_addresses needs num_processes and process_id too; received "
            f"num_processes={num_processes!r}, process_id={process_id!r}."
        )
    first = str(job_addresses).split(",")[0].strip()
    address, _, port = first.rpartition(":")
    if not address or not port.isdigit():
        raise ValueError(
            "job_addresses must be comma-separated 'host:port' entries, the first being "
            f"process 0's; received {job_addresses!r}."
        )
    return address, int(port), int(num_processes), int(process_id), int(process_id)


def _from_environment():
    """(address, port, world size, rank, local rank) from torchrun's or SLURM's
    environment, or None when neither launched this process."""
    env = os.environ
    if "RANK" in env and "WORLD_SIZE" in env:
        return (
            env.get("MASTER_ADDR", "127.0.0.1"),
            int(env.get("MASTER_PORT", _DEFAULT_PORT)),
            int(env["WORLD_SIZE"]),
            int(env["RANK"]),
            int(env.get("LOCAL_RANK", env["RANK"])),
        )
    if "SLURM_PROCID" in env and "SLURM_NTASKS" in env:
        # srun starts every task; the node srun ran on (the allocation's first) hosts rank 0.
        address = env.get("MASTER_ADDR") or env.get("SLURM_LAUNCH_NODE_IPADDR", "127.0.0.1")
        job_port = _DEFAULT_PORT + int(env.get("SLURM_JOB_ID", "0")) % 1000
        return (
            address,
            int(env.get("MASTER_PORT", job_port)),
            int(env["SLURM_NTASKS"]),
            int(env["SLURM_PROCID"]),
            int(env.get("SLURM_LOCALID", "0")),
        )
    return None


def initialize(job_addresses=None, num_processes=None, process_id=None) -> None:
    """Joins (or creates) the run's process group: rank 0's address from ``job_addresses``
    or the launcher's environment; NCCL when CUDA is available, gloo otherwise."""
    if dist.is_initialized():
        process_rank.set_process(dist.get_rank(), dist.get_world_size())
        return
    if job_addresses is not None:
        settings = _from_job_addresses(job_addresses, num_processes, process_id)
    else:
        settings = _from_environment()
        if settings is not None and num_processes is not None:
            settings = (*settings[:2], int(num_processes), *settings[3:])
        if settings is not None and process_id is not None:
            settings = (*settings[:3], int(process_id), settings[4])
    if settings is None:
        raise ValueError(
            "initialize() found no process group to join: launch the processes with torchrun "
            "(or `python -m lamina.distribution.launch`) or srun, or pass job_addresses, "
            "num_processes and process_id."
        )
    address, port, world_size, rank, local_rank = settings
    if not 0 <= rank < world_size:
        raise ValueError(f"process_id must be in [0, num_processes={world_size}); received {rank}.")
    use_cuda = torch.cuda.is_available()
    if use_cuda:
        torch.cuda.set_device(local_rank % torch.cuda.device_count())
        core._default_device = f"cuda:{torch.cuda.current_device()}"
    dist.init_process_group(
        backend="nccl" if use_cuda else "gloo",
        init_method=f"tcp://{address}:{port}",
        world_size=world_size,
        rank=rank,
        timeout=_timeout(),
    )
    process_rank.set_process(rank, world_size)
    # Left to the interpreter's exit, gloo's threads abort the process (SIGABRT).
    atexit.register(_leave_process_group)


def _leave_process_group() -> None:
    if not dist.is_initialized():
        return
    if dist.get_world_size() > 1 and dist.get_backend() == "gloo":
        # Leave together: a process that tears its connections down while another is still
        # tearing down makes gloo abort that one at exit (SIGABRT, about 1 run in 6 of
        # benchmarks/distributed.py). Bounded, so a process whose peer died still exits.
        with contextlib.suppress(Exception):  # a peer is gone: nothing to wait for
            dist.monitored_barrier(timeout=datetime.timedelta(seconds=10))
    dist.destroy_process_group()


def num_processes() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def process_id() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def _is_split(layout) -> bool:
    """Whether ``layout`` splits a tensor over more than one device."""
    axes = getattr(layout, "axes", None)
    if layout is None or axes is None or all(axis is None for axis in axes):
        return False
    mesh = layout.device_mesh
    return mesh is None or int(np.prod(mesh.shape)) > 1


_meshes: dict = {}  # (shape, axis names) -> torch DeviceMesh
_implicit_replication = None  # the context entered once the first variable is split


def torch_mesh(device_mesh):
    """The torch ``DeviceMesh`` of a lamina ``DeviceMesh`` (made once per shape and axis
    names): process ``r`` is device ``r`` of the grid. A ValueError when the mesh needs more
    processes than the run has."""
    from torch.distributed.device_mesh import DeviceMesh as TorchDeviceMesh

    key = (tuple(device_mesh.shape), tuple(device_mesh.axis_names))
    mesh = _meshes.get(key)
    if mesh is not None:
        return mesh
    size = int(np.prod(device_mesh.shape))
    world_size = num_processes()
    if size > world_size or not dist.is_initialized():
        raise ValueError(
            f"The device mesh {device_mesh} needs {size} processes (one per device on the "
            f"torch engine), but the run has {world_size}: start {size} processes "
            "(torchrun, `python -m lamina.distribution.launch`) and call "
            "lamina.distribution.initialize() first."
        )
    device_type = "cuda" if dist.get_backend() == "nccl" else "cpu"
    mesh = TorchDeviceMesh(
        device_type,
        torch.arange(size).reshape(device_mesh.shape),
        mesh_dim_names=tuple(device_mesh.axis_names),
    )
    _meshes[key] = mesh
    return mesh


def placements(layout, shape) -> list:
    """The DTensor placements of ``layout`` for a tensor of ``shape``, one per mesh axis:
    ``Shard(dim)`` where a dimension is split along that axis, else ``Replicate()``."""
    from torch.distributed.tensor import Replicate, Shard

    mesh = layout.device_mesh
    shape = tuple(shape)
    if len(layout.axes) != len(shape):
        raise ValueError(
            f"A tensor of shape {shape} has rank {len(shape)}, but its layout has "
            f"{len(layout.axes)} axes: {tuple(layout.axes)}."
        )
    result: list = []
    for axis_name in mesh.axis_names:
        dims = [dim for dim, axis in enumerate(layout.axes) if axis == axis_name]
        if not dims:
            result.append(Replicate())
            continue
        parts = mesh.axis_size(axis_name)
        if shape[dims[0]] % parts:
            raise ValueError(
                f"A tensor of shape {shape}: dimension {dims[0]} (size {shape[dims[0]]}) "
                f"cannot be split evenly along mesh axis {axis_name!r} of {parts} devices "
                f"(layout axes {tuple(layout.axes)})."
            )
        result.append(Shard(dims[0]))
    return result


def _split(tensor, layout):
    global _implicit_replication
    from torch.distributed.tensor import distribute_tensor as to_dtensor
    from torch.distributed.tensor.experimental import implicit_replication

    tensor = core.convert_to_tensor(tensor)
    shards = placements(layout, tensor.shape)
    mesh = torch_mesh(layout.device_mesh)
    if _implicit_replication is None:
        # Plain tensors (inputs, unsplit variables, constants) meet split variables in
        # every op from now on: DTensor takes them as replicated, as they are.
        from torch.distributed.tensor import DTensor

        _implicit_replication = implicit_replication()
        _implicit_replication.__enter__()
        core.dtensor_type = DTensor
    return to_dtensor(tensor, mesh, shards)


def is_dtensor(value) -> bool:
    return core.dtensor_type is not None and isinstance(value, core.dtensor_type)


def _model_parallel():
    """The active distribution when it places variables by a layout map (ModelParallel)
    over several processes, else None."""
    from lamina.backend.common import global_state

    distribution = global_state.get_global_attribute("distribution")
    if getattr(distribution, "_layout_map", None) is None or num_processes() <= 1:
        return None
    return distribution


def _check_batch_axis(distribution, layout) -> None:
    """Variables are whole along a mesh's batch axis that has several devices: each of its
    positions trains on other rows (split only along the other axes)."""
    mesh, name = distribution.device_mesh, distribution.batch_dim_name
    if name is not None and mesh.axis_size(name) > 1 and name in tuple(layout.axes):
        raise NotImplementedError(
            f"ModelParallel on the torch engine splits variables along the mesh axes other "
            f"than the batch axis {name!r} (it has {mesh.axis_size(name)} devices, each "
            f"training on its own rows); received the layout {tuple(layout.axes)}. Split "
            "variables along the model axes, or use the jax engine."
        )


def distribute_variable(value, layout):
    """A variable's initial value as this process holds it: whole under DataParallel, a
    DTensor under ModelParallel (this process's shard where the layout splits it,
    ``Replicate`` placements elsewhere, so that every op sees DTensors only)."""
    distribution = _model_parallel()
    if distribution is None or layout is None or layout.device_mesh is None:
        if _is_split(layout) and layout.device_mesh is not None:
            torch_mesh(layout.device_mesh)  # a ValueError: the run lacks the processes
        return value
    _check_batch_axis(distribution, layout)
    return _split(value, layout)


def distribute_tensor(tensor, layout):
    if not _is_split(layout):
        return tensor
    if layout.device_mesh is None:
        raise ValueError(f"The layout {tuple(layout.axes)} has no device_mesh.")
    return _split(tensor, layout)


def distribute_data_input(per_process_batch, layout, batch_dim_name):
    """The batch this process trains on: its own part, which ``fit`` already cut (each
    process reads only its rows), so it stays as it is."""
    return core.convert_to_tensor(per_process_batch)


def data_parts(distribution) -> tuple[int, int]:
    """(how many parts the data is cut into, this process's part): one per position along
    the mesh's batch axis, the processes of one model replica reading the same part."""
    mesh = distribution.device_mesh
    batch_dim_name = getattr(distribution, "batch_dim_name", None)
    if batch_dim_name is None or int(np.prod(mesh.shape)) != num_processes():
        return num_processes(), process_id()
    axis = mesh.axis_names.index(batch_dim_name)
    position = np.argwhere(np.arange(mesh.devices.size).reshape(mesh.shape) == process_id())
    return mesh.shape[axis], int(position[0][axis])


def gather_predictions(outputs):
    """A predict step's outputs as the whole batch, in process order: split values made
    whole, then the parts of the processes along the batch axis joined."""
    from lamina.backend.common import global_state, tree

    distribution = global_state.get_global_attribute("distribution")
    count, _ = data_parts(distribution)

    def gather(value):
        if not isinstance(value, torch.Tensor):
            return value
        if is_dtensor(value):
            value = value.full_tensor()
        if count <= 1:
            return value
        if count == num_processes():
            group = None
        else:
            group = torch_mesh(distribution.device_mesh).get_group(distribution.batch_dim_name)
        parts = [torch.empty_like(value) for _ in range(count)]
        dist.all_gather(parts, value.contiguous(), group=group)
        return torch.cat(parts, dim=0)

    return tree.map_structure(gather, outputs)


def _batch_group(distribution):
    """The process group of this process's position along the batch axis (the processes
    of the other model replicas, each training on other rows), or None where the batch
    axis has one device."""
    name = getattr(distribution, "batch_dim_name", None)
    if name is None or distribution.device_mesh.axis_size(name) <= 1:
        return None
    return torch_mesh(distribution.device_mesh).get_group(name)


def _local(value):
    return value.to_local() if is_dtensor(value) else value


def _all_reduce_over(tensors: list, group, divisor: int) -> None:
    """Sums ``tensors`` in place over ``group`` (one collective per dtype), then divides
    by ``divisor`` (before the sum, as DDP: no float16 overflow)."""
    for members in data_parallel._grouped_by_dtype(tensors):
        flat = torch.cat([tensor.reshape(-1) for tensor in members])
        if flat.dtype == torch.bool:
            continue
        if divisor > 1 and flat.is_floating_point():
            flat.div_(divisor)
        data_parallel.wait(dist.all_reduce(flat, group=group, async_op=True))
        if divisor > 1 and not flat.is_floating_point():
            flat.floor_divide_(divisor)
        data_parallel.copy_back(flat, members)


def average_gradients_over_batch(variables) -> None:
    """After backward under a ModelParallel whose batch axis has several devices: each
    variable's gradient (its local shard) becomes the mean over the batch axis, so every
    model replica steps as one process with the global batch would (the parts are of one
    size: fit leaves the remainder out). Nothing to do otherwise."""
    distribution = _model_parallel()
    group = None if distribution is None else _batch_group(distribution)
    if group is None:
        return
    with torch.no_grad():
        gradients = [_local(v.value.grad) for v in variables if v.value.grad is not None]
        _all_reduce_over(gradients, group, dist.get_world_size(group))


def reduce_metric_variables(variables) -> None:
    """Makes metric state global, in place (see data_parallel.reduce_metric_variables);
    under ModelParallel summed over the batch axis only: the processes of one model
    replica hold the same state already."""
    distribution = _model_parallel()
    if distribution is None:
        data_parallel.reduce_metric_variables(variables)
        return
    group = _batch_group(distribution)
    if group is None:
        return
    with torch.no_grad():
        chosen = [v for v in variables if getattr(v, "aggregation", "none") in ("sum", "mean")]
        sums = [_local(v.value) for v in chosen if v.aggregation == "sum"]
        means = [_local(v.value) for v in chosen if v.aggregation == "mean"]
        _all_reduce_over(sums, group, 1)
        _all_reduce_over(means, group, dist.get_world_size(group))


def check_fit(model) -> None:
    """Refuses, before training, what cannot train across processes: see
    data_parallel.check_fit; under a ModelParallel that splits the batch, a ``train_step``
    of the user's own (its gradients would not be averaged over the batch axis)."""
    data_parallel.check_fit(model)
    distribution = _model_parallel()
    if distribution is None or _batch_group(distribution) is None:
        return
    owner = data_parallel.custom_train_step_owner(model)
    if owner is not None:
        raise ValueError(
            f"{owner.__name__}.train_step overrides the training step, which a ModelParallel "
            f"splitting the batch along {distribution.batch_dim_name!r} does not support on "
            "the torch engine yet (its gradients would not be averaged across that axis); "
            "use a mesh whose batch axis has 1 device, or the built-in train_step."
        )


def barrier() -> None:
    """Waits until every process of the run gets here (saving: process 0 has written)."""
    if dist.is_initialized() and dist.get_world_size() > 1:
        data_parallel.wait(dist.barrier(async_op=True))


def gathers_to_save() -> bool:
    """Whether saving needs every process (variables split by ModelParallel are gathered),
    so that ModelCheckpoint runs in all of them."""
    return _model_parallel() is not None
