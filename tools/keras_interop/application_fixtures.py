"""Writes the Keras-side fixtures of tests/applications/test_keras_application_files.py with
real Keras 3 (not part of CI):

    KERAS_BACKEND=torch <keras venv>/bin/python application_fixtures.py OUT_DIR

- ``mobilenet_025_notop.h5``: MobileNet(alpha=0.25, include_top=False, weights=None) on
  32x32 images, random weights, saved by Keras's own legacy writer in the Keras 2 HDF5
  layout that Keras's published weight files use (``layer_names`` / ``weight_names``);
- ``application_blocks.keras``: a small Functional model of the layers applications define
  for themselves (ConvNeXt's block with LayerScale and StochasticDepth, an
  Inception-ResNet block with CustomScaleLayer), saved with ``model.save``;
- ``expected.npz``: seeded inputs and Keras's outputs for both;
- ``mobilenet_v3_small_035.weights.h5`` and ``mobilenet_v3_small_035.h5``:
  MobileNetV3Small(alpha=0.35, classes=5, classifier_activation=None) on 32x32 images
  (squeeze-excite blocks, hard-swish, its Rescaling and classifier head) with random
  weights, in Keras 3's layout and in the Keras 2 layout, and
  ``mobilenet_v3_small_035.npz``: its inputs and Keras's logits. (Every full-size
  architecture in both layouts: application_interop.py; those files are too big to commit.)
"""

import os
import sys

import h5py
import keras
import numpy as np
from application_interop import random_images, random_values
from keras.src.applications import convnext, inception_resnet_v2
from keras.src.legacy.saving import legacy_h5_format


def randomized(model, rng):
    """Seeded random weights (variances positive) so that a wrong mapping shows."""
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        if "variance" in weight.path:
            values.append(rng.uniform(0.5, 1.5, shape))
        else:
            values.append(rng.standard_normal(shape) * 0.3)
    model.set_weights([v.astype("float32") for v in values])


def application_blocks():
    inputs = keras.Input((6, 6, 8), name="features")
    x = convnext.ConvNeXtBlock(8, drop_path_rate=0.1, layer_scale_init_value=0.5, name="cnx")(
        inputs
    )
    x = inception_resnet_v2.inception_resnet_block(x, 0.17, "block35", 1)
    outputs = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inputs, outputs, name="application_blocks")


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(11)
    images = rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    mobilenet = keras.applications.MobileNet(
        input_shape=(32, 32, 3), alpha=0.25, include_top=False, weights=None
    )
    randomized(mobilenet, rng)
    with h5py.File(os.path.join(out_dir, "mobilenet_025_notop.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, mobilenet)
    blocks = application_blocks()
    randomized(blocks, rng)
    blocks.save(os.path.join(out_dir, "application_blocks.keras"))
    features = rng.standard_normal((2, 6, 6, 8)).astype("float32")
    np.savez(
        os.path.join(out_dir, "expected.npz"),
        images=images,
        mobilenet=keras.ops.convert_to_numpy(mobilenet(images, training=False)),
        features=features,
        blocks=keras.ops.convert_to_numpy(blocks(features, training=False)),
    )
    small_mobilenet_v3(out_dir)


def small_mobilenet_v3(out_dir):
    rng = np.random.default_rng(12)  # its own stream: the files above stay as they were
    model = keras.applications.MobileNetV3Small(
        input_shape=(32, 32, 3), alpha=0.35, classes=5, classifier_activation=None, weights=None
    )
    # Scaled by fan-in: through this many layers, unscaled values would overflow.
    model.set_weights(random_values(model.weights, rng))
    stem = os.path.join(out_dir, "mobilenet_v3_small_035")
    model.save_weights(stem + ".weights.h5")
    with h5py.File(stem + ".h5", "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    images = random_images(rng, 2, 32, 32)
    np.savez(
        stem + ".npz",
        images=images,
        logits=keras.ops.convert_to_numpy(model(images, training=False)),
    )


if __name__ == "__main__":
    main(sys.argv[1])
