"""The Keras 3 guide "Training & evaluation with the built-in methods", run through Lamina.

MNIST is replaced by random arrays of MNIST's shapes (a few hundred rows) so the file
needs no download, and epochs are cut to one or two; the models are the guide's.
"""

import os

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops

pytestmark = pytest.mark.training


@pytest.fixture
def mnist():
    rng = np.random.default_rng(0)
    x_train = rng.random((384, 784), dtype="float32")
    y_train = rng.integers(0, 10, size=(384,)).astype("float32")
    x_test = rng.random((64, 784), dtype="float32")
    y_test = rng.integers(0, 10, size=(64,)).astype("float32")
    # Reserve samples for validation, as the guide does (10,000 of 60,000 there).
    x_val = x_train[-64:]
    y_val = y_train[-64:]
    x_train = x_train[:-64]
    y_train = y_train[:-64]
    return x_train, y_train, x_val, y_val, x_test, y_test


def get_uncompiled_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def get_compiled_model():
    model = get_uncompiled_model()
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def test_api_overview_fit_evaluate_predict(mnist):
    x_train, y_train, x_val, y_val, x_test, y_test = mnist
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(),  # Optimizer
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=2,
        validation_data=(x_val, y_val),
        verbose=0,
    )
    assert set(history.history) == {
        "loss",
        "sparse_categorical_accuracy",
        "val_loss",
        "val_sparse_categorical_accuracy",
    }
    assert len(history.history["loss"]) == 2
    assert history.history["loss"][1] < history.history["loss"][0]

    results = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    assert len(results) == 2
    predictions = model.predict(x_test[:3], verbose=0)
    assert predictions.shape == (3, 10)


def test_compile_with_string_identifiers(mnist):
    x_train, y_train, *_ = mnist
    model = get_compiled_model()
    history = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
    assert "sparse_categorical_accuracy" in history.history


def test_custom_loss_function(mnist):
    x_train, y_train, *_ = mnist

    def custom_mean_squared_error(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
    # evaluate reports the custom loss: the mean squared error of the predictions.
    x, y = x_train[:64], np.eye(10)[y_train[:64].astype(int)]
    predictions = np.asarray(model.predict(x, verbose=0), np.float64)
    loss = model.evaluate(x, y, batch_size=64, verbose=0)
    np.testing.assert_allclose(loss, ((y - predictions) ** 2).mean(), rtol=1e-4)


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


def test_custom_loss_class(mnist):
    x_train, y_train, *_ = mnist
    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        # The state of the metric will be reset at the start of each epoch.
        self.true_positives.assign(0.0)


def test_custom_metric(mnist):
    x_train, y_train, *_ = mnist
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[CategoricalTruePositives()],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, verbose=0)
    counts = history.history["categorical_true_positives"]
    assert len(counts) == 2
    # As in the guide's printed logs, (batch,) labels against (batch, 1) predictions
    # broadcast, so counts exceed the sample count; reset_state still runs each epoch,
    # so the second epoch does not add to the first.
    assert 0 < counts[1] < 1.5 * counts[0]


class ActivityRegularizationLayer(layers.Layer):
    def call(self, inputs):
        self.add_loss(ops.sum(inputs) * 0.1)
        return inputs  # Pass-through layer.


def test_add_loss_from_a_layer(mnist):
    x_train, y_train, *_ = mnist
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)

    # The displayed loss is much higher than a plain crossentropy because of the
    # regularization component.
    plain = keras.Model(inputs=inputs, outputs=outputs)
    plain.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert history.history["loss"][0] > np.log(10)


def test_validation_split(mnist):
    x_train, y_train, *_ = mnist
    model = get_compiled_model()
    history = model.fit(x_train, y_train, batch_size=64, validation_split=0.2, epochs=1, verbose=0)
    assert "val_loss" in history.history


