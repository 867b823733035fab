"""One process of the two-process torch runs in test_torch_data_parallel.py (not a test).

``python torch_worker.py SCENARIO OUT_DIR`` with torchrun's variables (RANK, WORLD_SIZE,
MASTER_ADDR, MASTER_PORT) set; it writes what the test checks to ``OUT_DIR/rank<N>.json``.
Scenarios: ``fit`` (DataParallel training with a checkpoint and a CSV log, then process 1
raises part-way through a second fit) and ``kill`` (process 1 dies part-way through).
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np


def data():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((48, 4)).astype("float32")
    y = (x @ rng.standard_normal((4, 1)) + 0.1).astype("float32")
    return x, y


def make_model(seed):
    import lamina as keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def make_own_step_model(seed):
    """A model whose train_step is written by hand, the Keras way on torch."""
    import torch

    import lamina as keras

    class OwnStep(keras.Sequential):
        def train_step(self, data):
            x, y = data
            self.zero_grad()
            loss = self.compute_loss(x=x, y=y, y_pred=self(x, training=True))
            loss.backward()
            weights = self.trainable_weights
            with torch.no_grad():
                self.optimizer.apply([weight.value.grad for weight in weights], weights)
            return {"loss": loss.detach()}

    keras.utils.set_random_seed(seed)
    model = OwnStep([keras.Input((4,)), keras.layers.Dense(8, activation="tanh"),
                     keras.layers.Dense(1)])  # fmt: skip
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def main(scenario, out_dir):
    import torch

    torch.set_num_threads(1)
    import lamina as keras

    rank = int(os.environ["RANK"])
    keras.distribution.initialize()
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model = make_model(seed=1 + rank)  # process 0's weights must win (broadcast)
    x, y = data()
    result = {"rank": rank, "devices": keras.distribution.list_devices()}
    if scenario == "fit":
        callbacks = [
            keras.callbacks.ModelCheckpoint(
                os.path.join(out_dir, f"ckpt{rank}.weights.h5"), save_weights_only=True
            ),
            keras.callbacks.CSVLogger(os.path.join(out_dir, f"log{rank}.csv")),
        ]
        history = model.fit(
            x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=callbacks
        )
        result["history"] = history.history
        result["weights"] = [w.tolist() for w in model.get_weights()]
        result["evaluate"] = model.evaluate(x, y, batch_size=8, verbose=0)
        try:  # a global batch that does not split over 2 processes
            model.fit(x, y, batch_size=7, epochs=1, verbose=0)
        except ValueError as error:
            result["batch_error"] = str(error)
        result.update(fit_py_dataset(keras, model, x, y))
        own_step = make_own_step_model(seed=1 + rank)
        own_step.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        result["own_step_weights"] = [w.tolist() for w in own_step.get_weights()]
    result.update(
        fail_part_way(keras, model, x, y, rank, how="kill" if scenario == "kill" else "raise")
    )
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as file:
        json.dump(result, file)


def fit_py_dataset(keras, model, x, y):
    """A shuffled PyDataset (each process loads only its batches) with validation data."""

    class Batches(keras.utils.PyDataset):
        loaded: list = []

        def __len__(self):
            return 6

        def __getitem__(self, index):
            self.loaded.append(index)
            return x[index * 8 : (index + 1) * 8], y[index * 8 : (index + 1) * 8]

    dataset = Batches()
    history = model.fit(dataset, epochs=2, shuffle=True, verbose=0, validation_data=(x, y))
    return {"py_dataset_history": history.history, "py_dataset_loaded": dataset.loaded}


def fail_part_way(keras, model, x, y, rank, how):
    """Process 1 raises (or dies) at its third batch; process 0 reports what it got."""

    def stop(batch, logs):
        if rank == 1 and batch == 2:
            if how == "kill":
                os._exit(3)
            raise ValueError("failure injected by the test")

    start = time.monotonic()
    try:
        model.fit(
            x,
            y,
            batch_size=8,
            epochs=50,
            verbose=0,
            callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=stop)],
        )
        error = None
    except Exception as caught:
        error = f"{type(caught).__name__}: {caught}"
    return {"failure": error, "seconds_to_fail": time.monotonic() - start}


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
