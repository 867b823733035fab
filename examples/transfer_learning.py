"""Transfer learning and fine-tuning: a MobileNetV2 base without its classifier
(``include_top=False``), frozen, under a new head trained on a small generated image task;
then the whole model unfrozen and trained on at a low learning rate (the recipe of Keras's
transfer-learning guide).

The task: which colour (red, green or blue) dominates a noisy image with random shapes.

Run: `python examples/transfer_learning.py` (ImageNet weights: downloads Keras's published
MobileNetV2 file once into ~/.lamina/models). `--quick` runs the same steps without the
network on 32x32 images: the stand-in for ImageNet weights is a base trained for a few
steps on a pretext task (which colour is darkest), saved, and loaded with
``weights=<path>``. It shows the mechanics only: a base trained that briefly gives
features no better than chance for the real task.
"""

import argparse
import os
import tempfile

import numpy as np

import lamina as keras
from lamina import layers


def make_images(num_images, size, rng, darkest=False):
    """RGB images (0-255) of noise plus one rectangle per image whose colour is the label:
    the brightest channel, or with ``darkest`` the darkest one (the pretext task)."""
    labels = rng.integers(0, 3, num_images)
    images = rng.uniform(0, 90, (num_images, size, size, 3))
    if darkest:
        images += 165
    for image, label in zip(images, labels):
        top, left = rng.integers(0, size // 2, 2)
        height, width = rng.integers(size // 4, size // 2, 2)
        change = rng.uniform(120, 165)
        image[top : top + height, left : left + width, label] += -change if darkest else change
    return images.astype("float32"), labels


def pretrained_stand_in(path, size, alpha, rng):
    """A MobileNetV2 base trained briefly on the pretext task, saved to ``path``: what
    ImageNet weights are to the real recipe, without the network."""
    base = keras.applications.MobileNetV2(
        input_shape=(size, size, 3), alpha=alpha, include_top=False, weights=None
    )
    for layer in base.layers:  # a short run: let BatchNormalization's statistics follow
        if isinstance(layer, layers.BatchNormalization):
            layer.momentum = 0.5
    inputs = keras.Input((size, size, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = layers.GlobalAveragePooling2D()(base(x))
    model = keras.Model(inputs, layers.Dense(3)(x))
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    images, labels = make_images(128, size, rng, darkest=True)
    model.fit(images, labels, batch_size=32, epochs=2, verbose=0)
    base.save_weights(path)
    return path


def build_model(size, weights, alpha):
    """The frozen base under a new head; returns (model, base)."""
    base = keras.applications.MobileNetV2(
        input_shape=(size, size, 3), alpha=alpha, include_top=False, weights=weights
    )
    base.trainable = False
    inputs = keras.Input((size, size, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)  # to [-1, 1]
    # training=False keeps the base's BatchNormalization in inference mode, also later
    # when the base is unfrozen: its statistics stay those it was trained with.
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(3)(x)
    return keras.Model(inputs, outputs), base


def train_head(model, data, epochs):
    """Phase 1: the base is frozen, only the new head learns; returns test accuracy."""
    (x_train, y_train), (x_test, y_test) = data
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
    return model.evaluate(x_test, y_test, verbose=0)[1]


def fine_tune(model, base, data, epochs):
    """Phase 2: everything trains at a low rate; compiled again so that the change of
    trainable weights takes effect. Returns test accuracy."""
    (x_train, y_train), (x_test, y_test) = data
    base.trainable = True
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss=loss, metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
    return model.evaluate(x_test, y_test, verbose=0)[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seconds, no network")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per phase")
    args = parser.parse_args(argv)
    size, alpha = (32, 0.35) if args.quick else (96, 1.0)
    num_images = 128 if args.quick else 2000
    epochs = args.epochs or (2 if args.quick else 5)

    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    weights = "imagenet"
    if args.quick:
        folder = tempfile.mkdtemp()
        weights = pretrained_stand_in(os.path.join(folder, "base.weights.h5"), size, alpha, rng)
    data = make_images(num_images, size, rng), make_images(num_images // 2, size, rng)
    model, base = build_model(size, weights, alpha)
    print(f"Frozen base, new head: test accuracy {train_head(model, data, epochs):.3f}")
    print(f"Fine-tuned: test accuracy {fine_tune(model, base, data, epochs):.3f}")


if __name__ == "__main__":
    main()