def test_tf_data_datasets(mnist):
    tf = pytest.importorskip("tensorflow", reason="tf.data needs TensorFlow")
    x_train, y_train, x_val, y_val, x_test, y_test = mnist
    model = get_compiled_model()
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(64)
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(64)
    history = model.fit(train_dataset, epochs=1, validation_data=val_dataset, verbose=0)
    assert set(history.history) >= {"loss", "val_loss"}
    assert np.isfinite(history.history["loss"][0])
    result = model.evaluate(tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(64),
                            return_dict=True, verbose=0)  # fmt: skip
    assert np.isfinite(result["loss"])


class ExamplePyDataset(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = x
        self.y = y
        self.batch_size = batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        batch_x = self.x[idx * self.batch_size : (idx + 1) * self.batch_size]
        batch_y = self.y[idx * self.batch_size : (idx + 1) * self.batch_size]
        return batch_x, batch_y


def test_py_dataset(mnist):
    x_train, y_train, x_val, y_val, *_ = mnist
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32)
    model = get_compiled_model()
    history = model.fit(train_py_dataset, epochs=1, validation_data=val_py_dataset, verbose=0)
    assert "val_loss" in history.history

    # Parallel loading with threads, as the guide's next snippet.
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32, workers=2)
    model.fit(train_py_dataset, epochs=1, verbose=0)


def test_pytorch_dataloader(mnist):
    torch = pytest.importorskip("torch")
    x_train, y_train, x_val, y_val, *_ = mnist

    class ExampleTorchDataset(torch.utils.data.Dataset):
        def __init__(self, x, y):
            self.x = x
            self.y = y

        def __len__(self):
            return len(self.x)

        def __getitem__(self, idx):
            return self.x[idx], self.y[idx]

    train_torch_dataset = ExampleTorchDataset(x_train, y_train)
    val_torch_dataset = ExampleTorchDataset(x_val, y_val)
    train_dataloader = torch.utils.data.DataLoader(train_torch_dataset, batch_size=32, shuffle=True)
    val_dataloader = torch.utils.data.DataLoader(val_torch_dataset, batch_size=32, shuffle=True)
    model = get_compiled_model()
    history = model.fit(train_dataloader, epochs=1, validation_data=val_dataloader, verbose=0)
    assert "val_loss" in history.history
    model.evaluate(val_dataloader, verbose=0)


def test_class_weights(mnist):
    x_train, y_train, *_ = mnist
    class_weight = dict.fromkeys(range(10), 1.0)
    # Set weight "2" for class "5", making this class 2x more important.
    class_weight[5] = 2.0
    model = get_compiled_model()
    start = model.get_weights()
    weighted = model.fit(x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1,
                         shuffle=False, verbose=0).history  # fmt: skip
    # The same as giving each sample its class's weight.
    same = get_compiled_model()
    same.set_weights(start)
    sample_weight = np.where(y_train == 5, 2.0, 1.0)
    expected = same.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1,
                        shuffle=False, verbose=0).history  # fmt: skip
    np.testing.assert_allclose(weighted["loss"], expected["loss"], rtol=1e-5)
    for a, b in zip(model.get_weights(), same.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_sample_weights(mnist):
    x_train, y_train, *_ = mnist
    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0
    model = get_compiled_model()
    start = model.get_weights()
    # The loss of one batch, with the weights: the per-sample losses' weighted mean.
    x, y, w = x_train[:64], y_train[:64], sample_weight[:64]
    probabilities = np.asarray(model.predict(x, verbose=0), np.float64)
    per_sample = -np.log(probabilities[np.arange(64), y.astype(int)])
    loss = model.evaluate(x, y, sample_weight=w, batch_size=64, verbose=0)
    loss = loss[0] if isinstance(loss, list) else loss
    np.testing.assert_allclose(loss, (w * per_sample).sum() / 64, rtol=1e-4)
    model.set_weights(start)
    history = model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1,
                        verbose=0)  # fmt: skip
    assert np.isfinite(history.history["loss"][0])


def multi_io_model():
    image_input = keras.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = keras.Input(shape=(None, 10), name="ts_input")
    x1 = layers.Conv2D(3, 3)(image_input)
    x1 = layers.GlobalMaxPooling2D()(x1)
    x2 = layers.Conv1D(3, 3)(timeseries_input)
    x2 = layers.GlobalMaxPooling1D()(x2)
    x = layers.concatenate([x1, x2])
    score_output = layers.Dense(1, name="score_output")(x)
    class_output = layers.Dense(5, name="class_output")(x)
    return keras.Model(inputs=[image_input, timeseries_input], outputs=[score_output, class_output])


