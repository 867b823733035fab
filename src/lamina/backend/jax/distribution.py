"""The JAX half of ``lamina.distribution``: meshes and layouts become ``jax.sharding``.

A ``DeviceMesh`` becomes a ``jax.sharding.Mesh`` and a ``TensorLayout`` a
``NamedSharding``; arrays are placed with ``jax.device_put`` (eagerly) or constrained with
``with_sharding_constraint`` (while traced), and XLA inserts the collectives a sharded
step needs. Several processes join through ``jax.distributed.initialize``.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import random
import sys
import threading
import time
import weakref

import jax
import numpy as np

from lamina.backend.common import global_state, process_rank
from lamina.backend.jax import random as engine_random

# A mesh's and a layout's JAX form, made once per object (the public objects stay free of
# engine state; a weak map lets them be collected).
_meshes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_shardings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def list_devices(device_type=None) -> list[str]:
    devices = jax.devices(device_type.lower() if device_type else None)
    return [f"{device.platform}:{device.id}" for device in devices]


def get_device_count(device_type=None) -> int:
    return jax.device_count(device_type.lower() if device_type else None)


def initialize(job_addresses, num_processes, process_id) -> None:
    """``jax.distributed.initialize`` with the coordinator (process 0's address, the first
    of ``job_addresses``); arguments left None are found by JAX (SLURM, Cloud TPU)."""
    coordinator = job_addresses
    if job_addresses and "," in job_addresses:
        addresses = [address.strip() for address in job_addresses.split(",")]
        if num_processes is not None and num_processes != len(addresses):
            raise ValueError(
                f"job_addresses names {len(addresses)} processes ({job_addresses!r}), but "
                f"num_processes is {num_processes}."
            )
        coordinator = addresses[0]
    jax.distributed.initialize(
        coordinator_address=coordinator,
        num_processes=num_processes,
        process_id=process_id,
        heartbeat_timeout_seconds=_heartbeat_timeout(),
    )
    # Rank 0 alone prints progress and runs the callbacks that write files.
    process_rank.set_process(jax.process_index(), jax.process_count())
    _agree_on_seed()


def _heartbeat_timeout() -> int:
    """Seconds without a heartbeat after which JAX's coordination service declares a
    process dead and ends the others (``LAMINA_DISTRIBUTED_HEARTBEAT_TIMEOUT``, default 30;
    JAX's own default, 100, is longer than a dying process should stall a run)."""
    value = os.environ.get("LAMINA_DISTRIBUTED_HEARTBEAT_TIMEOUT", "30")
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise ValueError(
            "LAMINA_DISTRIBUTED_HEARTBEAT_TIMEOUT must be a positive whole number of seconds; "
            f"received {value!r}."
        )
    return seconds


def _agree_on_seed() -> None:
    """Every process continues from process 0's seed: unseeded initializers then draw the
    same replicated weights everywhere (as Keras's ``initialize_rng``)."""
    from jax.experimental import multihost_utils

    seed = int(multihost_utils.broadcast_one_to_all(np.uint32(random.randint(0, 2**31 - 1))))
    random.seed(seed)
    np.random.seed(seed)
    engine_random.set_global_seed(seed)


def num_processes() -> int:
    return jax.process_count()


def process_id() -> int:
    return jax.process_index()


def _device(name: str):
    if isinstance(name, jax.Device):
        return name
    platform, _, index = str(name).partition(":")
    for device in jax.devices(platform):
        if device.id == int(index or 0):
            return device
    raise ValueError(
        f"Device {name!r} not found; the {platform} devices are {list_devices(platform)}."
    )


def to_backend_mesh(device_mesh) -> jax.sharding.Mesh:
    mesh = _meshes.get(device_mesh)
    if mesh is None:
        devices = np.array([_device(name) for name in device_mesh.devices.flat], dtype=object)
        mesh = jax.sharding.Mesh(devices.reshape(device_mesh.shape), tuple(device_mesh.axis_names))
        _meshes[device_mesh] = mesh
    return mesh


def to_backend_layout(layout) -> jax.sharding.Sharding:
    """A ``TensorLayout`` as a ``NamedSharding`` (a JAX ``Sharding`` passes through)."""
    if isinstance(layout, jax.sharding.Sharding):
        return layout
    sharding = _shardings.get(layout)
    if sharding is None:
        if layout.device_mesh is None:
            raise ValueError(f"The layout {layout} has no device mesh: it cannot be placed.")
        spec = jax.sharding.PartitionSpec(*layout.axes)
        sharding = jax.sharding.NamedSharding(to_backend_mesh(layout.device_mesh), spec)
        _shardings[layout] = sharding
    return sharding


def _is_traced(x) -> bool:
    return isinstance(x, jax.core.Tracer)


def distribute_tensor(tensor, layout):
    """``tensor`` laid out as ``layout``: a sharding constraint while traced, else placed
    (no copy when it already is)."""
    sharding = to_backend_layout(layout)
    if _is_traced(tensor):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    if isinstance(tensor, jax.Array) and tensor.sharding.is_equivalent_to(sharding, tensor.ndim):
        return tensor
    return jax.device_put(tensor, sharding)


def distribute_variable(value, layout):
    """A variable's value placed by its layout (the whole value is on every process)."""
    return distribute_tensor(value, layout)


def distribute_data_input(per_process_batch, layout, batch_dim_name):
    """This process's batch as its part of the global batch sharded by ``layout``."""
    sharding = to_backend_layout(layout)
    if _is_traced(per_process_batch):
        return jax.lax.with_sharding_constraint(per_process_batch, sharding)
    if jax.process_count() == 1:
        if isinstance(per_process_batch, jax.Array) and per_process_batch.sharding == sharding:
            return per_process_batch
        return jax.device_put(per_process_batch, sharding)
    return jax.make_array_from_process_local_data(sharding, np.asarray(per_process_batch))


def shared_random_seed() -> int:
    """A seed drawn by process 0 (from NumPy's global generator, so ``set_random_seed``
    repeats it) and sent to every process: ``fit`` shuffles the data alike in each (see
    trainers/distributed.py)."""
    seed = np.int32(np.random.randint(0, 2**31 - 1))
    if jax.process_count() > 1:
        from jax.experimental import multihost_utils

        seed = multihost_utils.broadcast_one_to_all(seed)
    return int(seed)


def process_part_multiple(distribution) -> int:
    """How many rows each process's part of a batch must be a multiple of: the devices it
    splits its part over. The processes' parts join into one global array
    (``make_array_from_process_local_data``), so they must also be of one size (see
    trainers/distributed.py)."""
    return max(distribution.num_model_replicas // distribution.num_processes, 1)


def gather_predictions(outputs):
    """A predict step's outputs as the whole batch's: they are global arrays already (every
    process's rows, in process order), which ``convert_to_numpy`` gathers into each
    process."""
    return outputs


# Failures during fit (trainers/distributed.py calls report_failure and fit_scope). A
# process that dies stops sending heartbeats, and JAX's coordination service ends the
# others after the heartbeat timeout, naming it ("tasks are unhealthy ...: 1"). A process
# that raises is still alive: it writes why under this key of the service's key-value
# store, and a thread in each other process, waiting on the key while fit runs, ends its
# process with that message (their main threads wait inside a collective that would never
# complete, and cannot be interrupted).
_FAILURE_KEY = "lamina/failure"


def _client():
    # JAX has no public accessor for the coordination service's client (its key-value
    # store is what jax.experimental.multihost_utils uses internally too).
    from jax._src import distributed

    return distributed.global_state.client


def report_failure(error) -> None:
    """Tells the other processes why this one left fit; at exit this process then skips
    JAX's shutdown barrier, which would wait for the others until its timeout."""
    client = _client()
    if client is None:
        return
    message = f"process {jax.process_index()} raised {type(error).__name__}: {error}"
    with contextlib.suppress(Exception):  # another process's report came first
        client.key_value_set(_FAILURE_KEY, message)
    atexit.register(_exit_at_once)


# Each process leaving after a failure writes this key (plus its index) just before it
# exits. Process 0 hosts the coordination service: if it left first, the service's socket
# would close under processes still printing their traceback, whose JAX client then aborts
# the process (SIGABRT, "Polled an error from coordination service") instead of exiting
# with the failure's status. So process 0 waits (a few seconds at most) for the others.
_LEFT_KEY = "lamina/left/"
_LEAVE_WAIT_SECONDS = 10.0


def _exit_at_once() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    client = _client()
    if client is not None:
        with contextlib.suppress(Exception):
            client.key_value_set(f"{_LEFT_KEY}{jax.process_index()}", "left")
        if jax.process_index() == 0:
            _wait_for_the_others_to_leave(client)
    os._exit(1)


def _wait_for_the_others_to_leave(client) -> None:
    deadline = time.monotonic() + _LEAVE_WAIT_SECONDS
    for index in range(1, jax.process_count()):
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms <= 0:
            return
        with contextlib.suppress(Exception):  # not there in time: leave anyway
            client.blocking_key_value_get(f"{_LEFT_KEY}{index}", remaining_ms)


# Barriers are named; every process passes the same ones in the same order, so a counter
# gives the same names everywhere. A save waits for process 0's write, which may be long.
_barriers = itertools.count()
_BARRIER_TIMEOUT_MS = 30 * 60 * 1000


def barrier() -> None:
    """Waits until every process of the run gets here (saving: process 0 has written).
    The coordination service's barrier: no device collective, so nothing is compiled."""
    client = _client()
    if client is None or jax.process_count() <= 1:
        return
    client.wait_at_barrier(f"lamina/barrier/{next(_barriers)}", _BARRIER_TIMEOUT_MS)


def gathers_to_save() -> bool:
    """Whether saving needs every process: under a ModelParallel (a layout map) over several
    processes, variables split among them are fetched by a collective
    (``multihost_utils.process_allgather``), so ModelCheckpoint then runs in all of them."""
    distribution = global_state.get_global_attribute("distribution")
    return getattr(distribution, "_layout_map", None) is not None and jax.process_count() > 1


@contextlib.contextmanager
def fit_scope(model):
    """While fit runs, a thread ends this process when another reports a failure."""
    client = _client()
    if client is None:
        yield
        return
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch_for_failure, args=(client, done), name="lamina-failure-watch", daemon=True
    )
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()  # within one wait (0.1 s): none may still call the client at exit


def _watch_for_failure(client, done: threading.Event) -> None:
    own = f"process {jax.process_index()} "
    while not done.is_set():
        try:
            message = client.blocking_key_value_get(_FAILURE_KEY, 100)
        except Exception:  # not there yet (or the client is shutting down)
            done.wait(0.05)
            continue
        if message.startswith(own) or done.is_set():
            return  # this process's own report (it is leaving fit), or fit ended here
        sys.stderr.write(
            f"lamina.distribution: stopping process {jax.process_index()} because {message} "
            "during fit (the other processes cannot continue without it).\n"
        )
        _exit_at_once()
