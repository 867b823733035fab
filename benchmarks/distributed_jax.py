"""The JAX rows of ``distributed.py``: DataParallel over 8 virtual CPU devices.

Run by ``distributed.py`` in a process of its own (XLA_FLAGS must be set before JAX
starts): the same MLP, global batch and SGD as the torch rows, trained by Lamina ``fit``
on one device and under ``DataParallel`` over the 8 devices, against the loop a JAX user
writes by hand: the step under ``jax.jit`` with the parameters replicated and the batch
split by ``NamedSharding``, state donated, each host batch placed with ``device_put``, one
step in flight (as a loop that reads each step's loss).
Prints one JSON line: seconds per step of each.

    XLA_FLAGS=--xla_force_host_platform_device_count=8 python distributed_jax.py STEPS ROUNDS
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ["LAMINA_BACKEND"] = "jax"

import jax
import jax.numpy as jnp
import numpy as np
from distributed import CLASSES, FEATURES, GLOBAL_BATCH, HIDDEN, _data

import lamina as keras

LEARNING_RATE = 0.01


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((FEATURES,)), keras.layers.Dense(HIDDEN, activation="relu"),
         keras.layers.Dense(HIDDEN, activation="relu"), keras.layers.Dense(CLASSES)]
    )  # fmt: skip
    model.compile(
        optimizer=keras.optimizers.SGD(LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def lamina_fit(x, y, steps, rounds, distribution=None) -> float:
    """Median seconds per step of one ``fit`` epoch of ``steps`` global batches."""
    keras.distribution.set_distribution(distribution)
    try:
        model = _model()
        rows = steps * GLOBAL_BATCH
        warm_up = 4 * GLOBAL_BATCH  # compiles the step, untimed
        model.fit(x[:warm_up], y[:warm_up], batch_size=GLOBAL_BATCH, verbose=0)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            model.fit(x[:rows], y[:rows], batch_size=GLOBAL_BATCH, shuffle=False, verbose=0)
            model.trainable_variables[-1].value.block_until_ready()
            times.append((time.perf_counter() - start) / steps)
        return statistics.median(times)
    finally:
        keras.distribution.set_distribution(None)


def _loss(params, x, y):
    hidden = x
    for kernel, bias in params[:-1]:
        hidden = jax.nn.relu(hidden @ kernel + bias)
    kernel, bias = params[-1]
    logits = hidden @ kernel + bias
    log_probabilities = jax.nn.log_softmax(logits)
    return -jnp.mean(jnp.take_along_axis(log_probabilities, y[:, None], axis=1))


def plain_jit(x, y, steps, rounds) -> float:
    """The hand-written loop: replicated parameters, the batch split over the devices."""
    mesh = jax.sharding.Mesh(np.array(jax.devices()), ("batch",))
    replicated = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec())
    split = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("batch"))
    rng = np.random.default_rng(0)
    sizes = [FEATURES, HIDDEN, HIDDEN, CLASSES]
    params = [
        (rng.standard_normal((fan_in, fan_out)).astype("float32") / np.sqrt(fan_in),
         np.zeros(fan_out, "float32"))
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
    ]  # fmt: skip
    params = jax.device_put(params, replicated)

    def step(params, x, y):
        loss, grads = jax.value_and_grad(_loss)(params, x, y)
        params = jax.tree_util.tree_map(lambda p, g: p - LEARNING_RATE * g, params, grads)
        return params, loss

    step = jax.jit(step, donate_argnums=0, out_shardings=(replicated, None))

    def epoch(params, count):
        loss = None
        for index in range(count):
            rows = slice(index * GLOBAL_BATCH, (index + 1) * GLOBAL_BATCH)
            xb, yb = jax.device_put((x[rows], y[rows].astype("int32")), split)
            if loss is not None:
                # One step in flight: a deeper queue of 8-device steps on a few CPU cores
                # starves XLA's collective rendezvous (it aborts after 40 s).
                loss.block_until_ready()
            params, loss = step(params, xb, yb)
        jax.block_until_ready(params)
        return params

    params = epoch(params, 4)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        params = epoch(params, steps)
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def main():
    steps, rounds = int(sys.argv[1]), int(sys.argv[2])
    x, y = _data(steps, 0, 1)
    result = {
        "devices": jax.device_count(),
        "fit_1": lamina_fit(x, y, steps, rounds),
        "fit_dp": lamina_fit(x, y, steps, rounds, keras.distribution.DataParallel()),
        "plain_dp": plain_jit(x, y, steps, rounds),
    }
    print("JAX_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
