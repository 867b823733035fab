"""Writes a mixed_float16 model saved by real Keras 3 (torch backend), for
tests/saving/test_mixed_precision_files.py: ``KERAS_BACKEND=torch <keras venv>/bin/python
mixed_precision_fixtures.py tests/saving/keras_files``.

The model (Dense layers under the global "mixed_float16" policy, a float32 softmax) is
compiled with a LossScaleOptimizer (growth every 3 steps) and trained for 4 steps; the file
keeps each layer's policy and the loss-scale state. ``keras_mixed_float16.npz`` holds inputs,
Keras's predictions and that state.
"""

import pathlib
import sys

import keras
import numpy as np


def main(out: pathlib.Path) -> None:
    keras.utils.set_random_seed(0)
    keras.config.set_dtype_policy("mixed_float16")
    inputs = keras.Input((6,), name="x")
    hidden = keras.layers.Dense(8, activation="relu", name="hidden")(inputs)
    logits = keras.layers.Dense(3, name="logits")(hidden)
    probs = keras.layers.Activation("softmax", dtype="float32", name="probs")(logits)
    model = keras.Model(inputs, probs)
    # An explicit LossScaleOptimizer is saved in the compile config (the automatic one is
    # not: Keras re-wraps at compile time), so its state travels with the file.
    optimizer = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.Adam(1e-2), initial_scale=2.0**10, dynamic_growth_steps=3
    )
    model.compile(optimizer, "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 6)).astype("float32")
    y = rng.integers(0, 3, 32)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.save(out / "keras_mixed_float16.keras")
    optimizer = model.optimizer
    np.savez(
        out / "keras_mixed_float16.npz",
        x=x[:4],
        probs=keras.ops.convert_to_numpy(model.predict(x[:4], verbose=0)),
        dynamic_scale=keras.ops.convert_to_numpy(optimizer.dynamic_scale),
        step_counter=keras.ops.convert_to_numpy(optimizer.step_counter),
        iterations=keras.ops.convert_to_numpy(optimizer.iterations),
    )


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
