"""Run by tests/distribution/test_jax_mesh.py in a subprocess: JAX with 8 forced CPU devices
(``python jax_mesh_scenarios.py [scenario ...]``), or as one of two processes with 2 devices
each (``python jax_mesh_scenarios.py --process ID PORT two_processes``).

XLA_FLAGS must be set before JAX starts, hence a process of its own. Every scenario runs
here once and its findings (numbers, shardings, error messages) are printed as one JSON
line, which the tests read and check.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import tempfile
import time
import traceback

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=" + (
    "2" if sys.argv[1:2] == ["--process"] else "8"
)
os.environ["LAMINA_BACKEND"] = "jax"

import jax
import numpy as np

import lamina as keras
from lamina import distribution as dist

PROCESS = sys.argv[2:4] if sys.argv[1:2] == ["--process"] else None  # (id, port)
if os.environ.get("LAMINA_XLA_CACHE_DIR"):  # the suite's persistent XLA cache, as conftest
    jax.config.update("jax_compilation_cache_dir", os.environ["LAMINA_XLA_CACHE_DIR"])
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)

RNG = np.random.default_rng(7)
X = RNG.standard_normal((32, 6)).astype("float32")
Y = RNG.standard_normal((32, 8)).astype("float32")
SEQ_X = RNG.standard_normal((16, 4, 8)).astype("float32")
SEQ_Y = RNG.standard_normal((16, 3)).astype("float32")


LAST_MODEL: list = []  # the model mlp_trained trained last


def mlp():
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(8)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def attention_block():
    keras.utils.set_random_seed(2)
    inputs = keras.Input((4, 8))
    attended = keras.layers.MultiHeadAttention(num_heads=4, key_dim=2)(inputs, inputs)
    pooled = keras.layers.GlobalAveragePooling1D()(attended + inputs)
    model = keras.Model(inputs, keras.layers.Dense(3)(pooled))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def mesh_2x4():
    return dist.DeviceMesh((2, 4), ["batch", "model"])


def mlp_layouts():
    layout_map = dist.LayoutMap(mesh_2x4())
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    return layout_map


def attention_layouts():
    layout_map = dist.LayoutMap(mesh_2x4())
    layout_map[".*(query|key|value)/kernel"] = (None, "model", None)
    layout_map[".*(query|key|value)/bias"] = ("model", None)
    layout_map[".*attention_output/kernel"] = ("model", None, None)
    return layout_map


def max_difference(weights, other) -> float:
    return max(float(np.max(np.abs(a - b))) for a, b in zip(weights, other))


def placements(model) -> dict:
    """Each variable's partition spec and the shape of the part one device holds."""
    return {
        variable.path: {
            "spec": [None if axis is None else str(axis) for axis in variable.value.sharding.spec],
            "shard": list(variable.value.addressable_shards[0].data.shape),
            "devices": len(variable.value.sharding.device_set),
        }
        for variable in model.weights
    }


def sgd_reference(weights, x, y, batch_size, epochs, learning_rate=0.1):
    """The MLP's weights after SGD on the MSE, in float64 NumPy, batches in order."""
    kernel1, bias1, kernel2, bias2 = (np.asarray(w, np.float64) for w in weights)
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            hidden = np.maximum(xb @ kernel1 + bias1, 0.0)
            d_outputs = 2.0 * (hidden @ kernel2 + bias2 - yb) / yb.size
            d_hidden = (d_outputs @ kernel2.T) * (hidden > 0)
            kernel2 = kernel2 - learning_rate * hidden.T @ d_outputs
            bias2 = bias2 - learning_rate * d_outputs.sum(0)
            kernel1 = kernel1 - learning_rate * xb.T @ d_hidden
            bias1 = bias1 - learning_rate * d_hidden.sum(0)
    return [kernel1, bias1, kernel2, bias2]


def mlp_outputs(weights, x):
    kernel1, bias1, kernel2, bias2 = (np.asarray(w, np.float64) for w in weights)
    return np.maximum(x @ kernel1 + bias1, 0.0) @ kernel2 + bias2


