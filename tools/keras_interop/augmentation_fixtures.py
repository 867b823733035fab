"""Write Keras-3-saved ``.keras`` files of the colour, intensity and mixing augmentation
layers (not part of CI).

Run with the Keras venv, never Lamina's:

    KERAS_BACKEND=tensorflow <keras venv>/bin/python tools/keras_interop/augmentation_fixtures.py \
        tests/layers/preprocessing/image_preprocessing/keras_files

Each case writes ``<case>.keras`` (a Functional model around one layer, with its seed
generators' state in the weights file) and ``<case>.npz`` holding ``inputs`` and Keras's
``outputs`` with ``training=False``, plus ``training_outputs`` for the deterministic layers (their
``training=True`` path); checked by test_keras_augmentation_files.py.

TensorFlow backend: Keras 3.15.1's torch backend differs from its own other backends in
three places these layers reach (``pad(mode="symmetric")`` repeats the edge row, a
non-square ``gaussian_blur`` kernel fails, and CLAHE's output comes out in whole levels).
"""

from __future__ import annotations

import os
import sys

import keras
import numpy as np

L = keras.layers
DETERMINISTIC = {"auto_contrast", "clahe"}


def cases():
    yield "random_contrast", L.RandomContrast((0.2, 0.5), value_range=(0, 1), seed=3)
    yield "random_brightness", L.RandomBrightness(0.2, seed=3)
    yield "random_grayscale", L.RandomGrayscale(0.4, seed=3)
    yield "random_hue", L.RandomHue(0.3, value_range=(0, 1), seed=3)
    yield "random_saturation", L.RandomSaturation((0.3, 0.7), seed=3)
    yield "random_sharpness", L.RandomSharpness(0.4)
    yield "random_invert", L.RandomInvert(0.5, value_range=(0, 1))
    yield "random_posterization", L.RandomPosterization((2, 5))
    yield "random_color_degeneration", L.RandomColorDegeneration(0.3)
    yield "random_color_jitter", L.RandomColorJitter((0, 1), 0.1, (0.2, 0.4), hue_factor=0.2)
    yield "solarization", L.Solarization(0.1, (0.2, 0.4), value_range=(0, 1), seed=2)
    yield "random_gaussian_blur", L.RandomGaussianBlur(0.5, (3, 5), (0.2, 2.0), seed=1)
    yield "random_erasing", L.RandomErasing(0.5, fill_value=[1, 2, 3], value_range=(0, 1))
    yield "mix_up", L.MixUp(alpha=0.3, seed=4)
    yield "cut_mix", L.CutMix((0.2, 0.9), seed=4)
    yield "auto_contrast", L.AutoContrast(value_range=(0, 1))
    # No Equalization: Keras 3.15's returns its input as its symbolic output, so a
    # Functional model around it is refused as a cycle.
    yield "clahe", L.ContrastLimitedAdaptiveHistogramEqualization((0, 1), 2.0, (4, 4))
    yield "rand_augment", L.RandAugment(value_range=(0, 1), num_ops=3, factor=0.4, seed=5)
    yield "aug_mix", L.AugMix(value_range=(0, 1), num_chains=2, chain_depth=2, seed=5)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(20261204)
    for name, layer in cases():
        inputs = keras.Input((6, 6, 3))
        model = keras.Model(inputs, layer(inputs))
        x = rng.uniform(0.05, 0.95, (2, 6, 6, 3)).astype("float32")
        # Called without training=, a Functional model augments (the layers' default).
        outputs = model(x, training=False)
        arrays = {"inputs": x, "outputs": keras.ops.convert_to_numpy(outputs)}
        if name in DETERMINISTIC:
            training = model(x, training=True)
            arrays["training_outputs"] = keras.ops.convert_to_numpy(training)
        model.save(os.path.join(out_dir, f"{name}.keras"))
        np.savez(os.path.join(out_dir, f"{name}.npz"), **arrays)
        print(name, sorted(arrays))


if __name__ == "__main__":
    main(sys.argv[1])
