"""The Keras 3 guide "Understanding masking & padding", run through Lamina: the Embedding
``mask_zero`` parts and custom mask-aware layers. The guide's LSTM consumers are skipped.

The guide reads masks as ``x._keras_mask``; NumPy arrays take no attributes, so the eager
checks read them with ``backend.get_keras_mask(x)``, which works on every engine."""

import numpy as np

import lamina as keras
from lamina import backend, layers, ops

# Sequences of word indices, padded by hand (the guide pads them with
# keras.utils.pad_sequences, checked below when Lamina has it).
padded_inputs = np.array(
    [
        [711, 632, 71, 0, 0, 0],
        [73, 8, 3215, 55, 927, 0],
        [83, 91, 1, 645, 1253, 927],
    ]
)


def test_padding_sequence_data():
    raw_inputs = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]
    np.testing.assert_array_equal(
        keras.utils.pad_sequences(raw_inputs, padding="post"), padded_inputs
    )


def test_embedding_mask_zero_generates_the_mask():
    embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    masked_output = embedding(padded_inputs)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(backend.get_keras_mask(masked_output)), padded_inputs != 0
    )


def test_masking_layer():
    samples, timesteps, features = 32, 10, 8
    inputs = np.random.random([samples, timesteps, features]).astype(np.float32)
    inputs[:, 3, :] = 0.0
    inputs[:, 5, :] = 0.0
    model = keras.models.Sequential()
    model.add(layers.Masking(mask_value=0.0, input_shape=(timesteps, features)))
    model.add(layers.LSTM(32))
    output = model(inputs)
    assert tuple(output.shape) == (32, 32)
    # The LSTM skipped steps 3 and 5: the same rows without them give the same output.
    lstm_only = keras.Sequential([keras.Input((8, features)), model.layers[1]])
    kept = np.delete(inputs, [3, 5], axis=1)
    np.testing.assert_allclose(
        ops.convert_to_numpy(output), ops.convert_to_numpy(lstm_only(kept)), atol=1e-5
    )


def test_mask_propagation_to_lstm():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    outputs = layers.LSTM(32)(x)
    model = keras.Model(inputs, outputs)
    padded = model(padded_inputs)
    for row, length in ((0, 3), (1, 5)):
        alone = model(padded_inputs[row : row + 1, :length])
        np.testing.assert_allclose(
            ops.convert_to_numpy(padded)[row], ops.convert_to_numpy(alone)[0], atol=1e-5
        )


def test_compute_mask_of_the_embedding():
    embedding = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)
    x = np.random.random((3, 10)) * 9
    x = x.astype("int32")
    mask = embedding.compute_mask(x)
    np.testing.assert_array_equal(ops.convert_to_numpy(mask), x != 0)


class TemporalSplit(keras.layers.Layer):
    """Split the input tensor into 2 tensors along the time dimension."""

    def call(self, inputs):
        # Expect the input to be 3D and mask to be 2D, split the input tensor into 2
        # subtensors along the time axis (axis 1).
        return ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        # Also split the mask into 2 if it presents.
        if mask is None:
            return None
        return ops.split(mask, 2, axis=1)


def test_layer_that_splits_the_mask():
    first_half, second_half = TemporalSplit()(ops.ones((3, 6, 4)))
    assert tuple(first_half.shape) == (3, 3, 4)
    mask = TemporalSplit().compute_mask(None, mask=ops.convert_to_tensor(padded_inputs != 0))
    np.testing.assert_array_equal(ops.convert_to_numpy(mask[0]), padded_inputs[:, :3] != 0)


class CustomEmbedding(keras.layers.Layer):
    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer="random_normal",
            dtype="float32",
        )

    def call(self, inputs):
        inputs = ops.cast(inputs, "int32")
        return ops.take(self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)


def test_layer_that_generates_a_mask():
    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = np.random.random((3, 10)) * 9
    x = x.astype("int32")
    y = layer(x)
    mask = layer.compute_mask(x)
    assert tuple(y.shape) == (3, 10, 32)
    np.testing.assert_array_equal(ops.convert_to_numpy(mask), x != 0)
    np.testing.assert_array_equal(ops.convert_to_numpy(backend.get_keras_mask(y)), x != 0)


class MyActivation(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Signal that the layer is safe for mask propagation
        self.supports_masking = True

    def call(self, inputs):
        return ops.relu(inputs)


def test_opting_in_to_mask_propagation():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    x = MyActivation()(x)  # Will pass the mask along
    assert x._keras_mask is not None
    # The guide's LSTM(32) consumer is replaced by a mask-aware average pooling.
    outputs = layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, outputs)
    y = model(padded_inputs)
    assert tuple(y.shape) == (3, 16)


class TemporalSoftmax(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        assert mask is not None
        broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
        inputs_exp = ops.exp(inputs) * broadcast_float_mask
        inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
        # The guide writes ``inputs_exp / inputs_sum``: with one feature, masked steps are
        # 0 / 0. ops.divide gives NaN there quietly on every engine (NumPy's ``/`` warns).
        return ops.divide(inputs_exp, inputs_sum)


def test_layer_that_needs_mask_information():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    model = keras.Model(inputs, outputs)
    ids = np.random.randint(0, 10, size=(32, 100))
    y = model(ids)
    assert tuple(y.shape) == (32, 100, 1)
    # One feature per step: kept steps are exp / exp = 1; masked ones 0 / 0 (NaN).
    y = ops.convert_to_numpy(y)[..., 0]
    np.testing.assert_allclose(y[ids != 0], 1.0, rtol=1e-6)
    assert np.isnan(y[ids == 0]).all()