@pytest.fixture
def multi_io_data():
    rng = np.random.default_rng(0)
    img_data = rng.random(size=(40, 32, 32, 3), dtype="float32")
    ts_data = rng.random(size=(40, 20, 10), dtype="float32")
    score_targets = rng.random(size=(40, 1), dtype="float32")
    class_targets = rng.random(size=(40, 5), dtype="float32")
    return img_data, ts_data, score_targets, class_targets


def test_multi_input_multi_output_losses_and_metrics(multi_io_data):
    img_data, ts_data, score_targets, class_targets = multi_io_data
    model = multi_io_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.MeanSquaredError(),
            keras.losses.CategoricalCrossentropy(),
        ],
        metrics=[
            [
                keras.metrics.MeanAbsolutePercentageError(),
                keras.metrics.MeanAbsoluteError(),
            ],
            [keras.metrics.CategoricalAccuracy()],
        ],
    )
    history = model.fit(
        [img_data, ts_data], [score_targets, class_targets], batch_size=32, epochs=1, verbose=0
    )
    assert {
        "score_output_mean_absolute_percentage_error",
        "score_output_mean_absolute_error",
        "class_output_categorical_accuracy",
    } <= set(history.history)

    # The same, by output name, with loss weights.
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "score_output": keras.losses.MeanSquaredError(),
            "class_output": keras.losses.CategoricalCrossentropy(),
        },
        metrics={
            "score_output": [
                keras.metrics.MeanAbsolutePercentageError(),
                keras.metrics.MeanAbsoluteError(),
            ],
            "class_output": [keras.metrics.CategoricalAccuracy()],
        },
        loss_weights={"score_output": 2.0, "class_output": 1.0},
    )
    model.fit(
        {"img_input": img_data, "ts_input": ts_data},
        {"score_output": score_targets, "class_output": class_targets},
        batch_size=32,
        epochs=1,
        verbose=0,
    )


# As in Keras, the output without a loss gets no gradient and the optimizer says so.
@pytest.mark.filterwarnings("ignore:Gradients do not exist")
def test_multi_output_without_a_loss_for_one_output(multi_io_data):
    img_data, ts_data, score_targets, class_targets = multi_io_data
    model = multi_io_model()
    # List loss version
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[None, keras.losses.CategoricalCrossentropy()],
    )
    score_kernel = model.get_layer("score_output").get_weights()
    class_kernel = model.get_layer("class_output").get_weights()
    model.fit([img_data, ts_data], [score_targets, class_targets], epochs=1, verbose=0)
    # The output without a loss is not trained; the other one is.
    for a, b in zip(model.get_layer("score_output").get_weights(), score_kernel):
        np.testing.assert_array_equal(a, b)
    assert any(
        not np.allclose(a, b)
        for a, b in zip(model.get_layer("class_output").get_weights(), class_kernel)
    )
    # Or dict loss version
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={"class_output": keras.losses.CategoricalCrossentropy()},
    )
    history = model.fit([img_data, ts_data], [score_targets, class_targets], epochs=1, verbose=0)
    for a, b in zip(model.get_layer("score_output").get_weights(), score_kernel):
        np.testing.assert_array_equal(a, b)
    assert np.isfinite(history.history["loss"][0])


def test_early_stopping_callback(mnist):
    x_train, y_train, *_ = mnist
    model = get_compiled_model()
    callbacks = [
        keras.callbacks.EarlyStopping(
            # Stop training when `val_loss` is no longer improving
            monitor="val_loss",
            # "no longer improving" being defined as "no better than 1e-2 less"
            min_delta=1e-2,
            # "no longer improving" being further defined as "for at least 2 epochs"
            patience=2,
            verbose=0,
        )
    ]
    history = model.fit(
        x_train,
        y_train,
        epochs=20,
        batch_size=64,
        callbacks=callbacks,
        validation_split=0.2,
        verbose=0,
    )
    # Random labels: validation loss stops improving long before 20 epochs.
    assert len(history.history["loss"]) < 20


