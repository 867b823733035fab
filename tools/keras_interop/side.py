"""One side of the interop check: `python side.py keras|lamina WORKDIR STAGE`.

Stage "save": build, train one step, save .keras and .weights.h5 files and predictions.
Stage "load": load the other side's files, check predictions against the other side's.
"""

import json
import os
import sys

import numpy as np

side, workdir, stage = sys.argv[1:4]
other = "lamina" if side == "keras" else "keras"
if side == "keras":
    import keras
else:
    import lamina as keras

sys.path.insert(0, os.path.dirname(__file__))
from models import build, data  # noqa: E402

(x, y), (xs, ys) = data(np)


def path(owner, name):
    return os.path.join(workdir, f"{owner}_{name}")


if stage == "save":
    cnn, functional = build(keras)
    cnn.fit(x, y, batch_size=8, epochs=1, verbose=0)
    functional.fit(xs, ys, batch_size=8, epochs=1, verbose=0)
    for name, model in (("cnn", cnn), ("functional", functional)):
        model.save(path(side, f"{name}.keras"))
        model.save_weights(path(side, f"{name}.weights.h5"))
        outputs = model.predict(x if name == "cnn" else xs, verbose=0)
        np.savez(
            path(side, f"{name}_pred.npz"), *(outputs if isinstance(outputs, list) else [outputs])
        )
        with open(path(side, f"{name}_config.json"), "w") as handle:
            json.dump(model.get_config(), handle, indent=1, default=str)
    print(f"{side}: saved")
else:
    results = {}
    for name in ("cnn", "functional"):
        inputs = x if name == "cnn" else xs
        expected = list(np.load(path(other, f"{name}_pred.npz")).values())
        try:
            model = keras.models.load_model(path(other, f"{name}.keras"))
            got = model.predict(inputs, verbose=0)
            got = got if isinstance(got, list) else [got]
            error = max(float(np.max(np.abs(a - b))) for a, b in zip(got, expected))
            results[f"{name}.keras"] = f"max |diff| {error:.2e}"
        except Exception as exc:
            results[f"{name}.keras"] = f"FAILED: {type(exc).__name__}: {exc}"[:400]
        try:
            fresh = build(keras)[0 if name == "cnn" else 1]
            fresh.load_weights(path(other, f"{name}.weights.h5"))
            got = fresh.predict(inputs, verbose=0)
            got = got if isinstance(got, list) else [got]
            error = max(float(np.max(np.abs(a - b))) for a, b in zip(got, expected))
            results[f"{name}.weights.h5"] = f"max |diff| {error:.2e}"
        except Exception as exc:
            results[f"{name}.weights.h5"] = f"FAILED: {type(exc).__name__}: {exc}"[:400]
    for key, value in results.items():
        print(f"{side} loads {other}'s {key}: {value}")
