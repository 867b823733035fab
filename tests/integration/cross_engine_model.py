"""The model the cross-engine tests move between engines, and the side run in a subprocess.

Several layer families in one Functional model: convolution, batch normalization, pooling,
dropout, embedding, LSTM, GRU, dense, merging.
"""

from __future__ import annotations

import sys

import numpy as np


def build_model():
    import lamina as keras
    from lamina import layers

    image = keras.Input(shape=(10, 10, 2), name="image")
    tokens = keras.Input(shape=(7,), dtype="int32", name="tokens")
    a = layers.Conv2D(4, 3, activation="relu")(image)
    a = layers.BatchNormalization()(a)
    a = layers.MaxPooling2D(2)(a)
    a = layers.Flatten()(a)
    a = layers.Dropout(0.3)(a)
    b = layers.Embedding(20, 6, mask_zero=True)(tokens)
    b = layers.LSTM(5, return_sequences=True)(b)
    b = layers.GRU(4)(b)
    merged = layers.Concatenate()([a, b])
    outputs = layers.Dense(3, activation="softmax")(layers.Dense(8, activation="tanh")(merged))
    return keras.Model([image, tokens], outputs)


def data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.standard_normal((n, 10, 10, 2)).astype("float32")
    tokens = rng.integers(0, 20, size=(n, 7)).astype("int32")
    tokens[:, -2:] = 0  # padding: the mask must travel the same way on every engine
    labels = (images[..., 0].mean(axis=(1, 2)) > 0).astype(int) + (tokens[:, 0] > 10)
    return [images, tokens], labels


def predict_elsewhere(folder: str) -> None:
    """In a process on another engine: rebuild from the weights list and from the .keras
    file, and save both predictions."""
    import lamina as keras

    inputs, _ = data()
    weights = np.load(f"{folder}/weights.npz")
    model = build_model()
    model.set_weights([weights[f"arr_{i}"] for i in range(len(weights.files))])
    np.save(f"{folder}/{keras.backend.backend()}_set_weights.npy", model.predict(inputs, verbose=0))
    loaded = keras.saving.load_model(f"{folder}/model.keras")
    np.save(f"{folder}/{keras.backend.backend()}_file.npy", loaded.predict(inputs, verbose=0))


if __name__ == "__main__":
    predict_elsewhere(sys.argv[1])
