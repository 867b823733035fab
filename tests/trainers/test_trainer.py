import numpy as np
import pytest

import lamina as keras
from lamina import backend, layers

# The NumPy engine runs inference only: tests that need a fit skip it (or only that part).
CAN_TRAIN = getattr(backend.engine.core, "SUPPORTS_TRAINING", True)


def classifier():
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="relu"),
                              layers.Dense(3, activation="softmax")])  # fmt: skip
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def blobs(rng, n=240):
    centers = rng.standard_normal((3, 6)) * 3
    labels = rng.integers(0, 3, size=n)
    x = (centers[labels] + rng.standard_normal((n, 6))).astype("float32")
    return x, labels


@pytest.mark.training
def test_fit_returns_history_and_loss_falls(rng):
    x, y = blobs(rng)
    history = classifier().fit(x, y, epochs=8, batch_size=16, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == list(range(8))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.8


def test_evaluate_and_predict_shapes(rng):
    x, y = blobs(rng)
    model = classifier()
    if CAN_TRAIN:
        model.fit(x, y, epochs=2, verbose=0)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float)
    assert 0.0 <= accuracy <= 1.0
    assert model.evaluate(x, y, verbose=0, return_dict=True).keys() == {"loss", "accuracy"}
    assert model.predict(x, batch_size=50, verbose=0).shape == (240, 3)


def test_evaluate_matches_a_numpy_computation(rng):
    x, y = blobs(rng, n=50)
    model = classifier()
    probabilities = model.predict(x, verbose=0).astype(np.float64)
    expected_loss = -np.mean(np.log(np.clip(probabilities[np.arange(50), y], 1e-7, 1)))
    expected_accuracy = np.mean(np.argmax(probabilities, -1) == y)
    loss, accuracy = model.evaluate(x, y, batch_size=7, verbose=0)
    assert loss == pytest.approx(expected_loss, rel=1e-4)
    assert accuracy == pytest.approx(expected_accuracy)


def test_on_batch_methods(rng):
    x, y = blobs(rng, n=32)
    model = classifier()
    if CAN_TRAIN:
        loss, accuracy = model.train_on_batch(x, y)
        assert isinstance(loss, float)
    else:
        with pytest.raises(RuntimeError, match="cannot train.*LAMINA_BACKEND=torch"):
            model.train_on_batch(x, y)
    loss, accuracy = model.test_on_batch(x, y)
    assert isinstance(loss, float)
    assert 0.0 <= accuracy <= 1.0
    assert model.test_on_batch(x, y, return_dict=True).keys() == {"loss", "accuracy"}
    assert model.predict_on_batch(x).shape == (32, 3)


def test_sample_weight_and_class_weight_change_the_loss(rng):
    x, y = blobs(rng, n=64)
    model = classifier()
    plain = model.evaluate(x, y, verbose=0)[0]
    weights = np.where(y == 0, 3.0, 0.0).astype("float32")
    weighted = model.evaluate(x, y, sample_weight=weights, verbose=0)[0]
    assert weighted != pytest.approx(plain)
    if CAN_TRAIN:
        history = model.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])


def batch_sources(x, y):
    """The same 4 batches of 16 as a PyDataset and as an endless generator."""

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 16 : (index + 1) * 16], y[index * 16 : (index + 1) * 16]

    def generator():
        while True:
            for index in range(4):
                yield x[index * 16 : (index + 1) * 16], y[index * 16 : (index + 1) * 16]

    return Batches(), generator()


