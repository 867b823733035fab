"""The Keras 3 guide "The Functional API", run through Lamina.

MNIST and CIFAR-10 are replaced by random arrays of the same shapes (fewer rows), so
the file needs no download; the models are the guide's.
"""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops


def mnist_model():
    inputs = keras.Input(shape=(784,))
    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def test_inputs_carry_shape_and_dtype():
    inputs = keras.Input(shape=(784,))
    img_inputs = keras.Input(shape=(32, 32, 3))
    assert tuple(inputs.shape) == (None, 784)
    assert tuple(img_inputs.shape) == (None, 32, 32, 3)
    assert inputs.dtype == "float32"


def test_mnist_model_summary(capsys):
    model = mnist_model()
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "mnist_model"' in out
    assert "Total params: 55,050" in out


def test_plot_model(tmp_path):
    pytest.importorskip("pydot", reason="plot_model needs pydot")
    model = mnist_model()
    # The guide writes a PNG (which needs Graphviz's `dot`); a .dot file needs pydot only.
    path = tmp_path / "my_first_model.dot"
    keras.utils.plot_model(model, str(path), show_shapes=True)
    text = path.read_text()
    assert text.count("Dense") >= 3
    assert "784" in text


@pytest.mark.training
def test_train_evaluate_save_and_reload(tmp_path):
    model = mnist_model()
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(512, 28, 28)).astype("uint8")
    y_train = rng.integers(0, 10, size=(512,)).astype("uint8")
    x_test = rng.integers(0, 256, size=(128, 28, 28)).astype("uint8")
    y_test = rng.integers(0, 10, size=(128,)).astype("uint8")
    x_train = x_train.reshape(512, 784).astype("float32") / 255
    x_test = x_test.reshape(128, 784).astype("float32") / 255

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2, verbose=0)
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][1] < history.history["loss"][0]
    test_scores = model.evaluate(x_test, y_test, verbose=2)
    assert len(test_scores) == 2

    expected = model.predict(x_test, verbose=0)
    path = str(tmp_path / "my_model.keras")
    model.save(path)
    del model
    model = keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(x_test, verbose=0), expected, rtol=1e-5)


def test_one_graph_of_layers_two_models(capsys):
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    encoder.summary()
    out = capsys.readouterr().out
    assert "Total params: 18,672" in out
    assert "(None, 16)" in out

    x = layers.Reshape((4, 4, 1))(encoder_output)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)
    autoencoder = keras.Model(encoder_input, decoder_output, name="autoencoder")
    autoencoder.summary()
    out = capsys.readouterr().out
    assert "Total params: 28,241" in out
    assert autoencoder.output_shape == (None, 28, 28, 1)


def encoder_and_decoder():
    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    x = layers.Reshape((4, 4, 1))(decoder_input)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)
    decoder = keras.Model(decoder_input, decoder_output, name="decoder")
    return encoder, decoder


