"""The models both sides build: the same code, run under `keras` or `lamina`."""


def build(keras):
    layers = keras.layers
    cnn = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ],
        name="cnn",
    )
    image = keras.Input(shape=(8,), name="image")
    meta = keras.Input(shape=(3,), name="meta")
    shared = layers.Dense(5, activation="tanh", name="shared")
    a = shared(layers.Dense(5, name="proj")(image))
    b = shared(layers.Dense(5, name="meta_proj")(meta))
    merged = layers.Concatenate()([a, b])
    label = layers.Dense(3, activation="softmax", name="label")(merged)
    score = layers.Dense(1, name="score")(layers.LayerNormalization()(merged))
    functional = keras.Model([image, meta], [label, score], name="two_by_two")
    cnn.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    functional.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"])
    return cnn, functional


def data(np):
    rng = np.random.default_rng(0)
    x = rng.random((16, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 16)]
    x1 = rng.standard_normal((16, 8)).astype("float32")
    x2 = rng.standard_normal((16, 3)).astype("float32")
    labels = rng.integers(0, 3, 16)
    score = rng.standard_normal((16, 1)).astype("float32")
    return (x, y), ([x1, x2], [labels, score])
