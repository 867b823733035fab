"""Write Keras-3-saved ``.keras`` files of the numeric, hashing, audio and Pipeline
preprocessing layers (not part of CI).

Run with the Keras venv (it needs TensorFlow for Hashing/HashedCrossing and SciPy for
STFTSpectrogram), never Lamina's:

    KERAS_BACKEND=torch <keras venv>/bin/python tools/keras_interop/preprocessing_fixtures.py \
        tests/layers/preprocessing/keras_files

Each case writes ``<case>.keras`` (a Functional model around one layer; adapted means and
variances and STFT kernels go to the HDF5 file, adapted bin boundaries to the config) and
``<case>.npz`` with the inputs (``inputs`` or ``inputs_0``, ``inputs_1``...) and Keras's
``outputs``; checked by tests/layers/preprocessing/test_keras_preprocessing_files.py.
"""

from __future__ import annotations

import os
import sys

import keras
import numpy as np


def wrap(layer, shape):
    inputs = keras.Input(shape=shape)
    return keras.Model(inputs, layer(inputs))


def cases(rng):
    data = (rng.standard_normal((64, 3)) * [1.0, 4.0, 0.5] + [2.0, -1.0, 0.0]).astype("float32")
    adapted = keras.layers.Normalization(name="normalization_adapted")
    adapted.adapt(data)
    yield "normalization_adapted", wrap(adapted, (3,)), data[:5]

    grid = rng.uniform(-3, 3, size=(32, 4, 2)).astype("float32")
    axes = keras.layers.Normalization(axis=(1, 2), invert=True)
    axes.adapt(grid)
    yield "normalization_axes_invert", wrap(axes, (4, 2)), grid[:3]

    given = keras.layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.25])
    yield "normalization_given", wrap(given, (2,)), rng.standard_normal((4, 2)).astype("float32")

    values = rng.gamma(2.0, size=(200, 3)).astype("float32")
    bins = keras.layers.Discretization(num_bins=5, epsilon=0.05)
    bins.adapt(values)
    yield "discretization_adapted", wrap(bins, (3,)), values[:6]

    one_hot = keras.layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.5], output_mode="one_hot")
    yield (
        "discretization_one_hot",
        wrap(one_hot, (1,)),
        rng.uniform(-3, 3, (5, 1)).astype("float32"),
    )


def more_cases(rng):
    """Layers whose Keras implementation needs TensorFlow (Hashing, HashedCrossing) or
    SciPy (STFTSpectrogram) in the Keras venv."""
    counts = keras.layers.CategoryEncoding(5, output_mode="count")
    inputs = keras.Input((3,), dtype="int32")
    yield "category_encoding_count", keras.Model(inputs, counts(inputs)), rng.integers(0, 5, (4, 3))

    words = np.array(["apple", "Bean", "corn", "", "日本", "fig"])
    salted = keras.layers.Hashing(8, salt=[7, 11], output_mode="multi_hot")
    yield "hashing_salted_multi_hot", wrap_text(salted, (3,)), rng.choice(words, (4, 3))

    text, number = keras.Input((1,), dtype="string"), keras.Input((1,), dtype="int64")
    crossing = keras.layers.HashedCrossing(6, output_mode="one_hot")
    model = keras.Model([text, number], crossing([text, number]))
    yield (
        "hashed_crossing_one_hot",
        model,
        [rng.choice(words, (4, 1)), rng.integers(-5, 50, (4, 1))],
    )

    # Not Normalization(mean=..., variance=...): inside a Pipeline in a Functional model,
    # Keras 3.15.1 (torch) builds it during tracing and keeps meta-device mean/variance
    # tensors, so its outputs are garbage (inf) in Keras itself.
    pipeline = keras.layers.Pipeline(
        [keras.layers.Rescaling(0.5, offset=1.0), keras.layers.Dense(3)]
    )
    yield "pipeline", wrap(pipeline, (2,)), rng.standard_normal((4, 2)).astype("float32")

    # The shapes of tests/layers/preprocessing/test_mel_spectrogram.py: JAX reuses its programs.
    mel = keras.layers.MelSpectrogram(
        fft_length=64, sequence_stride=16, num_mel_bins=10, sampling_rate=8000, top_db=40.0
    )
    yield "mel_spectrogram", wrap(mel, (300,)), rng.standard_normal((2, 300)).astype("float32")

    stft = keras.layers.STFTSpectrogram(mode="log", frame_length=16, frame_step=8)
    yield "stft_spectrogram", wrap(stft, (64, 1)), rng.standard_normal((2, 64, 1)).astype("float32")


def wrap_text(layer, shape):
    inputs = keras.Input(shape=shape, dtype="string")
    return keras.Model(inputs, layer(inputs))


def keras_outputs(model, inputs):
    # Keras's torch Functional model refuses NumPy string inputs: string layers are called.
    if any(
        np.asarray(x).dtype.kind == "U" for x in (inputs if isinstance(inputs, list) else [inputs])
    ):
        return keras.ops.convert_to_numpy(model.layers[-1](inputs))
    return keras.ops.convert_to_numpy(model(inputs))


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(20261204)
    for name, model, inputs in [*cases(rng), *more_cases(rng)]:
        outputs = keras_outputs(model, inputs)
        model.save(os.path.join(out_dir, f"{name}.keras"))
        arrays = (
            {f"inputs_{i}": x for i, x in enumerate(inputs)}
            if isinstance(inputs, list)
            else {"inputs": inputs}
        )
        np.savez(os.path.join(out_dir, f"{name}.npz"), outputs=outputs, **arrays)
        print(name, outputs.shape, outputs.dtype)


if __name__ == "__main__":
    main(sys.argv[1])
