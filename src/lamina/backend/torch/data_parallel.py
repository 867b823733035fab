"""Data parallelism over processes on torch: gradients averaged while backward runs.

Each process holds a whole replica and trains on its own part of every global batch. As
torch's DDP reducer does, the gradients are grouped into buckets (1 MiB for the first, then
about 25 MiB, in reverse order of the variables, which is about the order backward
produces them); a bucket is
averaged with an asynchronous ``all_reduce`` as soon as its last gradient is accumulated,
so communication overlaps the rest of backward. After backward the step waits for the
buckets and hands the optimizer the averaged gradients, which are views into the buckets.

A collective that fails (another process died, raised, or stopped answering for
``LAMINA_DISTRIBUTED_TIMEOUT`` seconds) becomes a ``RuntimeError`` naming the process at
fault where it can be found: a process that raises records its error in the process
group's store and leaves the group, and the survivors look there.
"""

from __future__ import annotations

import contextlib
import time
import weakref

import numpy as np
import torch
import torch.distributed as dist

from lamina.backend.common import step_interface

_BUCKET_BYTES = 25 * 1024**2
_FIRST_BUCKET_BYTES = 1024**2  # as DDP: the last layers' gradients start communicating early
_FAILED_KEY = "lamina/failed/"
_ALIVE_KEY = "lamina/alive/"

# model -> (its list of trainable variables, their reducer, the variables' ids)
_reducers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def is_active() -> bool:
    """Whether steps run data-parallel: a distribution is set and the group has peers."""
    from lamina.backend.common import global_state

    distribution = global_state.get_global_attribute("distribution")
    if distribution is None or getattr(distribution, "_layout_map", None) is not None:
        return False  # ModelParallel: DTensor's own backward makes the gradients
    return dist.is_initialized() and dist.get_world_size() > 1


class _Bucket:
    def __init__(self, members):
        self.members = members  # parameter tensors
        self.ready = 0
        self.flat = None
        self.work = None


class GradientReducer:
    """Averages the gradients of ``parameters`` across the process group during backward."""

    def __init__(self, parameters, bucket_bytes: int = _BUCKET_BYTES):
        self.parameters = list(parameters)
        self.world_size = dist.get_world_size()
        self.buckets: list[_Bucket] = []
        self._bucket_of: dict[int, _Bucket] = {}
        members: list = []
        size = 0
        for parameter in reversed(self.parameters):
            nbytes = parameter.numel() * parameter.element_size()
            cap = bucket_bytes if self.buckets else min(bucket_bytes, _FIRST_BUCKET_BYTES)
            if members and (
                size + nbytes > cap
                or parameter.dtype != members[0].dtype
                or parameter.device != members[0].device
            ):
                self.buckets.append(_Bucket(members))
                members, size = [], 0
            members.append(parameter)
            size += nbytes
        if members:
            self.buckets.append(_Bucket(members))
        for bucket in self.buckets:
            for parameter in bucket.members:
                self._bucket_of[id(parameter)] = bucket
        self.armed = False  # the hooks act only while armed
        self.persistent = False  # armed for a whole fit (fit_scope), not one step
        self.wait_seconds = 0.0  # time spent waiting on communication (benchmarks)
        self._launched = 0
        self._handles = [
            parameter.register_post_accumulate_grad_hook(self._on_gradient)
            for parameter in self.parameters
            if parameter.requires_grad
        ]

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def _reset(self) -> None:
        for bucket in self.buckets:
            bucket.ready, bucket.flat, bucket.work = 0, None, None
        self._launched = 0

    def begin(self) -> None:
        """Arms the hooks for the step's backward pass."""
        self._reset()
        self.armed = True

    def _on_gradient(self, parameter) -> None:
        if not self.armed:
            return
        bucket = self._bucket_of[id(parameter)]
        bucket.ready += 1
        if bucket.ready > len(bucket.members):
            self._reset()
            raise RuntimeError(
                "DataParallel: a backward pass left some trainable variables without a "
                "gradient, so their gradients could not be averaged across processes (every "
                "trainable variable must get one in each backward pass of a custom "
                "train_step)."
            )
        if bucket.ready == len(bucket.members):
            self._launch(bucket)
            if self._launched == len(self.buckets):
                self._complete()  # the last bucket: averaged before backward returns

    def _launch(self, bucket: _Bucket) -> None:
        parts = [
            torch.zeros(p.numel(), dtype=p.dtype, device=p.device)
            if p.grad is None
            else p.grad.permute(_storage_order(p)).reshape(-1)  # a view, in memory order
            for p in bucket.members
        ]
        flat = torch.cat(parts)
        flat.div_(self.world_size)  # divided before the sum, as DDP: no float16 overflow
        bucket.flat = flat
        bucket.work = dist.all_reduce(flat, async_op=True)
        self._launched += 1

    def _complete(self) -> None:
        """Waits for every bucket and points each gradient at its averaged value."""
        started = time.perf_counter()
        for bucket in self.buckets:
            wait(bucket.work)
        self.wait_seconds += time.perf_counter() - started
        for bucket in self.buckets:
            offset = 0
            for parameter in bucket.members:
                count = parameter.numel()
                parameter.grad = _unflatten(bucket.flat[offset : offset + count], parameter)
                offset += count
        self._reset()

    def finish(self) -> None:
        """After the step's backward: completes the buckets the hooks did not. A variable
        that got no gradient in this process still joins its bucket (zeros), so every
        process launches the same collectives. Nothing to do when backward completed them
        all, or did not run."""
        if not self.persistent:
            self.armed = False
        if self._launched or any(bucket.ready for bucket in self.buckets):
            for bucket in self.buckets:
                if bucket.work is None:
                    self._launch(bucket)
            self._complete()


