"""Write Keras-3-saved ``.keras`` files of the lookup and text layers (not part of CI).

Run with a Keras venv that has TensorFlow (Keras's lookup layers need it), never Lamina's:

    KERAS_BACKEND=torch <keras venv>/bin/python tools/keras_interop/lookup_fixtures.py OUT_DIR

Each case writes ``<case>.keras`` (a Functional model around one layer; adapted
vocabularies go to the archive's assets, tf_idf weights to the HDF5 file) and
``<case>.npz`` with ``inputs``, Keras's ``outputs``, the data the layer was adapted on
(``adapt``, absent for a given vocabulary) and Keras's ``get_vocabulary()``. Committed as
tests/layers/preprocessing/keras_files/ and checked by test_keras_lookup_files.py.
"""

from __future__ import annotations

import os
import sys

import keras
import numpy as np

WORDS = ["apple", "Bean", "corn", "date", "egg", "fig", "grape"]


def sentences(rng, count):
    out = []
    for _ in range(count):
        picked = rng.choice(WORDS, size=rng.integers(1, 6))
        out.append(" ".join(picked) + rng.choice(["", ".", "!", ", ok"]))
    return np.array(out)


def wrap(layer, shape, dtype):
    inputs = keras.Input(shape=shape, dtype=dtype)
    return keras.Model(inputs, layer(inputs)), layer


def cases(rng):
    tokens = rng.choice(WORDS + ["kiwi"], size=(40, 3))
    lookup = keras.layers.StringLookup(mask_token="[PAD]", name="lookup")
    lookup.adapt(tokens)
    yield (
        "string_lookup_adapted",
        wrap(lookup, (3,), "string"),
        rng.choice(WORDS + ["zzz"], (5, 3)),
        tokens,
    )

    multi = keras.layers.StringLookup(
        vocabulary=["corn", "apple", "egg"], output_mode="multi_hot", num_oov_indices=1
    )
    yield "string_lookup_multi_hot", wrap(multi, (3,), "string"), rng.choice(WORDS, (5, 3)), None

    # Unknown tokens spread over several OOV slots: FarmHash64, or SipHash64 under a salt.
    buckets = keras.layers.StringLookup(vocabulary=["corn", "apple"], num_oov_indices=3)
    yield (
        "string_lookup_oov_buckets",
        wrap(buckets, (3,), "string"),
        rng.choice(WORDS, (6, 3)),
        None,
    )
    salted = keras.layers.StringLookup(vocabulary=["corn"], num_oov_indices=2, salt=(3, 5))
    yield "string_lookup_salted", wrap(salted, (3,), "string"), rng.choice(WORDS, (6, 3)), None
    hashed = keras.layers.IntegerLookup(
        vocabulary=[2, 4], num_oov_indices=3, oov_method="farmhash", salt=11
    )
    yield "integer_lookup_farmhash", wrap(hashed, (2,), "int64"), rng.integers(0, 40, (8, 2)), None

    integers = rng.integers(1, 9, size=(50, 2))
    int_lookup = keras.layers.IntegerLookup(mask_token=0, output_mode="int")
    int_lookup.adapt(integers)
    yield (
        "integer_lookup_adapted",
        wrap(int_lookup, (2,), "int64"),
        rng.integers(0, 12, (6, 2)),
        integers,
    )

    text = sentences(rng, 30)
    vectorizer = keras.layers.TextVectorization(
        max_tokens=12, ngrams=2, output_sequence_length=6, name="vectorizer"
    )
    vectorizer.adapt(text)
    yield "text_vectorization_int", wrap(vectorizer, (), "string"), sentences(rng, 5), text

    tf_idf = keras.layers.TextVectorization(output_mode="tf_idf", standardize="lower")
    tf_idf.adapt(text)
    yield "text_vectorization_tf_idf", wrap(tf_idf, (), "string"), sentences(rng, 5), text


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(20261204)
    for name, (model, layer), inputs, adapted in cases(rng):
        # Keras's torch Functional model refuses NumPy string inputs: the layer is called.
        outputs = keras.ops.convert_to_numpy(layer(inputs))
        model.save(os.path.join(out_dir, f"{name}.keras"))
        arrays = {"inputs": inputs, "outputs": outputs, "vocabulary": layer.get_vocabulary()}
        if adapted is not None:
            arrays["adapt"] = adapted
        np.savez(os.path.join(out_dir, f"{name}.npz"), **arrays)
        print(name, inputs.shape, outputs.shape, outputs.dtype)


if __name__ == "__main__":
    main(sys.argv[1])
