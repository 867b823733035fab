"""The models the export tests write out, and a plain-TensorFlow process that runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

import lamina
from lamina import layers


def example_cnn():
    """examples/mnist_convnet.py's model, with fewer filters (the layers are what matter)."""
    return lamina.Sequential(
        [
            lamina.Input(shape=(28, 28, 1)),
            layers.Conv2D(4, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


def small_transformer():
    """One Transformer encoder block (self-attention, feed-forward, layer norms) and a head."""
    inputs = lamina.Input(shape=(6, 8))
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([inputs, attended]))
    feed_forward = layers.Dense(8)(layers.Dense(16, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, feed_forward]))
    outputs = layers.Dense(3)(layers.GlobalAveragePooling1D()(x))
    return lamina.Model(inputs, outputs)


MODELS = {"cnn": (example_cnn, (28, 28, 1)), "transformer": (small_transformer, (6, 8))}


def model_and_data(kind: str, rng):
    """A model of ``kind``, seeded inputs (batch 3) and its outputs on them."""
    make, shape = MODELS[kind]
    model = make()
    x = rng.standard_normal((3, *shape)).astype("float32")
    return model, x, lamina.ops.convert_to_numpy(model(x))


# Runs in a fresh interpreter that imports TensorFlow only: each job loads a SavedModel,
# calls an endpoint (or reads a variable collection) and saves the result.
_PLAIN_TENSORFLOW = """
import json, sys
import numpy as np
import tensorflow as tf
jobs = json.load(open(sys.argv[1]))
for job in jobs:
    loaded = tf.saved_model.load(job["path"])
    if job.get("collection"):
        values = [v.numpy() for v in getattr(loaded, job["collection"])]
        np.savez(job["output"], *values)
        continue
    x = tf.constant(np.load(job["input"]))
    fn = loaded.signatures[job["endpoint"]] if job.get("signature") else getattr(
        loaded, job["endpoint"])
    result = fn(x)
    if isinstance(result, dict):
        result = result[sorted(result)[0]]
    np.save(job["output"], result.numpy())
assert not any(name.split(".")[0] == "lamina" for name in sys.modules)
"""


def run_in_plain_tensorflow(jobs: list[dict], folder) -> None:
    """Runs ``jobs`` (see ``_PLAIN_TENSORFLOW``) in one subprocess with no Lamina import."""
    jobs_path = os.path.join(folder, "jobs.json")
    with open(jobs_path, "w") as file:
        json.dump(jobs, file)
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, "-c", _PLAIN_TENSORFLOW, jobs_path],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def save_array(folder, name: str, array) -> str:
    path = os.path.join(folder, f"{name}.npy")
    np.save(path, np.asarray(array))
    return path