def reducer_for(model, variables):
    """The model's reducer for these trainable variables (made, and the model's weights
    broadcast from process 0, the first time and whenever the variables change)."""
    entry = _reducers.get(model)
    if entry is not None and entry[0] is variables:
        return entry[1]  # the step's cached list: no per-step walk over the variables
    key = tuple(id(variable) for variable in variables)
    if entry is not None and entry[2] == key:
        _reducers[model] = (variables, entry[1], key)  # the same variables, listed anew
        return entry[1]
    if entry is not None:
        entry[1].remove()
    broadcast_variables(model.weights)
    # Variables split by ModelParallel (DTensors) get their gradients from DTensor's own
    # backward; only the whole ones are averaged here.
    reducer = GradientReducer([v.value for v in variables if not _is_dtensor(v.value)])
    _reducers[model] = (variables, reducer, key)
    return reducer


def reducer_before_forward(model):
    """The reducer, made before the step's forward pass when the model is built (its
    weights exist and can be broadcast first); None when the forward pass builds it."""
    if not getattr(model, "built", False):
        return None
    return reducer_for(model, step_interface.trainable_variables(model))


def custom_train_step_owner(model):
    """The user's class that overrides ``train_step`` for ``model``, or None when the step is
    Lamina's own."""
    owner = next(cls for cls in type(model).__mro__ if "train_step" in vars(cls))
    return None if owner.__module__.startswith("lamina.") else owner


def check_fit(model) -> None:
    """Refuses, before training, a ``train_step`` of the user's own on a model not built
    yet: its gradients can be averaged only once the variables exist (fit_scope)."""
    if not is_active() or getattr(model, "built", False):
        return
    owner = custom_train_step_owner(model)
    if owner is not None:
        raise ValueError(
            f"{owner.__name__}.train_step overrides the training step and the model "
            f"{getattr(model, 'name', '')!r} is not built: under DataParallel, build it before "
            "fit (call it on a batch, or start it with keras.Input) so that its gradients "
            "can be averaged across the processes."
        )


@contextlib.contextmanager
def fit_scope(model):
    """Around ``fit``: the hooks stay armed for every backward pass of the run, so a custom
    ``train_step`` (which calls ``backward`` itself) gets averaged gradients too. The
    model's weights are broadcast from process 0 here when it is built."""
    if not is_active() or not getattr(model, "built", False):
        yield
        return
    reducer = reducer_for(model, list(model.trainable_weights))
    reducer.begin()
    reducer.persistent = True
    try:
        yield
    finally:
        reducer.persistent = reducer.armed = False


def _storage_order(parameter) -> list[int]:
    """The parameter's axes, outermost in memory first: its own order, unless it is stored
    permuted (a conv kernel kept as torch's convolution reads it, Variable._arrange)."""
    return sorted(range(parameter.ndim), key=lambda axis: -parameter.stride(axis))


def _unflatten(flat, parameter):
    """The 1-D ``flat`` (a gradient flattened in ``parameter``'s memory order) as a view of
    the parameter's shape and strides, as the optimizer's multi-tensor kernels want it."""
    order = _storage_order(parameter)
    if order == sorted(order):
        return flat.view_as(parameter)
    stored = flat.view([parameter.shape[axis] for axis in order])
    return stored.permute([order.index(axis) for axis in range(parameter.ndim)])


def _grouped_by_dtype(tensors: list):
    groups: dict = {}
    for tensor in tensors:
        groups.setdefault((tensor.dtype, tensor.device), []).append(tensor)
    return groups.values()


