"""The Keras 3 guide "Writing your own callbacks", run through Lamina.

MNIST is replaced by random arrays of MNIST's shapes (a few hundred rows), so the file
needs no download; the model and callbacks are the guide's.
"""

import numpy as np
import pytest

import lamina as keras

pytestmark = pytest.mark.training


def get_model():
    model = keras.Sequential()
    model.add(keras.layers.Dense(1))
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    return model


@pytest.fixture
def mnist():
    rng = np.random.default_rng(0)
    x_train = rng.random((256, 784), dtype="float32")
    y_train = rng.integers(0, 10, size=(256,)).astype("float32")
    x_test = rng.random((256, 784), dtype="float32")
    y_test = rng.integers(0, 10, size=(256,)).astype("float32")
    return x_train, y_train, x_test, y_test


class CustomCallback(keras.callbacks.Callback):
    """Records the hook calls and their log keys instead of printing them."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(self, hook, logs):
        self.calls.append((hook, sorted(logs.keys())))

    def on_train_begin(self, logs=None):
        self._record("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._record("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._record("on_epoch_begin", logs)

    def on_epoch_end(self, epoch, logs=None):
        self._record("on_epoch_end", logs)

    def on_test_begin(self, logs=None):
        self._record("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._record("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._record("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._record("on_predict_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._record("on_train_batch_begin", logs)

    def on_train_batch_end(self, batch, logs=None):
        self._record("on_train_batch_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._record("on_test_batch_begin", logs)

    def on_test_batch_end(self, batch, logs=None):
        self._record("on_test_batch_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._record("on_predict_batch_begin", logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._record("on_predict_batch_end", logs)


def test_every_hook_with_its_log_keys(mnist):
    x_train, y_train, x_test, y_test = mnist
    model = get_model()
    callback = CustomCallback()
    model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=1,
        verbose=0,
        validation_split=0.5,
        callbacks=[callback],
    )
    metrics = ["loss", "mean_absolute_error"]
    val_metrics = ["val_loss", "val_mean_absolute_error"]
    assert callback.calls == [
        ("on_train_begin", []),
        ("on_epoch_begin", []),
        ("on_train_batch_begin", []),
        ("on_train_batch_end", metrics),
        # As Keras: the validation run fires the test hooks on the fit's callbacks.
        ("on_test_begin", []),
        ("on_test_batch_begin", []),
        ("on_test_batch_end", metrics),
        ("on_test_end", metrics),
        ("on_epoch_end", sorted(metrics + val_metrics)),
        ("on_train_end", sorted(metrics + val_metrics)),
    ]

    callback = CustomCallback()
    model.evaluate(x_test, y_test, batch_size=128, verbose=0, callbacks=[callback])
    assert callback.calls == [
        ("on_test_begin", []),
        ("on_test_batch_begin", []),
        ("on_test_batch_end", metrics),
        ("on_test_batch_begin", []),
        ("on_test_batch_end", metrics),
        ("on_test_end", metrics),
    ]

    callback = CustomCallback()
    model.predict(x_test, batch_size=128, verbose=0, callbacks=[callback])
    assert callback.calls == [
        ("on_predict_begin", []),
        ("on_predict_batch_begin", []),
        ("on_predict_batch_end", ["outputs"]),
        ("on_predict_batch_begin", []),
        ("on_predict_batch_end", ["outputs"]),
        ("on_predict_end", []),
    ]


class LossAndErrorPrintingCallback(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        print("Up to batch {}, the average loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_test_batch_end(self, batch, logs=None):
        print("Up to batch {}, the average loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        print(
            "The average loss for epoch {} is {:7.2f} and mean absolute error is {:7.2f}.".format(
                epoch, logs["loss"], logs["mean_absolute_error"]
            )
        )


def test_logs_dict_usage(mnist, capsys):
    x_train, y_train, x_test, y_test = mnist
    model = get_model()
    model.fit(
        x_train,
        y_train,
        batch_size=128,
        epochs=2,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback()],
    )
    res = model.evaluate(
        x_test,
        y_test,
        batch_size=128,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback()],
    )
    out = capsys.readouterr().out
    assert out.count("the average loss is") == 2 * 2 + 2  # two train epochs of 2, one test
    assert "The average loss for epoch 1 is" in out
    assert len(res) == 2


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    """Stop training when the loss is at its min, i.e. the loss stops decreasing.

    Arguments:
        patience: Number of epochs to wait after min has been hit. After this
        number of no improvement, training stops.
    """

    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        # best_weights to store the weights at which the minimum loss occurs.
        self.best_weights = None

    def on_train_begin(self, logs=None):
        # The number of epoch it has waited when loss is no longer minimum.
        self.wait = 0
        # The epoch the training stops at.
        self.stopped_epoch = 0
        # Initialize the best as infinity.
        self.best = np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            # Record the best weights if current results is better (less).
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


def test_early_stopping_at_minimum_loss(mnist, capsys):
    x_train, y_train, *_ = mnist
    model = get_model()
    stopper = EarlyStoppingAtMinLoss()
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        steps_per_epoch=2,
        epochs=30,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback(), stopper],
    )
    # RMSprop at 0.1 on random targets overshoots soon: training stops early.
    assert len(history.history["loss"]) < 30
    assert stopper.stopped_epoch > 0
    assert "early stopping" in capsys.readouterr().out
    for restored, best in zip(model.get_weights(), stopper.best_weights):
        np.testing.assert_array_equal(restored, best)


class CustomLearningRateScheduler(keras.callbacks.Callback):
    """Learning rate scheduler which sets the learning rate according to schedule.

    Arguments:
        schedule: a function that takes an epoch index
            (integer, indexed from 0) and current learning rate
            as inputs and returns a new learning rate as output (float).
    """

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule
        self.seen = []

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        # Get the current learning rate from model's optimizer.
        lr = self.model.optimizer.learning_rate
        # Call schedule function to get the scheduled learning rate.
        scheduled_lr = self.schedule(epoch, lr)
        # Set the value back to the optimizer before this epoch starts
        self.model.optimizer.learning_rate = scheduled_lr
        print(f"\nEpoch {epoch}: Learning rate is {float(np.array(scheduled_lr))}.")
        self.seen.append(float(np.array(self.model.optimizer.learning_rate)))


LR_SCHEDULE = [
    # (epoch to start, learning rate) tuples
    (3, 0.05),
    (6, 0.01),
    (9, 0.005),
    (12, 0.001),
]


def lr_schedule(epoch, lr):
    """Helper function to retrieve the scheduled learning rate based on epoch."""
    if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
        return lr
    for i in range(len(LR_SCHEDULE)):
        if epoch == LR_SCHEDULE[i][0]:
            return LR_SCHEDULE[i][1]
    return lr


def test_learning_rate_scheduling(mnist, capsys):
    x_train, y_train, *_ = mnist
    model = get_model()
    scheduler = CustomLearningRateScheduler(lr_schedule)
    model.fit(
        x_train,
        y_train,
        batch_size=64,
        steps_per_epoch=1,
        epochs=15,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback(), scheduler],
    )
    np.testing.assert_allclose(
        scheduler.seen,
        [0.1] * 3 + [0.05] * 3 + [0.01] * 3 + [0.005] * 3 + [0.001] * 3,
        rtol=1e-6,
    )
    assert "Epoch 14: Learning rate is" in capsys.readouterr().out