def global_inference(model, distribution) -> dict:
    """predict (29 rows: an uneven last batch) and evaluate of ``model`` under
    ``distribution`` against the same weights in a model without one, in this process."""
    plain = mlp()
    plain.set_weights(model.get_weights())
    with distribution.scope():
        predicted = model.predict(X[:29], batch_size=16, verbose=0)
        evaluated = model.evaluate(X, Y, batch_size=16, verbose=0)
    return {
        "predict_rows": len(predicted),
        "predict": max_difference([plain.predict(X[:29], verbose=0)], [predicted]),
        "evaluate": abs(plain.evaluate(X, Y, batch_size=16, verbose=0) - evaluated),
    }


def mlp_trained(distribution, batch_size, epochs, predict=True):
    """An MLP made and trained under ``distribution`` against the float64 reference."""
    keras.backend.clear_session(free_memory=False)  # layer names from dense (it also
    with distribution.scope():  # clears the active distribution: call it outside the scope)
        model = mlp()
        initial = model.get_weights()
        # predict is not split per process (trainer.predict): one process only.
        outputs = model.predict(X, verbose=0) if predict else mlp_outputs(initial, X)
        model.fit(X, Y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
    LAST_MODEL[:] = [model]
    expected = sgd_reference(initial, X, Y, batch_size, epochs)
    return {
        "outputs": max_difference([mlp_outputs(initial, X)], [outputs]),
        "weights": max_difference(expected, model.get_weights()),
        "placements": placements(model),
        "loss": model.history.history["loss"],
        # Rows the last epoch's loss was averaged over: the whole data once, not once per
        # process (each process gives its own part of each global batch).
        "rows_seen": float(model.metrics[0].variables[1].numpy()),
    }


def devices():
    return {"list": dist.list_devices(), "count": dist.get_device_count("cpu")}


def data_parallel():
    distribution = dist.DataParallel()
    result = mlp_trained(distribution, batch_size=16, epochs=2)
    layout = distribution.get_data_layout((16, 6))
    placed = keras.backend.engine.distribution.distribute_data_input(X[:16], layout, "batch")
    result["batch_shards"] = sorted(
        {tuple(shard.data.shape) for shard in placed.addressable_shards}
    )
    result["batch_devices"] = len(placed.sharding.device_set)
    model = LAST_MODEL[0]
    with distribution.scope():  # a last batch of 13 over 8 devices: filled up to 16
        predicted = model.predict(X[:29], batch_size=16, verbose=0)
    expected = mlp_outputs(model.get_weights(), X[:29])
    result["uneven_predict"] = max_difference([expected], [predicted])
    return result


def model_parallel_mlp():
    return mlp_trained(dist.ModelParallel(layout_map=mlp_layouts()), batch_size=8, epochs=1)


def model_parallel_attention():
    """Against the same block trained unsharded (slow: two more compiled programs)."""
    reference = attention_block()
    reference_outputs = reference.predict(SEQ_X, verbose=0)
    reference.fit(SEQ_X, SEQ_Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    keras.backend.clear_session(free_memory=False)
    with dist.ModelParallel(layout_map=attention_layouts(), batch_dim_name="batch").scope():
        model = attention_block()
        outputs = model.predict(SEQ_X, verbose=0)
        model.fit(SEQ_X, SEQ_Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return {
        "outputs": max_difference([reference_outputs], [outputs]),
        "weights": max_difference(reference.get_weights(), model.get_weights()),
        "placements": placements(model),
    }


def saving():
    folder = tempfile.mkdtemp()
    distribution = dist.ModelParallel(layout_map=mlp_layouts())
    with distribution.scope():
        sharded = mlp()
        sharded.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        sharded.save(os.path.join(folder, "sharded.keras"))
    unsharded = keras.models.load_model(os.path.join(folder, "sharded.keras"))
    plain = mlp()
    plain.save(os.path.join(folder, "plain.keras"))
    with distribution.scope():
        resharded = keras.models.load_model(os.path.join(folder, "plain.keras"))
    return {
        "sharded_to_plain": max_difference(sharded.get_weights(), unsharded.get_weights()),
        "plain_devices": len(unsharded.weights[0].value.sharding.device_set),
        "plain_to_sharded": max_difference(plain.get_weights(), resharded.get_weights()),
        "resharded": placements(resharded),
        "predict_after_load": max_difference(
            [plain.predict(X, verbose=0)], [resharded.predict(X, verbose=0)]
        ),
    }


def distribute_tensor():
    layout = dist.TensorLayout(("batch", None), dist.DeviceMesh((8,), ["batch"]))
    eager = dist.distribute_tensor(jax.numpy.asarray(X), layout)

    @jax.jit
    def inside(x):
        return dist.distribute_tensor(x * 2.0, layout)

    traced = inside(jax.numpy.asarray(X))
    return {
        "eager": [list(eager.sharding.spec), len(eager.sharding.device_set)],
        "traced": [list(traced.sharding.spec), float(np.max(np.abs(traced - 2 * X)))],
        "symbolic": dist.distribute_tensor(keras.Input((3,)), layout).shape[1],
    }


def _error(function) -> str | None:
    try:
        function()
    except (ValueError, TypeError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def errors():
    def rank_mismatch():
        layout_map = dist.LayoutMap(mesh_2x4())
        layout_map[".*dense.*kernel"] = ("model",)
        with dist.ModelParallel(layout_map=layout_map).scope():
            mlp()

    def uneven_split():
        layout_map = dist.LayoutMap(mesh_2x4())
        layout_map[".*dense.*kernel"] = ("model", None)  # 6 rows over 4 devices
        with dist.ModelParallel(layout_map=layout_map).scope():
            mlp()

    untouched = {}

    def batch_not_divisible(batch_size, samples):
        def run():
            with dist.DataParallel().scope():
                model = mlp()
                before = model.get_weights()
                try:
                    model.fit(X[:samples], Y[:samples], batch_size=batch_size, verbose=0)
                finally:
                    untouched[batch_size] = max_difference(before, model.get_weights())

        return run

    return {
        "mesh_too_large": _error(lambda: dist.DeviceMesh((16,), ["batch"])),
        "rank_mismatch": _error(rank_mismatch),
        "uneven_split": _error(uneven_split),
        "batch": _error(batch_not_divisible(12, 24)),
        "last_batch": _error(batch_not_divisible(16, 28)),
        "untouched": untouched,
    }


def two_processes():
    """Run in each of two processes of 2 devices: the same trainings as in one process."""
    layout_map = dist.LayoutMap(dist.DeviceMesh((2, 2), ["batch", "model"]))
    layout_map[".*dense.*kernel"] = (None, "model")  # a replica per process, split in two
    found = {"devices": dist.list_devices(), "process": jax.process_index()}
    for name, distribution, batch_size, epochs in (
        ("data_parallel", dist.DataParallel(), 16, 2),
        ("model_parallel", dist.ModelParallel(layout_map=layout_map), 8, 1),
    ):
        found[name] = mlp_trained(distribution, batch_size, epochs, predict=False)
        found[name].update(global_inference(LAST_MODEL[0], distribution))
    if os.environ.get("LAMINA_TEST_SAVE_DIR"):
        folder = os.environ["LAMINA_TEST_SAVE_DIR"]
        found["saving"] = saved_by_process_zero(folder)
        found["checkpoint"] = checkpoint_under_model_parallel(folder, layout_map)
    return found


def checkpoint_under_model_parallel(folder: str, layout_map) -> dict:
    """ModelCheckpoint while the kernels are split among the processes: fetching them is a
    collective, so the callback runs in every process (process 0 writes)."""
    path = os.path.join(folder, "model_parallel.keras")
    with dist.ModelParallel(layout_map=layout_map).scope():
        model = mlp()
        checkpoint = keras.callbacks.ModelCheckpoint(path)
        model.fit(X, Y, batch_size=8, epochs=1, verbose=0, callbacks=[checkpoint])
        there = os.path.exists(path)
        loaded = keras.saving.load_model(path)
        difference = max(
            np.abs(a - b).max() for a, b in zip(loaded.get_weights(), model.get_weights())
        )
    return {"there_after_fit": there, "loaded_weights": float(difference)}


def saved_by_process_zero(folder: str) -> dict:
    """``save`` and ``save_weights`` under DataParallel over both processes: only process 0
    writes the real paths (the others a throw-away one), and after the barrier the files
    are whole in every process."""
    from lamina.saving import keras_archive, weights

    written: list = []
    write_zip, write_weights = keras_archive._write_zip, weights._write_replacing

    def record_zip(model, members, weights_name, filepath, directory):
        written.append(filepath)
        write_zip(model, members, weights_name, filepath, directory)

    def record_weights(model, filepath):
        written.append(filepath)
        write_weights(model, filepath)

    keras_archive._write_zip, weights._write_replacing = record_zip, record_weights
    try:
        with dist.DataParallel().scope():
            model = mlp()
            model.fit(X, Y, batch_size=16, epochs=1, verbose=0)
            archive = os.path.join(folder, "model.keras")
            weights_file = os.path.join(folder, "model.weights.h5")
            model.save(archive)
            archive_there = os.path.exists(archive)
            model.save_weights(weights_file)
            weights_there = os.path.exists(weights_file)
            loaded = keras.saving.load_model(archive)
            model.load_weights(weights_file)
    finally:
        keras_archive._write_zip, weights._write_replacing = write_zip, write_weights
    logger = keras.callbacks.CSVLogger(os.path.join(folder, "log.csv"))
    return {
        # rank 0 alone runs the callbacks that write files (and prints progress)
        "file_callbacks_kept": len(keras.callbacks.CallbackList([logger]).callbacks),
        "real_paths_written": [path in (archive, weights_file) for path in written],
        "there_after_save": [archive_there, weights_there],
        "loaded_weights": float(
            max(np.abs(a - b).max() for a, b in zip(loaded.get_weights(), model.get_weights()))
        ),
    }


def fail_in_fit(how: str) -> None:
    """Process 1 leaves fit mid-epoch: ``raise`` (a callback raises) or ``die``
    (``os._exit``); process 0 must then end with an error naming process 1."""

    class Fail(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if jax.process_index() == 1 and batch == 1:
                if how == "die":
                    os._exit(3)
                raise ValueError("a failure in process 1")

    print(f"FIT {time.monotonic()}", flush=True)
    with dist.DataParallel().scope():
        model = mlp()
        try:
            model.fit(X, Y, batch_size=4, epochs=1000, verbose=0, callbacks=[Fail()])
        except ValueError:
            # A slow way out (a long traceback on a loaded machine): process 1's exit comes
            # 2 s after process 0 has seen the failure. Process 0 hosts the coordination
            # service and must outlive it, or process 1 aborts instead of exiting with 1.
            atexit.register(time.sleep, 2.0)
            raise


# The cheap ones, run by default; model_parallel_attention only when named.
DEFAULT = (
    "devices",
    "data_parallel",
    "model_parallel_mlp",
    "saving",
    "distribute_tensor",
    "errors",
)
SCENARIOS = {
    name: globals()[name] for name in (*DEFAULT, "model_parallel_attention", "two_processes")
}

if __name__ == "__main__":
    names = sys.argv[1:]
    failure = None
    if PROCESS:
        dist.initialize(f"127.0.0.1:{PROCESS[1]}", num_processes=2, process_id=int(PROCESS[0]))
        names = names[3:]
        # "--process ID PORT [scenario ...] fail:raise|die": the scenarios, then a failure.
        if names and names[-1].startswith("fail:"):
            failure = names.pop()[len("fail:") :]
    results = {}
    for name in names if names or failure else DEFAULT:
        try:
            results[name] = SCENARIOS[name]()
        except Exception:
            results[name] = {"crashed": traceback.format_exc()}
    print("RESULTS " + json.dumps(results, default=str), flush=True)
    if failure:
        fail_in_fit(failure)