def broadcast_variables(variables) -> None:
    """Every process takes process 0's values of ``variables`` (one broadcast per dtype)."""
    tensors = [v.value.data for v in variables if not _is_dtensor(v.value)]
    for group in _grouped_by_dtype(tensors):
        flat = torch.cat([tensor.reshape(-1) for tensor in group])
        wait(dist.broadcast(flat, src=0, async_op=True))
        copy_back(flat, group)


def copy_back(flat, tensors) -> None:
    """Copies the consecutive parts of the 1-D ``flat`` back into ``tensors`` (the inverse
    of concatenating their flattened values)."""
    offset = 0
    for tensor in tensors:
        count = tensor.numel()
        tensor.copy_(flat[offset : offset + count].view_as(tensor))
        offset += count


def reduce_metric_variables(variables) -> None:
    """Makes metric state global, in place: variables aggregated by ``"sum"`` become their
    sum over the processes and ``"mean"`` their mean, so every process reports the metrics
    of the whole data. Called once where an epoch's (or an evaluation's) logs are made."""
    if not is_active():
        return
    chosen = [v for v in variables if getattr(v, "aggregation", "none") in ("sum", "mean")]
    tensors = [v.value.data for v in chosen]
    for group in _grouped_by_dtype(tensors):
        flat = torch.cat([tensor.reshape(-1) for tensor in group])
        if flat.dtype == torch.bool:
            continue
        wait(dist.all_reduce(flat, async_op=True))
        offset = 0
        for tensor in group:
            count = tensor.numel()
            tensor.copy_(flat[offset : offset + count].view_as(tensor))
            offset += count
    world_size = dist.get_world_size()
    for variable in chosen:
        if variable.aggregation == "mean":
            variable.value.data.div_(world_size)


def shared_random_seed() -> int:
    """A seed drawn by process 0 (from NumPy's global generator, so ``set_random_seed``
    repeats it) and sent to every process: the processes shuffle the data alike."""
    seed = torch.tensor([np.random.randint(0, 2**31 - 1)], dtype=torch.int64)
    if dist.is_initialized() and dist.get_world_size() > 1:
        if dist.get_backend() == "nccl":  # NCCL sends tensors on the process's GPU only
            seed = seed.to(f"cuda:{torch.cuda.current_device()}")
        wait(dist.broadcast(seed, src=0, async_op=True))
    return int(seed.item())


class DistributedFailure(RuntimeError):
    """A collective failed because another process did: raised in the survivors."""


def wait(work) -> None:
    """Waits for a collective; a failure becomes an error naming the process at fault."""
    try:
        work.wait()
    except RuntimeError as error:
        raise DistributedFailure(_describe_failure(error)) from error


def _describe_failure(error) -> str:
    rank, world_size = dist.get_rank(), dist.get_world_size()
    prefix = f"Distributed training stopped on process {rank} of {world_size}: "
    try:
        store = dist.distributed_c10d._get_default_store()
        failed = [r for r in range(world_size) if store.check([f"{_FAILED_KEY}{r}"])]
        if failed:
            reasons = "; ".join(
                f"process {r} raised {store.get(f'{_FAILED_KEY}{r}').decode()}" for r in failed
            )
            return prefix + reasons + "."
        # No process said why: the ones that stopped answering are those that do not check
        # in here within a few seconds (the survivors all land here at about the same time).
        store.set(f"{_ALIVE_KEY}{rank}", "1")
        time.sleep(3.0)
        silent = [r for r in range(world_size) if not store.check([f"{_ALIVE_KEY}{r}"])]
    except Exception:  # the store itself is gone: process 0, which hosts it, is
        return prefix + f"process 0 (which hosts the store) stopped or died ({error})."
    if silent:
        names = ", ".join(str(r) for r in silent)
        return prefix + f"process {names} died or stopped answering ({error})."
    return prefix + f"a collective with the other processes failed ({error})."


def report_failure(error) -> None:
    """Called in a process whose training raised: records why in the store and leaves the
    process group, so that the others' collectives fail now instead of at the timeout."""
    if isinstance(error, DistributedFailure) or not dist.is_initialized():
        return  # another process failed first, and said so
    if dist.get_world_size() <= 1:
        return
    try:
        store = dist.distributed_c10d._get_default_store()
        store.set(f"{_FAILED_KEY}{dist.get_rank()}", f"{type(error).__name__}: {error}"[:500])
    except Exception:  # the store is gone too: leaving the group still helps the others
        pass
    dist.destroy_process_group()


def _is_dtensor(value) -> bool:
    """Whether ``value`` is a ``torch.distributed.tensor.DTensor`` (a variable split by
    ModelParallel, whose process 0 value was scattered when it was made)."""
    from lamina.backend.torch import core

    return core.dtensor_type is not None and isinstance(value, core.dtensor_type)
