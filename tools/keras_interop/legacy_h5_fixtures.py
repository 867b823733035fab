"""Writes the legacy HDF5 fixtures of tests/saving/test_legacy_model.py with real Keras 3.

Run with Keras 3's torch backend (not part of CI):
    KERAS_BACKEND=torch <keras venv>/bin/python legacy_h5_fixtures.py OUT_DIR

- ``functional.h5``: ``model.save("m.h5")`` (Keras 3 still writes the Keras 2 whole-model
  format) of a small compiled and trained Functional CNN, optimizer state included;
- ``sequential.h5``: the same for an uncompiled Sequential MLP;
- ``functional_weights.h5``: the CNN's weights alone in the Keras 2 ``save_weights("w.h5")``
  layout (``layer_names`` at the top), written by Keras's own legacy writer;
- ``expected.npz``: inputs and Keras's predictions for them.
"""

import os
import sys

import h5py
import keras
import numpy as np
from keras.src.legacy.saving import legacy_h5_format


def functional_cnn():
    image = keras.Input((6, 6, 3), name="image")
    x = keras.layers.Conv2D(4, 3, name="conv")(image)
    x = keras.layers.BatchNormalization(name="bn")(x)
    y = keras.layers.ReLU(name="relu")(x)
    x = keras.layers.Add(name="add")([x, y])
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    out = keras.layers.Dense(2, activation="softmax", name="head")(x)
    return keras.Model(image, out, name="legacy_cnn")


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    x = rng.random((3, 6, 6, 3)).astype("float32")
    model = functional_cnn()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, rng.random((3, 2)).astype("float32"), epochs=2, verbose=0)
    model.save(os.path.join(out_dir, "functional.h5"))
    with h5py.File(os.path.join(out_dir, "functional_weights.h5"), "w") as h5_file:
        legacy_h5_format.save_weights_to_hdf5_group(h5_file, model)
    sequential = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(4, activation="relu", name="d1"),
            keras.layers.Dense(2, name="d2"),
        ],
        name="legacy_mlp",
    )
    sequential.save(os.path.join(out_dir, "sequential.h5"))
    mlp_x = rng.standard_normal((3, 5)).astype("float32")
    np.savez(
        os.path.join(out_dir, "expected.npz"),
        x=x,
        functional=keras.ops.convert_to_numpy(model(x)),
        mlp_x=mlp_x,
        sequential=keras.ops.convert_to_numpy(sequential(mlp_x)),
    )


if __name__ == "__main__":
    main(sys.argv[1])
