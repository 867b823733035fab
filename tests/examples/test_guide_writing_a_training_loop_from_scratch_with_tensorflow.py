"""The Keras 3 guide "Writing a training loop from scratch in TensorFlow", run through
Lamina: a tf.GradientTape loop over a tf.data.Dataset, eager and as a tf.function, with
metrics and a validation loop. MNIST is replaced by 256 random rows of 32 features."""

import numpy as np
import pytest

import lamina as keras

if keras.backend.backend() != "tensorflow":  # skip before importing TensorFlow (seconds)
    pytest.skip("a TensorFlow guide", allow_module_level=True)
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.training


def get_model():
    inputs = keras.Input(shape=(32,), name="digits")
    x1 = keras.layers.Dense(16, activation="relu")(inputs)
    x2 = keras.layers.Dense(16, activation="relu")(x1)
    outputs = keras.layers.Dense(4, name="predictions")(x2)
    return keras.Model(inputs=inputs, outputs=outputs)


@pytest.fixture
def datasets():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 32)).astype("float32")
    y = np.argmax(x[:, :4], axis=1)
    train = tf.data.Dataset.from_tensor_slices((x[:192], y[:192])).shuffle(192).batch(32)
    val = tf.data.Dataset.from_tensor_slices((x[192:], y[192:])).batch(32)
    return train, val


def test_eager_loop_with_metrics_then_the_tf_function_step(datasets):
    train_dataset, val_dataset = datasets
    model = get_model()
    # Instantiate an optimizer to train the model.
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)
    # Instantiate a loss function.
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    # Prepare the metrics.
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        train_acc_metric.update_state(y, logits)
        return loss_value

    def test_step(x, y):
        val_logits = model(x, training=False)
        val_acc_metric.update_state(y, val_logits)

    accuracies = []
    for step_function, eval_function in (
        (train_step, test_step),
        (tf.function(train_step), tf.function(test_step)),  # the guide's speed-up
    ):
        for _epoch in range(2):
            for x_batch_train, y_batch_train in train_dataset:
                loss_value = step_function(x_batch_train, y_batch_train)
            train_acc = float(train_acc_metric.result())
            train_acc_metric.reset_state()
            for x_batch_val, y_batch_val in val_dataset:
                eval_function(x_batch_val, y_batch_val)
            accuracies.append(float(val_acc_metric.result()))
            val_acc_metric.reset_state()
        assert np.isfinite(float(loss_value))
        assert 0.0 <= train_acc <= 1.0
    assert accuracies[-1] > 0.45  # four classes: chance is 0.25


def test_low_level_handling_of_losses_tracked_by_the_model(datasets):
    train_dataset, _ = datasets

    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * keras.ops.sum(inputs))
            return inputs

    inputs = keras.Input(shape=(32,), name="digits")
    x = keras.layers.Dense(16, activation="relu")(inputs)
    x = ActivityRegularizationLayer()(x)
    outputs = keras.layers.Dense(4, name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
            # Add any extra losses created during the forward pass.
            loss_value += sum(model.losses)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        return loss_value

    for x_batch_train, y_batch_train in train_dataset:
        loss_value = train_step(x_batch_train, y_batch_train)
    assert np.isfinite(float(loss_value))