def test_generator_and_pydataset_inputs_to_evaluate_and_predict(rng):
    x, y = blobs(rng, n=64)
    model = classifier()
    expected = model.evaluate(x, y, batch_size=16, verbose=0)
    dataset, generator = batch_sources(x, y)
    np.testing.assert_allclose(model.evaluate(dataset, verbose=0), expected, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(generator, steps=4, verbose=0), expected, rtol=1e-5)
    dataset, generator = batch_sources(x, y)
    np.testing.assert_allclose(
        model.predict(dataset, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )
    assert model.predict(generator, steps=2, verbose=0).shape == (32, 3)


@pytest.mark.training
def test_generator_and_pydataset_inputs(rng):
    x, y = blobs(rng, n=64)
    dataset, generator = batch_sources(x, y)
    model = classifier()
    assert len(model.fit(dataset, epochs=2, verbose=0).history["loss"]) == 2
    assert len(model.fit(generator, steps_per_epoch=4, epochs=2, verbose=0).history["loss"]) == 2


@pytest.mark.training
def test_early_stopping_and_lambda_callback(rng):
    x, y = blobs(rng)
    seen = []
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0),
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch)),
    ]
    history = classifier().fit(x, y, epochs=10, verbose=0, callbacks=callbacks)
    assert len(history.history["loss"]) == 2
    assert seen == [0, 1]


# Data checks run the same way before fit and evaluate; fit only where the engine trains.
FIT_AND_EVALUATE = [pytest.param("fit", marks=pytest.mark.training), "evaluate"]


@pytest.mark.parametrize("method", FIT_AND_EVALUATE)
def test_x_and_y_of_different_lengths(rng, method):
    x, y = blobs(rng)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        getattr(classifier(), method)(x, y[:-5], verbose=0)


@pytest.mark.parametrize("method", FIT_AND_EVALUATE)
def test_non_numeric_array_is_rejected(rng, method):
    x, y = blobs(rng, n=4)
    with pytest.raises(TypeError, match="Expected numeric data"):
        getattr(classifier(), method)(np.array([{}, {}, {}, {}]), y, verbose=0)
    # Text reaches the model (for its string layers); a numeric first layer refuses it.
    with pytest.raises(TypeError, match="received a string array"):
        getattr(classifier(), method)(np.array([["a"] * 6] * 4), y, verbose=0)


@pytest.mark.parametrize(
    ("argument", "value", "match"),
    [
        ("loss", "categorical_crossentropyy", "categorical_crossentropy"),
        ("metrics", ["acuracy"], "accuracy"),
        ("optimizer", "adma", "adam"),
    ],
)
def test_unknown_names_suggest_close_valid_names(argument, value, match):
    model = keras.Sequential([layers.Dense(1)])
    kwargs = {"optimizer": "sgd", "loss": "mse", argument: value}
    with pytest.raises(ValueError, match=match):
        model.compile(**kwargs)
    assert not model.compiled


def test_unknown_activation_suggests_close_names():
    with pytest.raises(ValueError, match="relu"):
        layers.Dense(2, activation="rleu")


def test_fit_before_compile_is_a_clear_error(rng):
    x, y = blobs(rng, n=8)
    with pytest.raises(ValueError, match="compile"):
        keras.Sequential([layers.Dense(1)]).fit(x, y, verbose=0)


@pytest.mark.parametrize("method", FIT_AND_EVALUATE)
def test_progress_bar_prints_keras_style(rng, capsys, method):
    x, y = blobs(rng, n=64)
    kwargs = {"epochs": 1} if method == "fit" else {}
    getattr(classifier(), method)(x, y, batch_size=32, verbose=1, **kwargs)
    out = capsys.readouterr().out
    assert "2/2" in out
    assert "accuracy:" in out
    assert "loss:" in out


# ---- Keras parity (issue 13) ----------------------------------------------------------------


def linear_model(optimizer, loss="mse", **compile_kwargs):
    """Dense(4 -> 2) with fixed, seeded weights: updates can be computed in NumPy."""
    rng = np.random.default_rng(7)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
    kernel = rng.standard_normal((4, 2)).astype("float32")
    bias = rng.standard_normal(2).astype("float32")
    model.set_weights([kernel, bias])
    model.compile(optimizer=optimizer, loss=loss, **compile_kwargs)
    return model, kernel.astype(np.float64), bias.astype(np.float64)


