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
        getattr(classifier(), method)(np.array(["a", "b", "c", "d"]), y, verbose=0)


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
