"""The torch half of ``lamina.distribution``: one process per device on ``torch.distributed``.

A process group is made from torchrun's environment (``RANK``, ``WORLD_SIZE``,
``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``), from SLURM's (``SLURM_PROCID``,
``SLURM_NTASKS``, ``SLURM_LOCALID``), or from Keras's ``job_addresses`` / ``num_processes``
/ ``process_id``; gloo on the CPU, NCCL on CUDA. ``DataParallel`` keeps a whole replica in
every process (variables are replicated, so placing them is the identity) and the training
step averages gradients across processes (see data_parallel.py). Layouts that shard a
variable (``ModelParallel``) are refused with a clear error for now.
"""

from __future__ import annotations

import atexit
import datetime
import os

import torch
import torch.distributed as dist

from lamina.backend.common import process_rank
from lamina.backend.torch import core
from lamina.backend.torch.data_parallel import (
    check_fit as check_fit,
    fit_scope as fit_scope,
    reduce_metric_variables as reduce_metric_variables,
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
    if dist.is_initialized():
        dist.destroy_process_group()


def num_processes() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def process_id() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def _check_replicated(layout, what: str) -> None:
    axes = getattr(layout, "axes", None)
    if layout is None or axes is None or all(axis is None for axis in axes):
        return
    raise NotImplementedError(
        f"The torch engine places every {what} whole in each process (DataParallel); the "
        f"layout {tuple(axes)} shards it, which needs ModelParallel on torch, not built yet "
        "(issue 10). Use DataParallel, or the jax engine for ModelParallel."
    )


def distribute_variable(value, layout):
    """A variable's initial value as this process holds it: whole (replicated)."""
    _check_replicated(layout, "variable")
    return value


def distribute_tensor(tensor, layout):
    _check_replicated(layout, "tensor")
    return tensor


def distribute_data_input(per_process_batch, layout, batch_dim_name):
    """The batch this process trains on: its own part, which ``fit`` already cut (each
    process reads only its rows), so it stays as it is."""
    return core.convert_to_tensor(per_process_batch)