def test_models_are_callable_like_layers(capsys):
    encoder, decoder = encoder_and_decoder()
    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
    autoencoder.summary()
    out = capsys.readouterr().out
    assert "encoder (Functional)" in out
    assert "Total params: 28,241" in out
    images = np.random.random((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(autoencoder(images)),
        keras.ops.convert_to_numpy(decoder(encoder(images))),
        rtol=1e-6,
    )


def test_ensembling_nested_models():
    def get_model():
        inputs = keras.Input(shape=(128,))
        outputs = layers.Dense(1)(inputs)
        return keras.Model(inputs, outputs)

    model1 = get_model()
    model2 = get_model()
    model3 = get_model()

    inputs = keras.Input(shape=(128,))
    y1 = model1(inputs)
    y2 = model2(inputs)
    y3 = model3(inputs)
    outputs = layers.average([y1, y2, y3])
    ensemble_model = keras.Model(inputs=inputs, outputs=outputs)

    x = np.random.default_rng(0).random((4, 128), dtype="float32")
    expected = np.mean([ops.convert_to_numpy(m(x)) for m in (model1, model2, model3)], axis=0)
    np.testing.assert_allclose(
        ops.convert_to_numpy(ensemble_model(x)), expected, rtol=1e-5, atol=1e-6
    )
    assert len(ensemble_model.weights) == 6


@pytest.mark.training
def test_multiple_inputs_and_outputs():
    num_tags = 12
    num_words = 10000
    num_departments = 4

    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.Embedding(num_words, 64)(title_input)
    body_features = layers.Embedding(num_words, 64)(body_input)
    # The guide reduces each sequence with LSTM(128) and LSTM(32); Lamina has no
    # recurrent layers yet, so global pooling plays their part here.
    title_features = layers.GlobalAveragePooling1D()(title_features)
    body_features = layers.GlobalAveragePooling1D()(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs=[priority_pred, department_pred],
    )

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.BinaryCrossentropy(from_logits=True),
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )

    rng = np.random.default_rng(0)
    title_data = rng.integers(num_words, size=(128, 10))
    body_data = rng.integers(num_words, size=(128, 100))
    tags_data = rng.integers(2, size=(128, num_tags)).astype("float32")
    priority_targets = rng.random(size=(128, 1))
    dept_targets = rng.integers(2, size=(128, num_departments))

    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=2,
        batch_size=32,
        verbose=0,
    )
    assert history.history["loss"][1] < history.history["loss"][0]


def toy_resnet():
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])

    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs, name="toy_resnet")


@pytest.mark.training
def test_toy_resnet(capsys):
    model = toy_resnet()
    model.summary()
    out = capsys.readouterr().out
    assert "Total params: 223,242" in out

    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(64, 32, 32, 3)).astype("float32") / 255.0
    y_train = keras.utils.to_categorical(rng.integers(0, 10, size=(64, 1)), 10)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    history = model.fit(x_train, y_train, batch_size=16, epochs=1, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}


def test_shared_embedding_layer():
    shared_embedding = layers.Embedding(1000, 128)
    text_input_a = keras.Input(shape=(None,), dtype="int32")
    text_input_b = keras.Input(shape=(None,), dtype="int32")
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)
    assert tuple(encoded_input_a.shape) == (None, None, 128)
    assert tuple(encoded_input_b.shape) == (None, None, 128)
    assert len(shared_embedding.weights) == 1


def test_extract_and_reuse_intermediate_nodes():
    # The guide uses a pretrained VGG19; the toy ResNet above stands in for it.
    base = toy_resnet()
    features_list = [layer.output for layer in base.layers]
    feat_extraction_model = keras.Model(inputs=base.input, outputs=features_list)
    img = np.random.random((1, 32, 32, 3)).astype("float32")
    extracted_features = feat_extraction_model(img)
    assert len(extracted_features) == len(base.layers)
    assert tuple(extracted_features[-1].shape) == (1, 10)


class CustomDense(layers.Layer):
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

    def get_config(self):
        return {"units": self.units}


def test_custom_layer_in_a_functional_model_and_from_config():
    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)
    model = keras.Model(inputs, outputs)
    assert tuple(model.output_shape) == (None, 10)

    config = model.get_config()
    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    assert isinstance(new_model.layers[-1], CustomDense)
    assert new_model.layers[-1].units == 10
    assert tuple(new_model.output_shape) == (None, 10)


def test_functional_model_inside_a_subclassed_layer():
    units = 32
    timesteps = 10
    input_dim = 5

    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            self.classifier = model

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            return self.classifier(features)

    rnn_model = CustomRNN()
    out = rnn_model(ops.zeros((1, timesteps, input_dim)))
    assert tuple(out.shape) == (1, 1)


def test_subclassed_layer_inside_a_functional_model():
    units = 32
    timesteps = 10
    input_dim = 5
    batch_size = 16

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            self.classifier = layers.Dense(1)

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            return self.classifier(features)

    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)
    model = keras.Model(inputs, outputs)
    assert tuple(model.output_shape) == (batch_size, timesteps - 2, 1)

    rnn_model = CustomRNN()
    out = rnn_model(ops.zeros((1, 10, 5)))
    assert tuple(out.shape) == (1, 10, 1)