def mse_sgd_reference(kernel, bias, x, y, learning_rate):
    """One SGD step on mean((x @ kernel + bias - y) ** 2), in float64."""
    x, y = x.astype(np.float64), y.astype(np.float64)
    error = x @ kernel + bias - y
    scale = 2.0 / error.size
    loss = np.mean(error**2)
    kernel = kernel - learning_rate * scale * x.T @ error
    bias = bias - learning_rate * scale * error.sum(0)
    return loss, kernel, bias


@pytest.mark.training
def test_loss_scale_factor_scales_the_loss_so_the_update_is_unchanged(rng):
    # Keras: the step multiplies the loss by the factor, the optimizer divides the gradients.
    x = rng.standard_normal((8, 4)).astype("float32")
    y = rng.standard_normal((8, 2)).astype("float32")
    optimizer = keras.optimizers.SGD(learning_rate=0.1, loss_scale_factor=100.0)
    model, kernel, bias = linear_model(optimizer)
    loss = model.train_on_batch(x, y)
    expected_loss, expected_kernel, expected_bias = mse_sgd_reference(kernel, bias, x, y, 0.1)
    assert loss == pytest.approx(expected_loss, rel=1e-5)  # logged unscaled
    new_kernel, new_bias = model.get_weights()
    np.testing.assert_allclose(new_kernel, expected_kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(new_bias, expected_bias, rtol=1e-5, atol=1e-6)


@pytest.mark.training
def test_fit_copies_the_moving_averages_into_the_weights_at_the_end(rng):
    x = rng.standard_normal((16, 4)).astype("float32")
    y = rng.standard_normal((16, 2)).astype("float32")
    optimizer = keras.optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5)
    model, kernel, bias = linear_model(optimizer)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    # The NumPy reference: two SGD steps, the average copies the first and then mixes.
    _, kernel, bias = mse_sgd_reference(kernel, bias, x[:8], y[:8], 0.1)
    averages = [kernel, bias]
    _, kernel, bias = mse_sgd_reference(kernel, bias, x[8:], y[8:], 0.1)
    averages = [0.5 * a + 0.5 * w for a, w in zip(averages, [kernel, bias])]
    for actual, expected in zip(model.get_weights(), averages):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


def hook_recorder(events):
    hooks = {}
    for hook in ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
                 "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
                 "on_test_batch_begin", "on_test_batch_end"):  # fmt: skip
        if hook.endswith("batch_begin") or hook.endswith("batch_end") or "epoch" in hook:
            hooks[hook] = lambda index, logs, hook=hook: events.append((hook, sorted(logs)))
        else:
            hooks[hook] = lambda logs, hook=hook: events.append((hook, sorted(logs)))
    return keras.callbacks.LambdaCallback(**hooks)


@pytest.mark.training
def test_fit_validation_fires_the_test_hooks_as_keras(rng):
    x = rng.standard_normal((16, 4)).astype("float32")
    y = rng.standard_normal((16, 2)).astype("float32")
    model, _, _ = linear_model("sgd")
    events = []
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, validation_data=(x[:12], y[:12]),
              callbacks=[hook_recorder(events)])  # fmt: skip
    # Keras 3.15's order (run on its torch backend).
    train_batch = [("on_train_batch_begin", []), ("on_train_batch_end", ["loss"])]
    test_batch = [("on_test_batch_begin", []), ("on_test_batch_end", ["loss"])]
    assert events == [
        ("on_train_begin", []),
        ("on_epoch_begin", []),
        *train_batch * 2,
        ("on_test_begin", []),
        *test_batch * 2,
        ("on_test_end", ["loss"]),
        ("on_epoch_end", ["loss", "val_loss"]),
        ("on_train_end", ["loss", "val_loss"]),
    ]


