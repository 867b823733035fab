import functools
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers, models, saving
from lamina.callbacks import ModelCheckpoint
from lamina.saving import keras_archive

# The NumPy engine runs inference only. Round trips of trained models still run there: the
# state a short fit would leave is written directly instead (``give_state``).
CAN_TRAIN = getattr(lamina.backend.engine.core, "SUPPORTS_TRAINING", True)


def mnist_cnn():
    model = lamina.Sequential(
        [
            lamina.Input((12, 12, 1)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.BatchNormalization(),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def mnist_data(rng, n=16):
    x = rng.standard_normal((n, 12, 12, 1)).astype("float32")
    y = rng.integers(0, 10, size=(n,))
    return x, y


def two_in_two_out():
    left, right = lamina.Input((5,), name="left"), lamina.Input((3,), name="right")
    shared = layers.Dense(4, name="shared")
    merged = layers.Concatenate()([shared(left), layers.Dense(4)(right)])
    hidden = layers.Dense(6, activation="relu")(merged)
    first = layers.Dense(1, name="first")(hidden)
    second = layers.Dense(2, name="second")(shared(layers.Dense(5)(right)))
    model = lamina.Model([left, right], [first, second])
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss=["mse", "mae"])
    return model


@saving.register_keras_serializable(package="LaminaTest")
class Residual(lamina.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = layers.Dense(units, activation="tanh")
        self.head = layers.Dense(1)

    def call(self, inputs):
        return self.head(self.inner(inputs) + inputs[:, : self.units])

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def give_state(model, x, train, steps):
    """Weights and optimizer state that differ from a fresh model's.

    Where the engine trains, ``train()`` (``steps`` optimizer steps) makes them. Where it
    cannot, random values are written into every weight and optimizer slot (the optimizer is
    built first, as a first training step would) and ``iterations`` is set to ``steps``.
    """
    if CAN_TRAIN:
        train()
        return
    if not model.built:
        model(x)
    state_rng = np.random.default_rng(7)
    model.set_weights(
        [state_rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) for w in model.get_weights()]
    )
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    fixed = (optimizer.iterations, optimizer.learning_rate)  # the compile config holds the rate
    for variable in optimizer.variables:
        if not any(variable is other for other in fixed):
            shape = tuple(variable.shape)
            variable.assign(state_rng.uniform(0.5, 1.5, shape).astype(variable.dtype))
    optimizer.iterations.assign(steps)


def assert_same_outputs(left, right, x):
    for a, b in zip(
        np.atleast_1d(left.predict(x, verbose=0)), np.atleast_1d(right.predict(x, verbose=0))
    ):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def assert_training_continues(model, loaded, x, y):
    """One more step on each gives the same loss and weights: the optimizer state came back.

    Where the engine cannot train, the optimizer's variables are compared directly.
    """
    if not CAN_TRAIN:
        saved = [v.numpy() for v in model.optimizer.variables]
        restored = [v.numpy() for v in loaded.optimizer.variables]
        if model.optimizer.built:
            assert len(restored) == len(saved)
        for a, b in zip(saved, restored):  # unbuilt: iterations and learning rate only
            np.testing.assert_array_equal(a, b)
        return
    results = []
    for each in (model, loaded):
        each.reset_metrics()
        for layer in each.layers:
            if isinstance(layer, layers.Dropout):
                # Where a seed stream stands is not saved (as in Keras): restart both alike.
                layer.seed_generator = lamina.backend.SeedGenerator(7)
        results.append(each.train_on_batch(x, y))
    first, second = results
    np.testing.assert_allclose(first, second, rtol=1e-6, atol=1e-6)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_sequential_cnn_round_trip(tmp_path, rng):
    model = mnist_cnn()
    x, y = mnist_data(rng)
    give_state(model, x, lambda: model.fit(x, y, batch_size=8, epochs=1, verbose=0), steps=2)
    path = tmp_path / "cnn.keras"
    model.save(path)
    loaded = saving.load_model(path)
    assert isinstance(loaded, lamina.Sequential)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert_same_outputs(model, loaded, x)
    assert int(loaded.optimizer.iterations.numpy()) == 2
    assert loaded.get_compile_config() == model.get_compile_config()
    assert_training_continues(model, loaded, x, y)


def test_archive_layout_matches_keras(tmp_path, rng):
    model = mnist_cnn()
    x, y = mnist_data(rng)
    give_state(model, x, lambda: model.fit(x, y, batch_size=8, verbose=0), steps=2)
    path = tmp_path / "cnn.keras"
    saving.save_model(model, path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
        weights = archive.read("model.weights.h5")
    assert {"module", "class_name", "config", "registered_name"} <= set(config)
    assert config["class_name"] == "Sequential"
    assert config["build_config"] == {"input_shape": [None, 12, 12, 1]}
    compile_config = config["compile_config"]
    assert compile_config["loss"] == "sparse_categorical_crossentropy"
    assert compile_config["metrics"] == ["accuracy"]
    assert compile_config["optimizer"]["class_name"] == "Adam"
    assert compile_config["optimizer"]["module"] == "keras.optimizers"
    assert set(metadata) == {"keras_version", "date_saved", "lamina_version"}
    assert metadata["lamina_version"] == lamina.__version__
    tmp_weights = tmp_path / "inner.weights.h5"
    tmp_weights.write_bytes(weights)
    with h5py.File(tmp_weights, "r") as h5_file:
        assert "layers/conv2d/vars/0" in h5_file
        assert "layers/batch_normalization/vars/3" in h5_file
        assert "optimizer/vars/0" in h5_file
    assert not [name for name in os.listdir(tmp_path) if ".tmp" in name]


def test_functional_two_inputs_two_outputs_shared_layer(tmp_path, rng):
    model = two_in_two_out()
    x = [rng.standard_normal((8, 5)).astype("float32"), rng.standard_normal((8, 3))]
    x[1] = x[1].astype("float32")
    y = [rng.standard_normal((8, 1)).astype("float32"), rng.standard_normal((8, 2))]
    y[1] = y[1].astype("float32")
    give_state(model, x, lambda: model.train_on_batch(x, y), steps=1)
    path = tmp_path / "functional.keras"
    models.save_model(model, path)
    loaded = models.load_model(path)
    assert isinstance(loaded, models.Functional)
    assert len(loaded.get_layer("shared")._inbound_nodes) == 2
    for a, b in zip(model.predict(x, verbose=0), loaded.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert loaded.get_compile_config() == model.get_compile_config()
    assert_training_continues(model, loaded, x, y)


def test_registered_subclassed_model(tmp_path, rng):
    model = Residual(units=4)
    x = rng.standard_normal((6, 5)).astype("float32")
    y = rng.standard_normal((6, 1)).astype("float32")
    model.compile(optimizer=lamina.optimizers.RMSprop(0.01), loss="mse")
    give_state(model, x, lambda: model.train_on_batch(x, y), steps=1)
    path = tmp_path / "sub.keras"
    model.save(path)
    loaded = saving.load_model(path)
    assert type(loaded) is Residual
    assert loaded.units == 4
    assert_same_outputs(model, loaded, x)
    assert_training_continues(model, loaded, x, y)


def test_compile_false_and_uncompiled(tmp_path, rng):
    model = mnist_cnn()
    x, y = mnist_data(rng)
    give_state(model, x, lambda: model.fit(x, y, batch_size=8, verbose=0), steps=2)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = saving.load_model(path, compile=False)
    assert not loaded.compiled
    assert loaded.get_compile_config() is None
    assert_same_outputs(model, loaded, mnist_data(rng)[0])
    plain = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    plain.save(tmp_path / "plain.keras")
    assert "compile_config" not in keras_archive.model_config(plain)
    assert not saving.load_model(tmp_path / "plain.keras").compiled


def test_compiled_but_never_trained(tmp_path, rng):
    model = mnist_cnn()
    model.save(tmp_path / "fresh.keras")
    loaded = saving.load_model(tmp_path / "fresh.keras")  # no optimizer-mismatch warning
    x, y = mnist_data(rng)
    assert_same_outputs(model, loaded, x)
    assert_training_continues(model, loaded, x, y)


def test_unzipped_directory(tmp_path, rng):
    model = mnist_cnn()
    path = tmp_path / "dir.keras"
    model.save(path, zipped=False)
    assert sorted(os.listdir(path)) == ["config.json", "metadata.json", "model.weights.h5"]
    assert_same_outputs(model, saving.load_model(path), mnist_data(rng)[0])


# ---- every layer class, inside a small saved model -----------------------------------------

LAYER_CASES = [
    ((6,), lambda: layers.Activation("relu")),
    ((6,), lambda: layers.Dense(3, activation="tanh")),
    ((4, 6), lambda: layers.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de")),
    ((6,), layers.Identity),
    ((6,), lambda: layers.Dropout(0.3)),
    ((6,), lambda: layers.BatchNormalization()),
    ((6,), lambda: layers.LayerNormalization()),
    ((6,), lambda: layers.Rescaling(0.5, offset=1.0)),
    ((6,), lambda: layers.Normalization(mean=0.5, variance=2.0)),
    ((6,), lambda: layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5], output_mode="count")),
    ((6,), lambda: layers.CategoryEncoding(4, output_mode="multi_hot")),
    ((6,), lambda: layers.Pipeline([layers.Rescaling(2.0), layers.Dense(3)])),
    ((6,), lambda: layers.Hashing(5, output_mode="count")),
    ((40, 1), lambda: layers.STFTSpectrogram(frame_length=8)),
    ((64,), lambda: layers.MelSpectrogram(fft_length=16, sequence_stride=8, num_mel_bins=4)),
    ((6,), lambda: layers.Reshape((2, 3))),
    ((2, 3), layers.Flatten),
    ((7, 3), lambda: layers.Conv1D(2, 3)),
    ((6, 6, 2), lambda: layers.Conv2D(2, 3, padding="same")),
    ((8, 3), lambda: layers.MaxPooling1D()),
    ((8, 3), lambda: layers.AveragePooling1D()),
    ((6, 6, 2), lambda: layers.MaxPooling2D()),
    ((6, 6, 2), lambda: layers.AveragePooling2D()),
    ((8, 3), layers.GlobalMaxPooling1D),
    ((8, 3), layers.GlobalAveragePooling1D),
    ((6, 6, 2), layers.GlobalMaxPooling2D),
    ((6, 6, 2), layers.GlobalAveragePooling2D),
    ((6,), lambda: layers.ReLU(max_value=2.0)),
    ((6,), lambda: layers.LeakyReLU(negative_slope=0.1)),
    ((6,), lambda: layers.PReLU(alpha_initializer="ones")),
    ((6,), lambda: layers.ELU(alpha=0.5)),
    ((6,), lambda: layers.Softmax()),
    ((4, 3), lambda: layers.Masking(mask_value=0.0)),
    ((5, 3), lambda: layers.SimpleRNN(4)),
    ((5, 3), lambda: layers.LSTM(4, return_sequences=True)),
    ((5, 3), lambda: layers.GRU(4, reset_after=False)),
    ((5, 3), lambda: layers.Bidirectional(layers.LSTM(2))),
    ((5, 3), lambda: layers.RNN(layers.GRUCell(3))),
    ((5, 3), lambda: layers.RNN([layers.GRUCell(3), layers.LSTMCell(2)])),
    ((2, 5, 3), lambda: layers.ConvLSTM1D(2, 3)),
    ((2, 4, 4, 1), lambda: layers.ConvLSTM2D(2, 3, padding="same")),
    ((2, 3, 3, 3, 1), lambda: layers.ConvLSTM3D(2, 2, return_sequences=True)),
    ((5, 3), lambda: layers.Conv1DTranspose(2, 3, strides=2)),
    ((4, 4, 2), lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same")),
    ((6, 6, 2), lambda: layers.DepthwiseConv2D(3, depth_multiplier=2)),
    ((5, 3), lambda: layers.UpSampling1D(2)),
    ((4, 4, 2), lambda: layers.UpSampling2D(2, interpolation="bilinear")),
    ((5, 3), lambda: layers.ZeroPadding1D((1, 2))),
    ((4, 4, 2), lambda: layers.ZeroPadding2D(1)),
    ((6, 3), lambda: layers.Cropping1D((1, 2))),
    ((6, 6, 2), lambda: layers.Cropping2D(1)),
    ((4, 3), lambda: layers.Permute((2, 1))),
    ((3,), lambda: layers.RepeatVector(4)),
    ((3, 4, 3, 2), lambda: layers.Conv3D(4, 2, groups=2, padding="same")),
    ((2, 3, 2, 2), lambda: layers.Conv3DTranspose(2, 2, strides=2)),
    ((7, 3), lambda: layers.DepthwiseConv1D(3, depth_multiplier=2)),
    ((7, 3), lambda: layers.SeparableConv1D(4, 3, padding="same")),
    ((6, 6, 2), lambda: layers.SeparableConv2D(3, 3, depth_multiplier=2)),
    ((4, 4, 4, 2), lambda: layers.MaxPooling3D()),
    ((4, 4, 4, 2), lambda: layers.AveragePooling3D(3, strides=1, padding="same")),
    ((2, 3, 2, 2), layers.GlobalMaxPooling3D),
    ((2, 3, 2, 2), lambda: layers.GlobalAveragePooling3D(keepdims=True)),
    ((7, 3), lambda: layers.AdaptiveMaxPooling1D(3)),
    ((7, 3), lambda: layers.AdaptiveAveragePooling1D(4)),
    ((5, 6, 2), lambda: layers.AdaptiveMaxPooling2D((2, 3))),
    ((5, 6, 2), lambda: layers.AdaptiveAveragePooling2D(2)),
    ((3, 4, 5, 2), lambda: layers.AdaptiveMaxPooling3D(2)),
    ((3, 4, 5, 2), lambda: layers.AdaptiveAveragePooling3D((1, 2, 3))),
    ((4, 4, 5, 2), lambda: layers.Cropping3D(((1, 0), 1, (2, 1)))),
    ((2, 2, 2, 2), lambda: layers.UpSampling3D((1, 2, 2))),
    ((2, 2, 2, 2), lambda: layers.ZeroPadding3D((1, 0, 2))),
    ((6, 4), lambda: layers.GroupNormalization(2, epsilon=1e-2)),
    ((6,), lambda: layers.RMSNormalization(epsilon=1e-3)),
    ((2, 3), lambda: layers.UnitNormalization(axis=[1, 2])),
    ((6,), lambda: layers.SpectralNormalization(layers.Dense(3), power_iterations=2)),
    ((5, 3), lambda: layers.SpatialDropout1D(0.3, seed=1)),
    ((4, 4, 2), lambda: layers.SpatialDropout2D(0.3)),
    ((2, 3, 3, 2), lambda: layers.SpatialDropout3D(0.3, data_format="channels_first")),
    ((6,), lambda: layers.GaussianDropout(0.3)),
    ((6,), lambda: layers.GaussianNoise(0.2, seed=3)),
    ((6,), lambda: layers.AlphaDropout(0.2, noise_shape=(None, 1))),
    ((6,), lambda: layers.ActivityRegularization(l1=0.01)),
    ((6,), lambda: layers.Lambda(lamina.ops.square)),
    ((5, 3), lambda: layers.TimeDistributed(layers.Dense(2))),
    # Geometric image layers (issue 9): images of shape (4, 5, 3).
    ((4, 5, 3), lambda: layers.Resizing(3, 6, interpolation="nearest", pad_to_aspect_ratio=True)),
    ((4, 5, 3), lambda: layers.CenterCrop(2, 3)),
    ((4, 5, 3), lambda: layers.RandomFlip("horizontal", seed=1)),
    ((4, 5, 3), lambda: layers.RandomTranslation(0.2, [-0.1, 0.3], fill_mode="constant", seed=1)),
    ((4, 5, 3), lambda: layers.RandomRotation(0.1, fill_mode="wrap", seed=1)),
    ((4, 5, 3), lambda: layers.RandomZoom(0.2, interpolation="nearest", seed=1)),
    ((4, 5, 3), lambda: layers.RandomCrop(3, 4, seed=1)),
    ((4, 5, 3), lambda: layers.MaxNumBoundingBoxes(3, fill_value=0)),
    ((4, 5, 3), lambda: layers.RandomPerspective(0.5, scale=0.4, fill_value=1.0, seed=1)),
    ((4, 5, 3), lambda: layers.RandomShear(0.2, [0.1, 0.3], fill_mode="constant", seed=1)),
    ((4, 5, 3), lambda: layers.RandomElasticTransform(0.5, 0.3, value_range=(-4, 4), seed=1)),
    # Colour and intensity augmentation (issue 9): images of shape (4, 5, 3).
    ((4, 5, 3), lambda: layers.RandomContrast((0.2, 0.5), value_range=(-4, 4), seed=1)),
    ((4, 5, 3), lambda: layers.RandomBrightness(0.2, value_range=(-4, 4), seed=1)),
    ((4, 5, 3), lambda: layers.RandomGrayscale(0.4, seed=1)),
    ((4, 5, 3), lambda: layers.RandomHue(0.3, value_range=(-4, 4), seed=1)),
    ((4, 5, 3), lambda: layers.RandomSaturation((0.3, 0.7), seed=1)),
    ((4, 5, 3), lambda: layers.RandomSharpness(0.4, data_format="channels_last")),
    ((4, 5, 3), lambda: layers.RandomInvert(0.5, value_range=(-4, 4))),
    ((4, 5, 3), lambda: layers.RandomPosterization((2, 5), value_range=(-4, 4))),
    ((4, 5, 3), lambda: layers.RandomColorDegeneration(0.3, value_range=(-4, 4))),
    ((4, 5, 3), lambda: layers.Solarization(0.1, (0.2, 0.4), value_range=(-4, 4), seed=2)),
    ((4, 5, 3), lambda: layers.AutoContrast(value_range=(-4, 4))),
    ((4, 5, 3), lambda: layers.Equalization(value_range=(-4, 4), bins=32)),
    ((4, 5, 3), lambda: layers.RandomGaussianBlur(0.5, (3, 5), (0.2, 2.0), seed=1)),
    ((4, 5, 3), lambda: layers.RandomErasing(0.5, fill_value=[1, 2, 3], value_range=(-4, 4))),
    ((4, 5, 3), lambda: layers.RandomColorJitter((-4, 4), 0.1, (0.2, 0.4), hue_factor=0.2)),
    ((4, 5, 3), lambda: layers.MixUp(alpha=0.3, seed=4)),
    ((4, 5, 3), lambda: layers.CutMix((0.2, 0.9), seed=4)),
    ((4, 5, 3), lambda: layers.ContrastLimitedAdaptiveHistogramEqualization((-4, 4), 2.0, (2, 2))),
    ((4, 5, 3), lambda: layers.RandAugment((-4, 4), num_ops=3, factor=0.4, seed=5)),
    ((4, 5, 3), lambda: layers.AugMix((-4, 4), num_chains=2, chain_depth=2, all_ops=False)),
]


# Engine interop layers run one engine's objects, so each case is built on its engine only.
@saving.register_keras_serializable(package="LaminaTest")
class TorchLinear(layers.TorchModuleWrapper):
    """A savable TorchModuleWrapper: a registered subclass that makes its own module."""

    def __init__(self, **kwargs):
        import torch  # only the torch case builds it

        super().__init__(torch.nn.Linear(6, 3), **kwargs)


@saving.register_keras_serializable(package="LaminaTest")
def jax_affine_init(rng, inputs):
    kernel = lamina.random.normal((inputs.shape[-1], 3), seed=1)
    return {"kernel": kernel, "bias": lamina.ops.ones((3,))}


@saving.register_keras_serializable(package="LaminaTest")
def jax_affine_call(params, inputs):
    return lamina.ops.matmul(inputs, params["kernel"]) + params["bias"]


INTEROP_CASES = [
    pytest.param((6,), TorchLinear, marks=pytest.mark.engine("torch"), id="TorchModuleWrapper"),
    pytest.param(
        (6,),
        lambda: layers.JaxLayer(jax_affine_call, jax_affine_init),
        marks=pytest.mark.engine("jax"),
        id="JaxLayer",
    ),
]
# Cells are saved inside the RNN layer that runs them (their configs nest in its config).
CELLS = {"SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells"}
MERGE_CASES = [
    layers.Add,
    layers.Subtract,
    layers.Multiply,
    layers.Average,
    layers.Maximum,
    layers.Minimum,
    layers.Concatenate,
    functools.partial(layers.Dot, axes=1, normalize=True),
]


@pytest.mark.parametrize(("shape", "make"), LAYER_CASES + INTEROP_CASES)
def test_layer_round_trips_through_a_file(tmp_path, rng, shape, make):
    inputs = lamina.Input(shape)
    layer = make()
    model = lamina.Model(inputs, layer(inputs))
    x = rng.standard_normal((4, *shape)).astype("float32")
    model.save(tmp_path / "layer.keras")
    loaded = saving.load_model(tmp_path / "layer.keras")
    assert type(loaded.layers[-1]) is type(layer)
    assert loaded.layers[-1].get_config() == layer.get_config()
    assert_same_outputs(model, loaded, x)


# String and integer lookup layers: adapted, so the vocabulary travels as an archive asset.
_WORDS = np.array(["ant", "bee", "cat", "dog", "eel", "fox"])


def _adapted(layer, data):
    layer.adapt(data)
    return layer


def _sentences(rng, count):
    return np.array([" ".join(rng.choice(_WORDS, 4)) + "." for _ in range(count)])


STRING_LAYER_CASES = [
    (
        (3,), "string", lambda rng: rng.choice(_WORDS, (4, 3)),
        lambda rng: _adapted(layers.StringLookup(mask_token="[M]"), rng.choice(_WORDS[:4], 20)),
    ),
    (
        (2,), "int64", lambda rng: rng.integers(0, 9, (4, 2)),
        lambda rng: _adapted(
            layers.IntegerLookup(output_mode="multi_hot"), rng.integers(0, 6, 20)
        ),
    ),
    (
        (), "string", lambda rng: _sentences(rng, 4),
        lambda rng: _adapted(
            layers.TextVectorization(output_mode="tf_idf", ngrams=2), _sentences(rng, 8)
        ),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("shape", "dtype", "data", "make"), STRING_LAYER_CASES)
def test_lookup_layer_round_trips_through_a_file(tmp_path, rng, shape, dtype, data, make):
    inputs = lamina.Input(shape, dtype=dtype)
    layer = make(rng)
    model = lamina.Model(inputs, layer(inputs))
    model.save(tmp_path / "layer.keras")
    loaded = saving.load_model(tmp_path / "layer.keras")
    assert type(loaded.layers[-1]) is type(layer)
    assert loaded.layers[-1].get_config() == layer.get_config()
    assert loaded.layers[-1].get_vocabulary() == layer.get_vocabulary()
    assert_same_outputs(model, loaded, data(rng))


# Attention layers take (query, value) or [query, value]: called here as self-attention.
ATTENTION_CASES = [
    lambda: layers.MultiHeadAttention(2, 3, output_shape=4),
    lambda: layers.GroupQueryAttention(3, 4, 2),
    lambda: layers.Attention(use_scale=True),
    layers.AdditiveAttention,
]


@pytest.mark.parametrize("make", ATTENTION_CASES)
def test_attention_layer_round_trips_through_a_file(tmp_path, rng, make):
    inputs = lamina.Input((5, 6))
    layer = make()
    if isinstance(layer, layers.Attention):
        outputs = layer([inputs, inputs], use_causal_mask=True)
    else:
        outputs = layer(inputs, inputs, use_causal_mask=True)
    model = lamina.Model(inputs, outputs)
    model.save(tmp_path / "attention.keras")
    loaded = saving.load_model(tmp_path / "attention.keras")
    assert type(loaded.layers[-1]) is type(layer)
    assert loaded.layers[-1].get_config() == layer.get_config()
    assert_same_outputs(model, loaded, rng.standard_normal((3, 5, 6)).astype("float32"))


@pytest.mark.parametrize("make", MERGE_CASES)
def test_merge_layer_round_trips_through_a_file(tmp_path, rng, make):
    a, b = lamina.Input((4,)), lamina.Input((4,))
    model = lamina.Model([a, b], make()([a, b]))
    model.save(tmp_path / "merge.keras")
    loaded = saving.load_model(tmp_path / "merge.keras")
    x = [rng.standard_normal((3, 4)).astype("float32") for _ in range(2)]
    np.testing.assert_allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_embedding_round_trips_through_a_file(tmp_path, rng):
    inputs = lamina.Input((5,), dtype="int32")
    model = lamina.Model(inputs, layers.Embedding(10, 3)(inputs))
    model.save(tmp_path / "embedding.keras")
    loaded = saving.load_model(tmp_path / "embedding.keras")
    x = rng.integers(0, 10, size=(2, 5)).astype("int32")
    np.testing.assert_allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_reversible_embedding_round_trips_through_a_file(tmp_path, rng):
    inputs = lamina.Input((5,), dtype="int32")
    embedding = layers.ReversibleEmbedding(10, 3, tie_weights=False, logit_soft_cap=5.0)
    model = lamina.Model(inputs, embedding(embedding(inputs), reverse=True))
    model.save(tmp_path / "reversible.keras")
    loaded = saving.load_model(tmp_path / "reversible.keras")
    assert loaded.layers[-1].get_config() == embedding.get_config()
    x = rng.integers(0, 10, size=(2, 5)).astype("int32")
    np.testing.assert_allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_layer_cases_cover_every_layer_class():
    import inspect

    covered = {type(make()).__name__ for _, make in LAYER_CASES}
    covered |= {getattr(make, "func", make).__name__ for make in MERGE_CASES} | CELLS
    covered |= {"Embedding", "ReversibleEmbedding", "InputLayer"}
    covered |= {type(make()).__name__ for make in ATTENTION_CASES}
    covered |= {type(make(np.random.default_rng(0))).__name__ for *_, make in STRING_LAYER_CASES}
    covered |= {"HashedCrossing"}  # takes a list of inputs: tests/layers/preprocessing
    covered |= {"Wrapper"}  # an abstract base: TimeDistributed and SpectralNormalization are cases
    # Built on one engine only: INTEROP_CASES (torch, jax). FlaxLayer needs flax, which the
    # test environment lacks; tests/layers/interop covers it where flax is installed.
    covered |= {"TorchModuleWrapper", "JaxLayer", "FlaxLayer"}
    # TFSMLayer loads an external SavedModel, so (as in Keras) a file builds it only with
    # safe_mode=False: tests/layers/interop/test_tfsm_layer.py saves and reloads it that way.
    covered |= {"TFSMLayer"}
    public = {
        name
        for name in layers.__all__
        if inspect.isclass(getattr(layers, name))
        and issubclass(getattr(layers, name), layers.Layer)
        and getattr(layers, name) is not layers.Layer
    }
    aliases = {name for name in public if getattr(layers, name).__name__ != name}
    assert public - aliases - covered == set()


# ---- safe mode and bad files -------------------------------------------------------------


def rewrite(path, target, **members):
    """Copy the archive at ``path`` to ``target``, replacing (or adding) some members."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as archive:
        for name in source.namelist():
            if name not in members:
                archive.writestr(name, source.read(name))
        for name, data in members.items():
            if data is not None:
                archive.writestr(name, data)


def saved_sequential(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2, name="dense_out")])
    path = tmp_path / "good.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    return path, config


def test_lambda_is_refused(tmp_path):
    path, config = saved_sequential(tmp_path)
    layer = config["config"]["layers"][1]
    layer["config"]["activation"] = {
        "module": "builtins",
        "class_name": "__lambda__",
        "config": {"code": "4wEAAAAAAAA=", "defaults": None, "closure": None},
        "registered_name": None,
    }
    bad = tmp_path / "lambda.keras"
    rewrite(path, bad, **{"config.json": json.dumps(config)})
    for safe_mode in (True, False):
        with pytest.raises(ValueError, match="bytecode"):
            saving.load_model(bad, safe_mode=safe_mode)


def test_unknown_module_is_refused_without_importing_it(tmp_path):
    path, config = saved_sequential(tmp_path)
    config["config"]["layers"][1].update(module="lamina_evil_module", class_name="Payload")
    bad = tmp_path / "module.keras"
    rewrite(path, bad, **{"config.json": json.dumps(config)})
    with pytest.raises(ValueError, match="lamina_evil_module.*register_keras_serializable"):
        saving.load_model(bad)
    config["config"]["layers"][1].update(module="os", class_name="system")
    rewrite(path, bad, **{"config.json": json.dumps(config)})
    for safe_mode in (True, False):
        with pytest.raises(ValueError, match="system"):
            saving.load_model(bad, safe_mode=safe_mode)


class Unregistered(lamina.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(2)

    def call(self, inputs):
        return self.dense(inputs)


def test_unregistered_class_gets_a_hint_and_custom_objects_work(tmp_path, rng):
    model = Unregistered()
    x = rng.standard_normal((2, 3)).astype("float32")
    model(x)
    path = tmp_path / "custom.keras"
    model.save(path)
    with pytest.raises(ValueError, match=r"'Unregistered'.*register_keras_serializable"):
        saving.load_model(path)
    loaded = saving.load_model(path, custom_objects={"Unregistered": Unregistered})
    assert_same_outputs(model, loaded, x)


DENSE_CONFIG = {"class_name": "Dense", "module": "keras.layers", "config": {"units": 2}}


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"config.json": None}, "no config.json"),
        ({"model.weights.h5": None}, "no model.weights.h5"),
        ({"config.json": b"{not json"}, "config.json is not valid JSON"),
        ({"config.json": b"[1, 2]"}, "JSON object"),
        ({"metadata.json": b"\xff\xfe"}, "metadata.json is not valid JSON"),
        ({"model.weights.h5": b"not hdf5 at all"}, "not an HDF5 file"),
        ({"../evil.txt": b"x"}, "safe"),
        ({"/etc/evil": b"x"}, "safe"),
        ({"config.json": json.dumps(DENSE_CONFIG).encode()}, "not a model"),
    ],
)
def test_bad_archives_raise_value_error(tmp_path, members, message):
    path, _ = saved_sequential(tmp_path)
    bad = tmp_path / "bad.keras"
    rewrite(path, bad, **members)
    with pytest.raises(ValueError, match=message):
        saving.load_model(bad)


def test_not_a_zip_and_truncated_zip(tmp_path):
    path, _ = saved_sequential(tmp_path)
    text = tmp_path / "text.keras"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a zip"):
        saving.load_model(text)
    data = path.read_bytes()
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="zip|truncated|corrupted"):
        saving.load_model(truncated)
    corrupted = tmp_path / "corrupted.keras"
    middle = bytearray(data)
    start = data.index(b"\x89HDF")
    middle[start + 600 : start + 700] = b"\x00" * 100
    corrupted.write_bytes(bytes(middle))
    with pytest.raises(ValueError, match="corrupted|truncated|damaged|CRC"):
        saving.load_model(corrupted)


def test_wrong_extensions(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"legacy.*filepath=.*model\.h5"):
        model.save(tmp_path / "model.h5")
    with pytest.raises(ValueError, match=r"\.keras.*Received: filepath=.*model\.zip"):
        saving.save_model(model, tmp_path / "model.zip")
    with pytest.raises(FileNotFoundError, match="model.h5"):
        saving.load_model(tmp_path / "model.h5")  # legacy Keras 2 files load (test_legacy_model)
    with pytest.raises(ValueError, match=r"\.keras"):
        saving.load_model(tmp_path / "model.weights.h5")
    assert os.listdir(tmp_path) == []


def test_mismatched_weight_shapes(tmp_path):
    path, config = saved_sequential(tmp_path)
    config["config"]["layers"][1]["config"]["units"] = 5
    bad = tmp_path / "shapes.keras"
    rewrite(path, bad, **{"config.json": json.dumps(config)})
    with pytest.raises(ValueError, match=r"expects shape \(3, 5\).*\(3, 2\)"):
        saving.load_model(bad)


def test_failed_save_leaves_the_target_untouched(tmp_path):
    class Unserializable(layers.Layer):
        def __init__(self, thing, **kwargs):
            super().__init__(**kwargs)
            self.thing = thing

        def call(self, inputs):
            return inputs

        def get_config(self):
            return {**super().get_config(), "thing": object()}

    path = tmp_path / "target.keras"
    path.write_bytes(b"previous contents")
    model = lamina.Sequential([lamina.Input((3,)), Unserializable(1)])
    with pytest.raises(TypeError):
        model.save(path)
    assert path.read_bytes() == b"previous contents"
    assert os.listdir(tmp_path) == ["target.keras"]
    with pytest.raises(FileExistsError):
        saving.save_model(model, path, overwrite=False)


@pytest.mark.training
def test_model_checkpoint_saves_keras_files_during_fit(tmp_path, rng):
    model = mnist_cnn()
    x, y = mnist_data(rng)
    pattern = str(tmp_path / "ckpt-{epoch:02d}.keras")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[ModelCheckpoint(pattern)])
    assert sorted(os.listdir(tmp_path)) == ["ckpt-01.keras", "ckpt-02.keras"]
    loaded = saving.load_model(tmp_path / "ckpt-02.keras")
    assert int(loaded.optimizer.iterations.numpy()) == 4
    assert_same_outputs(model, loaded, x)
    assert_training_continues(model, loaded, x, y)
