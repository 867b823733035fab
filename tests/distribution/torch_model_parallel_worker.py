"""One process of the two-process runs in test_torch_model_parallel.py (not a test).

``python torch_model_parallel_worker.py OUT_DIR [REFERENCE_DIR]`` with torchrun's
variables set. Under ``ModelParallel`` on a ``(1, 2)`` mesh ("batch", "model") it builds
the models of ``make_mlp`` and ``make_block`` with their kernels split on "model", and
writes to ``OUT_DIR/rank<N>.json`` what the test compares with one process: placements and
local shard shapes, outputs, weights after a few fit steps, a saved ``.keras`` file (process
0) and weights loaded from the test's unsplit files; then predict under ``DataParallel``.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np


def data():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((16, 4)).astype("float32")
    y = (x @ rng.standard_normal((4, 2))).astype("float32")
    tokens = rng.standard_normal((8, 3, 4)).astype("float32")
    return x, y, tokens, rng.standard_normal((8, 3, 4)).astype("float32")


def make_mlp():
    import lamina as keras

    keras.utils.set_random_seed(5)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="tanh", name="up"),
            keras.layers.Dense(2, name="down"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def make_block():
    """A small Transformer block: self-attention and a feed-forward layer, residuals and
    layer normalization."""
    import lamina as keras

    keras.utils.set_random_seed(6)
    inputs = keras.Input((3, 4))
    attended = keras.layers.MultiHeadAttention(2, 2, name="attention")(inputs, inputs)
    hidden = keras.layers.LayerNormalization(name="norm")(inputs + attended)
    feed = keras.layers.Dense(8, activation="relu", name="ffn_up")(hidden)
    outputs = hidden + keras.layers.Dense(4, name="ffn_down")(feed)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def layout_map(keras, shape=(1, 2)):
    mesh = keras.distribution.DeviceMesh(shape, ["batch", "model"])
    layouts = keras.distribution.LayoutMap(mesh)
    layouts["up/kernel"] = (None, "model")
    layouts["up/bias"] = ("model",)
    layouts["down/kernel"] = ("model", None)
    layouts["attention/(query|key|value)/kernel"] = (None, "model", None)
    layouts["attention/(query|key|value)/bias"] = ("model", None)
    layouts["attention/attention_output/kernel"] = ("model", None, None)
    layouts["ffn_up/kernel"] = (None, "model")
    layouts["ffn_down/kernel"] = ("model", None)
    return layouts


def _weights(model):
    return [w.tolist() for w in model.get_weights()]


def run_model(keras, name, make, x, y, out_dir, rank):
    model = make()
    result = {}
    kernel = next(v for v in model.weights if v.path.endswith(("up/kernel", "query/kernel")))
    result["placements"] = [str(p) for p in kernel.value.placements]
    result["local_shape"] = list(kernel.value.to_local().shape)
    result["full_shape"] = list(kernel.shape)
    result["initial"] = _weights(model)
    result["outputs"] = keras.ops.convert_to_numpy(model(x)).tolist()
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    result["trained"] = _weights(model)
    result["predict"] = model.predict(x, batch_size=8, verbose=0).tolist()
    result["evaluate"] = model.evaluate(x, y, batch_size=8, verbose=0)
    path = os.path.join(out_dir, f"{name}_split.keras" if rank == 0 else f"{name}_{rank}.keras")
    model.save(path)  # gathers in every process; the test reads process 0's file
    return result


def load_unsplit(keras, name, make, reference_dir):
    """A file saved by one process, loaded under ModelParallel: split again."""
    model = keras.saving.load_model(os.path.join(reference_dir, f"{name}.keras"))
    fresh = make()
    fresh.load_weights(os.path.join(reference_dir, f"{name}.weights.h5"))
    kernel = next(v for v in model.weights if v.path.endswith(("up/kernel", "query/kernel")))
    return {
        "loaded": _weights(model),
        "loaded_weights": _weights(fresh),
        "loaded_local_shape": list(kernel.value.to_local().shape),
    }


def main(out_dir, reference_dir=None):
    import torch

    torch.set_num_threads(1)
    import lamina as keras

    rank = int(os.environ["RANK"])
    keras.distribution.initialize()
    x, y, tokens, token_targets = data()
    result = {"rank": rank}
    keras.distribution.set_distribution(
        keras.distribution.ModelParallel(layout_map=layout_map(keras), batch_dim_name="batch")
    )
    result["mlp"] = run_model(keras, "mlp", make_mlp, x, y, out_dir, rank)
    result["block"] = run_model(keras, "block", make_block, tokens, token_targets, out_dir, rank)
    if reference_dir:
        result["mlp"].update(load_unsplit(keras, "mlp", make_mlp, reference_dir))
        result["block"].update(load_unsplit(keras, "block", make_block, reference_dir))
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model = make_mlp()
    result["data_parallel_predict"] = model.predict(x[:13], batch_size=4, verbose=0).tolist()
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as file:
        json.dump(result, file)


def _record_destinations(keras):
    """Where each save of this process wrote: the paths handed to the writers."""
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
    return written


def split_batch_main(out_dir):
    """Four processes, a (2, 2) mesh: each batch split in two along "batch", each kernel
    in two along "model"; then saving from every process (process 0 writes)."""
    import torch

    torch.set_num_threads(1)
    import lamina as keras

    rank = int(os.environ["RANK"])
    keras.distribution.initialize()
    x, y, _, _ = data()
    keras.distribution.set_distribution(
        keras.distribution.ModelParallel(
            layout_map=layout_map(keras, (2, 2)), batch_dim_name="batch"
        )
    )
    model = make_mlp()
    kernel = model.get_layer("up").kernel
    result = {
        "rank": rank,
        "placements": [str(p) for p in kernel.value.placements],
        "local_shape": list(kernel.value.to_local().shape),
        "initial": _weights(model),
    }
    written = _record_destinations(keras)
    checkpoint = keras.callbacks.ModelCheckpoint(
        os.path.join(out_dir, "checkpoint.weights.h5"), save_weights_only=True
    )  # runs in every process: saving gathers the split kernels
    backup = keras.callbacks.BackupAndRestore(
        os.path.join(out_dir, "backup"), delete_checkpoint=False
    )
    history = model.fit(
        x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[checkpoint, backup]
    )
    result["history"] = history.history
    result["trained"] = _weights(model)
    result["evaluate"] = model.evaluate(x, y, batch_size=8, verbose=0)
    result["predict"] = model.predict(x[:13], batch_size=4, verbose=0).tolist()
    path = os.path.join(out_dir, "split_batch.keras")
    model.save(path)  # the same path in every process
    model.save_weights(os.path.join(out_dir, "split_batch.weights.h5"))
    result["written"] = written
    result["exists_after_save"] = os.path.exists(path)
    result["leftovers"] = [p for p in written if os.path.exists(p) and out_dir not in p]
    loaded = keras.saving.load_model(path)  # split again, by the layout map
    result["loaded"] = _weights(loaded)
    result["loaded_local_shape"] = list(loaded.get_layer("up").kernel.value.to_local().shape)
    own_step = make_own_step(keras)
    try:
        own_step.fit(x, y, batch_size=8, epochs=1, verbose=0)
    except ValueError as error:
        result["own_step_error"] = str(error)
    split_on_batch = keras.distribution.LayoutMap(layout_map(keras, (2, 2)).device_mesh)
    split_on_batch["up/kernel"] = ("batch", None)
    keras.distribution.set_distribution(
        keras.distribution.ModelParallel(layout_map=split_on_batch, batch_dim_name="batch")
    )
    try:
        make_mlp()
    except NotImplementedError as error:
        result["batch_layout_error"] = str(error)
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as file:
        json.dump(result, file)


def make_own_step(keras):
    class OwnStep(keras.Sequential):
        def train_step(self, data):
            return {}

    model = OwnStep([keras.Input((4,)), keras.layers.Dense(2, name="down")])
    model.compile(optimizer="sgd", loss="mse")
    return model


if __name__ == "__main__":
    if sys.argv[1] == "split_batch":
        split_batch_main(sys.argv[2])
    else:
        main(*sys.argv[1:])