class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs):
        self.per_batch_losses = []

    def on_batch_end(self, batch, logs):
        self.per_batch_losses.append(logs.get("loss"))


def test_writing_your_own_callback(mnist):
    x_train, y_train, *_ = mnist
    model = get_compiled_model()
    history_callback = LossHistory()
    model.fit(x_train, y_train, batch_size=64, epochs=1, callbacks=[history_callback], verbose=0)
    assert len(history_callback.per_batch_losses) == 5  # 320 samples / 64
    assert all(np.isfinite(float(loss)) for loss in history_callback.per_batch_losses)


def test_batch_logs_hold_python_floats(mnist):
    x_train, y_train, *_ = mnist
    model = get_compiled_model()
    history_callback = LossHistory()
    model.fit(x_train[:64], y_train[:64], epochs=1, callbacks=[history_callback], verbose=0)
    assert all(isinstance(loss, float) for loss in history_callback.per_batch_losses)


def test_model_checkpoint(mnist, tmp_path):
    x_train, y_train, *_ = mnist
    model = get_compiled_model()
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            # Path where to save the model; the two parameters below mean that we
            # overwrite the current checkpoint if and only if the `val_loss` score
            # has improved. The saved model name will include the current epoch.
            filepath=str(tmp_path / "mymodel_{epoch}.keras"),
            save_best_only=True,  # Only save a model if `val_loss` has improved.
            monitor="val_loss",
            verbose=0,
        )
    ]
    model.fit(
        x_train,
        y_train,
        epochs=2,
        batch_size=64,
        callbacks=callbacks,
        validation_split=0.2,
        verbose=0,
    )
    assert "mymodel_1.keras" in os.listdir(tmp_path)


def test_make_or_restore_model(mnist, tmp_path):
    x_train, y_train, *_ = mnist
    checkpoint_dir = str(tmp_path / "ckpt")
    if not os.path.exists(checkpoint_dir):
        os.makedirs(checkpoint_dir)

    def make_or_restore_model():
        # Either restore the latest model, or create a fresh one
        # if there is no checkpoint available.
        checkpoints = [checkpoint_dir + "/" + name for name in os.listdir(checkpoint_dir)]
        if checkpoints:
            latest_checkpoint = max(checkpoints, key=os.path.getctime)
            return keras.models.load_model(latest_checkpoint), latest_checkpoint
        return get_compiled_model(), None

    model, restored = make_or_restore_model()
    assert restored is None
    callbacks = [
        # This callback saves the model every 2 batches (100 in the guide).
        # We include the training loss in the saved model name.
        keras.callbacks.ModelCheckpoint(
            filepath=checkpoint_dir + "/model-loss={loss:.2f}.keras", save_freq=2
        )
    ]
    model.fit(x_train, y_train, epochs=1, callbacks=callbacks, verbose=0)
    assert os.listdir(checkpoint_dir)

    model, restored = make_or_restore_model()
    assert restored is not None
    model.fit(x_train, y_train, epochs=1, verbose=0)  # the restored model keeps training


def test_learning_rate_schedule(mnist):
    x_train, y_train, *_ = mnist
    initial_learning_rate = 0.1
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )
    optimizer = keras.optimizers.RMSprop(learning_rate=lr_schedule)
    model = get_uncompiled_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
    np.testing.assert_allclose(float(optimizer.learning_rate), 0.1, rtol=1e-6)


def test_tensorboard_callback(mnist, tmp_path):
    pytest.importorskip("tensorboard", reason="TensorBoard writes event files with tensorboard")
    x_train, y_train = mnist[:2]
    model = get_compiled_model()
    callback = keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=0,
                                           update_freq="epoch")  # fmt: skip
    model.fit(x_train, y_train, batch_size=64, epochs=1, callbacks=[callback], verbose=0)
    written = list(tmp_path.rglob("events.out.tfevents.*"))
    assert written, f"no event file under {tmp_path}"