def test_auto_scale_loss_wraps_the_optimizer_only_under_mixed_float16():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)], dtype="mixed_float16")
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(model.optimizer.inner_optimizer, keras.optimizers.SGD)
    model.compile(optimizer="sgd", loss="mse", auto_scale_loss=False)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)], dtype="mixed_bfloat16")
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.optimizer, keras.optimizers.SGD)


def test_evaluate_refuses_unknown_arguments(rng):
    x = rng.standard_normal((8, 4)).astype("float32")
    model, _, _ = linear_model("sgd")
    with pytest.raises(ValueError, match="not recognized.*batchsize"):
        model.evaluate(x, x[:, :2], batchsize=4, verbose=0)


def two_output_model(loss_weights):
    inputs = keras.Input(shape=(4,))
    first = layers.Dense(2, name="first")(inputs)
    second = layers.Dense(1, name="second")(inputs)
    model = keras.Model(inputs, {"first": first, "second": second})
    model.compile(optimizer="sgd", loss="mse", loss_weights=loss_weights)
    return model


def test_per_output_losses_are_logged_unweighted(rng):
    x = rng.standard_normal((10, 4)).astype("float32")
    y = {"first": rng.standard_normal((10, 2)).astype("float32"),
         "second": rng.standard_normal((10, 1)).astype("float32")}  # fmt: skip
    model = two_output_model({"first": 0.2, "second": 1.0})
    predictions = model.predict(x, verbose=0)
    first = np.mean((predictions["first"].astype(np.float64) - y["first"]) ** 2)
    second = np.mean((predictions["second"].astype(np.float64) - y["second"]) ** 2)
    logs = model.evaluate(x, y, batch_size=10, verbose=0, return_dict=True)
    assert logs["first_loss"] == pytest.approx(first, rel=1e-5)  # Keras: unweighted
    assert logs["second_loss"] == pytest.approx(second, rel=1e-5)
    assert logs["loss"] == pytest.approx(0.2 * first + second, rel=1e-5)


def test_on_batch_methods_reset_the_metrics_on_each_call(rng):
    x = rng.standard_normal((16, 6)).astype("float32")
    y = rng.integers(0, 3, size=16)
    model = classifier()
    before = model.get_weights()
    alone = model.evaluate(x[8:], y[8:], batch_size=8, verbose=0, return_dict=True)
    # Each call's logs are its own batch's (Keras resets the metrics), not a running mean.
    model.test_on_batch(x[:8], y[:8])
    assert model.test_on_batch(x[8:], y[8:], return_dict=True) == pytest.approx(alone, rel=1e-5)
    if CAN_TRAIN:
        model.train_on_batch(x[:8], y[:8])
        model.set_weights(before)
        logs = model.train_on_batch(x[8:], y[8:], return_dict=True)
        assert logs == pytest.approx(alone, rel=1e-5)


def test_callbacks_can_stop_evaluate_and_predict(rng):
    x = rng.standard_normal((32, 4)).astype("float32")
    model, _, _ = linear_model("sgd")
    batches = []

    def stop_after_two(kind):
        def hook(batch, logs):
            batches.append((kind, batch))
            if batch == 1:
                setattr(model, f"stop_{kind}", True)

        return hook

    callback = keras.callbacks.LambdaCallback(
        on_test_batch_end=stop_after_two("evaluating"),
        on_predict_batch_end=stop_after_two("predicting"),
    )
    two_batches = model.evaluate(x[:16], x[:16, :2], batch_size=8, verbose=0, return_dict=True)
    stopped = model.evaluate(x, x[:, :2], batch_size=8, verbose=0, callbacks=[callback],
                             return_dict=True)  # fmt: skip
    assert stopped == pytest.approx(two_batches, rel=1e-6)
    assert model.predict(x, batch_size=8, verbose=0, callbacks=[callback]).shape == (16, 2)
    assert batches == [("evaluating", 0), ("evaluating", 1), ("predicting", 0), ("predicting", 1)]
    # Each run starts afresh.
    assert model.predict(x, batch_size=8, verbose=0).shape == (32, 2)
