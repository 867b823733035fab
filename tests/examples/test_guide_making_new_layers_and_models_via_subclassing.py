"""The Keras 3 guide "Making new layers and models via subclassing", run through Lamina.

MNIST is replaced by a few hundred random images so the file needs no download.
"""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(
            shape=(input_dim, units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


def test_layer_with_weights_created_in_init():
    x = ops.ones((2, 2))
    linear_layer = Linear(4, 2)
    y = linear_layer(x)
    assert tuple(y.shape) == (2, 4)
    assert linear_layer.weights == [linear_layer.w, linear_layer.b]


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


def test_non_trainable_weights():
    x = ops.ones((2, 2))
    my_sum = ComputeSum(2)
    y = my_sum(x)
    np.testing.assert_allclose(ops.convert_to_numpy(y), [2.0, 2.0])
    y = my_sum(x)
    np.testing.assert_allclose(ops.convert_to_numpy(y), [4.0, 4.0])
    assert len(my_sum.weights) == 1
    assert len(my_sum.non_trainable_weights) == 1
    assert my_sum.trainable_weights == []


class LazyLinear(keras.layers.Layer):
    """The guide's second ``Linear``: weights deferred to ``build``."""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


def test_deferred_weight_creation_in_build():
    linear_layer = LazyLinear(32)
    assert linear_layer.weights == []
    x = ops.ones((2, 2))
    y = linear_layer(x)
    assert tuple(y.shape) == (2, 32)
    assert [tuple(w.shape) for w in linear_layer.weights] == [(2, 32), (32,)]


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = LazyLinear(32)
        self.linear_2 = LazyLinear(32)
        self.linear_3 = LazyLinear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


def test_layers_are_recursively_composable():
    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))
    assert tuple(y.shape) == (3, 1)
    assert len(mlp.weights) == 6
    assert len(mlp.trainable_weights) == 6


def test_backend_agnostic_layer_in_torch_style():
    torch = pytest.importorskip("torch")
    if keras.backend.backend() != "torch":
        pytest.skip("the torch-specific variant of the guide")

    class TorchLinear(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            return torch.matmul(inputs, self.w) + self.b

    layer = TorchLinear(4)
    assert tuple(layer(ops.ones((2, 3))).shape) == (2, 4)


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


def test_add_loss_collects_and_resets_per_call():
    layer = OuterLayer()
    assert len(layer.losses) == 0  # No losses yet since the layer has never been called
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # We created one loss value
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # The loss from the first call was cleared


class OuterLayerWithKernelRegularizer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)


def test_losses_include_weight_regularization():
    layer = OuterLayerWithKernelRegularizer()
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1
    kernel = ops.convert_to_numpy(layer.dense.kernel)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layer.losses[0]), 1e-3 * np.sum(kernel**2), rtol=1e-5
    )


@pytest.mark.training
def test_add_loss_is_used_by_fit():
    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)

    rng = np.random.default_rng(0)
    x = rng.random((2, 3)).astype("float32")
    y = rng.random((2, 3)).astype("float32")
    activity = 1e-2 * x.astype(np.float64).mean()

    # With a loss in compile, the regularization loss is added to it.
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, verbose=0)
    expected = ((x.astype(np.float64) - y) ** 2).mean() + activity
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)

    # Without one, the model still has a loss to minimize: the activity loss alone.
    model.compile(optimizer="adam")
    history = model.fit(x, y, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], activity, rtol=1e-5)


class SerializableLinear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def test_get_config_and_from_config():
    class UnitsOnlyLinear(LazyLinear):
        def get_config(self):
            return {"units": self.units}

    layer = UnitsOnlyLinear(64)
    config = layer.get_config()
    assert config == {"units": 64}
    new_layer = UnitsOnlyLinear.from_config(config)
    assert new_layer.units == 64

    layer = SerializableLinear(64)
    config = layer.get_config()
    assert config["units"] == 64
    assert {"name", "trainable", "dtype"} <= set(config)
    new_layer = SerializableLinear.from_config(config)
    assert new_layer.units == 64
    assert new_layer.name == layer.name


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs, training=None):
        if training:
            return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
        return inputs


def test_privileged_training_argument():
    layer = CustomDropout(0.5)
    x = ops.ones((8, 16))
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), np.ones((8, 16)))
    dropped = ops.convert_to_numpy(layer(x, training=True))
    assert set(np.unique(dropped)) <= {0.0, 2.0}
    assert 0 < np.count_nonzero(dropped) < dropped.size


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

    def __init__(self, latent_dim=32, intermediate_dim=64, name="encoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        z = self.sampling((z_mean, z_log_var))
        return z_mean, z_log_var, z


class Decoder(layers.Layer):
    """Converts z, the encoded digit vector, back into a readable digit."""

    def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)


class VariationalAutoEncoder(keras.Model):
    """Combines the encoder and decoder into an end-to-end model for training."""

    def __init__(
        self,
        original_dim,
        intermediate_dim=64,
        latent_dim=32,
        name="autoencoder",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        # Add KL divergence regularization loss.
        kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
        self.add_loss(kl_loss)
        return reconstructed


def fake_mnist(num_samples=256):
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(num_samples, 28, 28)).astype("uint8")
    return x_train.reshape(num_samples, 784).astype("float32") / 255


@pytest.mark.training
def test_end_to_end_subclassed_vae():
    x_train = fake_mnist()
    original_dim = 784
    vae = VariationalAutoEncoder(784, 64, 32)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())
    history = vae.fit(x_train, x_train, epochs=2, batch_size=64, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    assert vae.original_dim == original_dim
    assert tuple(vae.predict(x_train[:3], verbose=0).shape) == (3, 784)


@pytest.mark.training
def test_functional_vae():
    original_dim = 784
    intermediate_dim = 64
    latent_dim = 32

    original_inputs = keras.Input(shape=(original_dim,), name="encoder_input")
    x = layers.Dense(intermediate_dim, activation="relu")(original_inputs)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()((z_mean, z_log_var))
    encoder = keras.Model(inputs=original_inputs, outputs=z, name="encoder")
    assert tuple(encoder.output_shape) == (None, latent_dim)

    latent_inputs = keras.Input(shape=(latent_dim,), name="z_sampling")
    x = layers.Dense(intermediate_dim, activation="relu")(latent_inputs)
    outputs = layers.Dense(original_dim, activation="sigmoid")(x)
    decoder = keras.Model(inputs=latent_inputs, outputs=outputs, name="decoder")

    outputs = decoder(z)
    vae = keras.Model(inputs=original_inputs, outputs=outputs, name="vae")

    # Add KL divergence regularization loss.
    kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
    vae.add_loss(kl_loss)

    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())
    vae.fit(fake_mnist(), fake_mnist(), epochs=3, batch_size=64, verbose=0)
