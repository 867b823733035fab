"""Write Keras-3-saved ``.keras`` files of ``keras.utils.FeatureSpace`` (not part of CI).

Run with the Keras venv (Keras's FeatureSpace needs TensorFlow), never Lamina's:

    KERAS_BACKEND=torch <keras venv>/bin/python tools/keras_interop/feature_space_fixtures.py \
        tests/utils/keras_files

Each case writes ``<case>.keras`` (``FeatureSpace.save``: lookup vocabularies as assets,
Normalization statistics in the HDF5 file, bin boundaries in the config) and ``<case>.npz``
with the raw feature columns (``input_<name>``) and Keras's encoded outputs (``output`` in
concat mode, ``output_<name>`` in dict mode); checked by tests/utils/test_feature_space.py.
"""

from __future__ import annotations

import os
import sys

import keras
import numpy as np

FeatureSpace = keras.utils.FeatureSpace


def table(rng, rows=40):
    return {
        "plain": rng.standard_normal(rows).astype("float32"),
        "scaled": rng.uniform(0, 10, rows).astype("float32"),
        "normed": (rng.standard_normal(rows) * 3 + 5).astype("float32"),
        "binned": rng.gamma(2.0, size=rows).astype("float32"),
        "count": rng.integers(0, 6, rows).astype("int32"),
        "colour": rng.choice(["red", "green", "blue", "teal"], rows),
        "city": rng.choice(["oslo", "rome", "lima", "pune", "kyiv"], rows),
        "code": rng.integers(100, 120, rows).astype("int32"),
    }


def concat_space():
    return FeatureSpace(
        features={
            "plain": "float",
            "scaled": FeatureSpace.float_rescaled(scale=0.1, offset=-0.5),
            "normed": "float_normalized",
            "binned": FeatureSpace.float_discretized(num_bins=4),
            "count": "integer_categorical",
            "colour": "string_categorical",
            "city": FeatureSpace.string_hashed(num_bins=7),
            "code": FeatureSpace.integer_hashed(num_bins=5),
        },
        crosses=[("colour", "count")],
        crossing_dim=6,
        output_mode="concat",
    )


def dict_space():
    return FeatureSpace(
        features={
            "normed": "float_normalized",
            "count": FeatureSpace.integer_categorical(output_mode="int"),
            "colour": FeatureSpace.string_categorical(max_tokens=4),
        },
        crosses=[FeatureSpace.cross(("colour", "count"), crossing_dim=8, output_mode="int")],
        output_mode="dict",
    )


def main(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(7)
    data = table(rng)
    probe = {name: values[:6] for name, values in table(rng, rows=6).items()}
    for case, space in (
        ("feature_space_concat", concat_space()),
        ("feature_space_dict", dict_space()),
    ):
        used = {name: data[name] for name in space.features}
        space.adapt(used)
        inputs = {name: probe[name] for name in space.features}
        outputs = space(inputs)
        space.save(os.path.join(folder, f"{case}.keras"))
        arrays = {f"input_{name}": value for name, value in inputs.items()}
        if isinstance(outputs, dict):
            arrays.update(
                {f"output_{k}": keras.ops.convert_to_numpy(v) for k, v in outputs.items()}
            )
        else:
            arrays["output"] = keras.ops.convert_to_numpy(outputs)
        np.savez(os.path.join(folder, f"{case}.npz"), **arrays)
        print("wrote", case)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/utils/keras_files")
