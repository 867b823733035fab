"""Write Keras-3-saved ``.keras`` files of the geometric image layers (not part of CI).

Run with the Keras venv, never Lamina's:

    KERAS_BACKEND=torch <keras venv>/bin/python tools/keras_interop/geometric_fixtures.py \
        tests/layers/preprocessing/image_preprocessing/keras_files [case ...]

Each case writes ``geometric_<case>.keras`` (a Functional model around one layer) and
``geometric_<case>.npz`` holding ``inputs`` and Keras's ``outputs`` with ``training=False``
(plus ``training_outputs`` for the deterministic Resizing and CenterCrop); checked by
test_keras_geometric_files.py. No RandomCrop: Keras 3.15's returns its input unchanged at
inference (not the documented centre crop Lamina gives).
"""

from __future__ import annotations

import os
import sys

import keras
import numpy as np

L = keras.layers
DETERMINISTIC = {"resizing", "resizing_pad", "center_crop"}


def cases():
    yield "resizing", L.Resizing(4, 9, interpolation="bilinear")
    yield "resizing_pad", L.Resizing(5, 3, interpolation="nearest", pad_to_aspect_ratio=True)
    yield "center_crop", L.CenterCrop(3, 4)
    yield "random_flip", L.RandomFlip("horizontal", seed=3)
    yield "random_translation", L.RandomTranslation(0.2, (-0.1, 0.3), fill_mode="constant")
    yield "random_rotation", L.RandomRotation(0.1, fill_mode="wrap", seed=2)
    yield "random_zoom", L.RandomZoom(0.2, (-0.1, 0.2), interpolation="nearest")
    yield "random_shear", L.RandomShear(0.2, 0.1, seed=1)
    elastic = L.RandomElasticTransform(
        0.5, (0.1, 0.4), fill_mode="constant", fill_value=0.5, value_range=(0, 1), seed=2
    )
    yield "random_elastic_transform", elastic


def main(out_dir, only=()):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(20261204)
    for name, layer in cases():
        inputs = keras.Input((6, 7, 3))
        model = keras.Model(inputs, layer(inputs))
        x = rng.uniform(0.05, 0.95, (2, 6, 7, 3)).astype("float32")
        if only and name not in only:  # the draw above keeps every case's inputs fixed
            continue
        arrays = {"inputs": x, "outputs": keras.ops.convert_to_numpy(model(x, training=False))}
        if name in DETERMINISTIC:
            arrays["training_outputs"] = keras.ops.convert_to_numpy(model(x, training=True))
        model.save(os.path.join(out_dir, f"geometric_{name}.keras"))
        np.savez(os.path.join(out_dir, f"geometric_{name}.npz"), **arrays)
        print(name, sorted(arrays))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
