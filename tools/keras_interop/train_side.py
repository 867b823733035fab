"""Training parity: `python train_side.py keras|lamina WORKDIR` trains the models of
models.py from the same starting weights on the same batches (no shuffling) and saves the
history and final weights; compare.py compares the two sides."""

import json
import os
import sys

import numpy as np

side, workdir = sys.argv[1:3]
if side == "keras":
    import keras
else:
    import lamina as keras

sys.path.insert(0, os.path.dirname(__file__))
from models import build  # noqa: E402

rng = np.random.default_rng(1)
x = rng.random((512, 28, 28, 1), dtype=np.float32)
labels = (x[:, 10:18, 10:18, 0].mean(axis=(1, 2)) * 10).astype(int) % 10  # learnable
y = np.eye(10, dtype=np.float32)[labels]
cnn, _ = build(keras)
cnn = keras.Sequential(
    [layer for layer in cnn.layers if not isinstance(layer, keras.layers.Dropout)]
)
cnn.build((None, 28, 28, 1))
cnn.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
            metrics=["accuracy", "mae"])  # fmt: skip
start = os.path.join(workdir, "start.npz")
if side == "keras":
    np.savez(start, *cnn.get_weights())
else:
    cnn.set_weights(list(np.load(start).values()))
history = cnn.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0,
                  validation_data=(x[:128], y[:128]))  # fmt: skip
evaluation = cnn.evaluate(x, y, verbose=0, return_dict=True)
np.savez(os.path.join(workdir, f"{side}_end.npz"), *cnn.get_weights())
with open(os.path.join(workdir, f"{side}_history.json"), "w") as handle:
    json.dump({"history": history.history, "evaluate": evaluation}, handle)
print(side, {k: [round(v, 5) for v in values] for k, values in history.history.items()})
