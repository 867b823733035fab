"""Every ``fit`` option, checked against what Keras 3 does with it.

Most tests use a tiny model whose first input column is the sample's index, and a model
subclass that records those indices batch by batch: the batch order, the batch sizes and
the validation samples are then read directly instead of guessed from the loss.
"""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops

pytestmark = pytest.mark.training


class Recorder(keras.Sequential):
    """Records the sample indices (input column 0) each train / test step receives."""

    def train_step(self, data):
        self.record("train", data)
        return super().train_step(data)

    def test_step(self, data):
        self.record("test", data)
        return super().test_step(data)

    def record(self, kind, data):
        ids = ops.convert_to_numpy(data[0])[:, 0].round().astype(int).tolist()
        self.__dict__.setdefault("seen", {"train": [], "test": []})[kind].append(ids)


def recorder(optimizer="sgd"):
    model = Recorder([keras.Input(shape=(2,)), layers.Dense(1)])
    # Eager: the step reads its batch on the host, which a compiled (jitted) step cannot.
    model.compile(optimizer=optimizer, loss="mse", run_eagerly=True)
    return model


def indexed(n):
    """x = [index, noise], y = a linear function of the noise."""
    noise = np.random.default_rng(0).standard_normal(n).astype("float32")
    x = np.stack([np.arange(n, dtype="float32"), noise], axis=1)
    return x, (2 * noise + 1).reshape(-1, 1)


def regression(rng, n=64):
    x = rng.standard_normal((n, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3
    return x, y


def dense(units=1, inputs=3, loss="mse", optimizer="adam", **compile_kwargs):
    model = keras.Sequential([keras.Input(shape=(inputs,)), layers.Dense(units)])
    model.compile(optimizer=optimizer, loss=loss, **compile_kwargs)
    return model


class Spy(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.train_params = dict(self.params)

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("epoch", epoch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("batch", batch, sorted(logs)))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch, sorted(logs)))


# ---- batching and epochs ------------------------------------------------------------------


def test_batch_size_defaults_to_32():
    model = recorder()
    spy = Spy()
    model.fit(*indexed(100), shuffle=False, verbose=0, callbacks=[spy])
    assert [len(batch) for batch in model.seen["train"]] == [32, 32, 32, 4]
    assert spy.train_params == {"verbose": 0, "epochs": 1, "steps": 4}


def test_initial_epoch_numbers_the_epochs_it_runs(rng):
    spy = Spy()
    history = dense().fit(*regression(rng), epochs=5, initial_epoch=2, verbose=0, callbacks=[spy])
    assert history.epoch == [2, 3, 4]
    assert len(history.history["loss"]) == 3
    assert [event[1] for event in spy.events if event[0] == "epoch"] == [2, 3, 4]


@pytest.mark.parametrize(
    ("batch_size", "expected"),
    [
        # Keras: with arrays, the stream continues across epochs; it restarts after a pass.
        (8, [[0, 8], [16, 24], [0, 8], [16, 24]]),
        # Without batch_size the batch size is ceil(samples / steps_per_epoch).
        (None, [[0, 16], [0, 16], [0, 16], [0, 16]]),
    ],
)
def test_steps_per_epoch_with_arrays(batch_size, expected):
    model = recorder()
    history = model.fit(
        *indexed(32), batch_size=batch_size, steps_per_epoch=2, epochs=4, shuffle=False, verbose=0
    )
    firsts = [batch[0] for batch in model.seen["train"]]
    assert [firsts[i : i + 2] for i in range(0, 8, 2)] == expected
    assert len(history.history["loss"]) == 4


def test_steps_per_epoch_past_the_data_warns_as_keras():
    model = recorder()
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(*indexed(16), batch_size=8, steps_per_epoch=3, shuffle=False, verbose=0)
    assert len(model.seen["train"]) == 2


def test_steps_per_epoch_with_an_infinite_generator(rng):
    x, y = regression(rng)

    def forever():
        while True:
            for start in range(0, 64, 16):
                yield x[start : start + 16], y[start : start + 16]

    spy = Spy()
    model = dense(optimizer=keras.optimizers.Adam(0.05))
    history = model.fit(forever(), steps_per_epoch=3, epochs=6, verbose=0, callbacks=[spy])
    assert spy.train_params["steps"] == 3
    assert sum(event[0] == "batch" for event in spy.events) == 18
    assert history.history["loss"][-1] < history.history["loss"][0]


# ---- validation ---------------------------------------------------------------------------


def test_validation_split_is_the_last_fraction_and_not_shuffled():
    model = recorder()
    model.fit(*indexed(40), validation_split=0.25, batch_size=8, epochs=2, verbose=0)
    train_ids = sorted(i for batch in model.seen["train"] for i in batch)
    assert train_ids == sorted(list(range(30)) * 2)
    assert model.seen["test"] == [[30, 31, 32, 33, 34, 35, 36, 37], [38, 39]] * 2


@pytest.mark.parametrize("with_weights", [False, True])
def test_validation_data_tuples(rng, with_weights):
    x, y = regression(rng)
    val_x, val_y = regression(rng, n=20)
    weights = np.where(np.arange(20) < 10, 1.0, 0.0).astype("float32")
    validation = (val_x, val_y, weights) if with_weights else (val_x, val_y)
    model = dense(metrics=["mae"])
    history = model.fit(x, y, validation_data=validation, epochs=1, verbose=0)
    expected = model.evaluate(*validation[:2], sample_weight=validation[2:] or None, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(expected[0], rel=1e-5)
    assert history.history["val_mae"][0] == pytest.approx(expected[1], rel=1e-5)
    if with_weights:  # the weights matter: the unweighted loss differs
        assert expected[0] != pytest.approx(model.evaluate(val_x, val_y, verbose=0)[0])


def test_validation_batch_size_and_validation_steps():
    model = recorder()
    data = indexed(40)
    model.fit(*data, validation_data=data, batch_size=40, validation_batch_size=10, verbose=0)
    assert [len(batch) for batch in model.seen["test"]] == [10] * 4
    model.seen["test"].clear()
    model.fit(
        *data,
        validation_data=data,
        validation_batch_size=10,
        validation_steps=2,
        epochs=2,
        verbose=0,
    )
    # As Keras: the validation stream goes on where the previous epoch's validation stopped.
    assert [batch[0] for batch in model.seen["test"]] == [0, 10, 20, 30]


@pytest.mark.parametrize(("freq", "validated"), [(2, [1, 3]), ([1, 4], [0, 3])])
def test_validation_freq(rng, freq, validated):
    x, y = regression(rng, n=16)
    spy = Spy()
    history = dense().fit(
        x, y, validation_data=(x, y), validation_freq=freq, epochs=4, verbose=0, callbacks=[spy]
    )
    ends = [event for event in spy.events if event[0] == "epoch_end"]
    assert [epoch for _, epoch, keys in ends if "val_loss" in keys] == validated
    assert len(history.history["val_loss"]) == 2


# ---- shuffling ----------------------------------------------------------------------------


def test_shuffle_false_keeps_the_order():
    model = recorder()
    model.fit(*indexed(20), batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert model.seen["train"] == [list(range(8)), list(range(8, 16)), list(range(16, 20))] * 2


def test_shuffle_true_permutes_every_epoch():
    model = recorder()
    model.fit(*indexed(20), batch_size=8, epochs=2, shuffle=True, verbose=0)
    first, second = (sum(model.seen["train"][i : i + 3], []) for i in (0, 3))
    assert sorted(first) == sorted(second) == list(range(20))
    assert first != list(range(20))
    assert first != second


def test_shuffle_batch_shuffles_within_each_batch():
    # Keras 3: batches keep their place; the samples inside each one are shuffled.
    model = recorder()
    model.fit(*indexed(20), batch_size=8, epochs=3, shuffle="batch", verbose=0)
    blocks = [set(range(0, 8)), set(range(8, 16)), set(range(16, 20))] * 3
    assert [set(batch) for batch in model.seen["train"]] == blocks
    assert any(batch != sorted(batch) for batch in model.seen["train"])


# ---- weights ------------------------------------------------------------------------------


@pytest.mark.parametrize("one_hot", [False, True])
def test_class_weight_with_sparse_and_one_hot_targets(rng, one_hot):
    x = rng.standard_normal((30, 3)).astype("float32")
    labels = np.arange(30) % 3
    y = np.eye(3, dtype="float32")[labels] if one_hot else labels
    loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    model = dense(units=3, loss=loss, optimizer="sgd")
    # Keras: a class missing from class_weight gets weight 1.
    class_weight = {0: 2.0, 2: 0.0}
    weighted = model.evaluate(x, y, sample_weight=np.array([2.0, 1.0, 0.0] * 10), verbose=0)
    initial = model.get_weights()
    via_class = model.train_on_batch(x, y, class_weight=class_weight)
    after_class = model.get_weights()
    model.set_weights(initial)
    sample_weight = np.array([2.0, 1.0, 0.0] * 10, dtype="float32")
    via_sample = model.train_on_batch(x, y, sample_weight=sample_weight)
    assert via_class == pytest.approx(via_sample) == pytest.approx(weighted)
    for a, b in zip(after_class, model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    history = model.fit(x, y, class_weight=class_weight, batch_size=30, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_sample_weight_zero_ignores_samples(rng):
    x, y = regression(rng, n=32)
    noisy = y.copy()
    noisy[16:] += 100.0
    weights = np.r_[np.ones(16), np.zeros(16)].astype("float32")
    model = dense(optimizer=keras.optimizers.Adam(0.05))
    history = model.fit(x, noisy, sample_weight=weights, epochs=60, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert model.evaluate(x[:16], y[:16], verbose=0) < 0.1


# ---- structured inputs and outputs --------------------------------------------------------


def two_inputs():
    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(1,), name="b")
    merged = layers.Concatenate()([a, b])
    return a, b, merged


def test_dict_inputs_for_named_functional_inputs(rng):
    a, b, merged = two_inputs()
    model = keras.Model({"a": a, "b": b}, layers.Dense(1)(merged))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    xa, xb = rng.standard_normal((64, 2)), rng.standard_normal((64, 1))
    y = xa[:, :1] - 2 * xb
    history = model.fit({"a": xa, "b": xb}, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.predict({"b": xb, "a": xa}, verbose=0).shape == (64, 1)


def two_outputs():
    inputs = keras.Input(shape=(3,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    outputs = [layers.Dense(1, name="reg")(hidden), layers.Dense(2, name="cls")(hidden)]
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("as_dict", [False, True])
def test_list_and_dict_targets_for_two_outputs(rng, as_dict):
    x, reg = regression(rng)
    cls = (reg[:, 0] > 0).astype("int64")
    model = two_outputs()
    loss = {"reg": "mse", "cls": "sparse_categorical_crossentropy"}
    model.compile(optimizer="adam", loss=loss if as_dict else list(loss.values()))
    y = {"cls": cls, "reg": reg} if as_dict else [reg, cls]
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "reg_loss", "cls_loss"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    total = np.add(history.history["reg_loss"], history.history["cls_loss"])
    np.testing.assert_allclose(history.history["loss"], total, rtol=1e-4)


# ---- data sources -------------------------------------------------------------------------


def test_torch_dataloader(rng):
    torch = pytest.importorskip("torch")
    x, y = regression(rng)
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=True)
    model = dense(optimizer=keras.optimizers.Adam(0.05))
    spy = Spy()
    history = model.fit(loader, epochs=10, verbose=0, callbacks=[spy])
    assert spy.train_params["steps"] == 4
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    assert model.evaluate(loader, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    assert model.predict(loader, verbose=0).shape == (64, 1)


def test_pydataset_calls_on_epoch_end(rng):
    x, y = regression(rng)

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.ended = 0

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 16 : (index + 1) * 16], y[index * 16 : (index + 1) * 16]

        def on_epoch_end(self):
            self.ended += 1

    data = Batches()
    history = dense(optimizer=keras.optimizers.Adam(0.05)).fit(data, epochs=5, verbose=0)
    assert data.ended == 5
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_a_python_generator_runs_one_pass_without_steps(rng):
    x, y = regression(rng)
    batches = ((x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16))
    spy = Spy()
    dense().fit(batches, verbose=0, callbacks=[spy])
    assert spy.train_params["steps"] is None
    assert sum(event[0] == "batch" for event in spy.events) == 4


def test_float64_arrays_are_cast_to_float32(rng):
    x, y = regression(rng)
    model = dense()
    history = model.fit(x.astype("float64"), y.astype("float64"), verbose=0)
    prediction = model.predict(x.astype("float64"), verbose=0)
    assert prediction.dtype == np.float32
    assert all(weight.dtype == np.float32 for weight in model.get_weights())
    assert np.isfinite(history.history["loss"]).all()
    loss = model.evaluate(x.astype("float64"), y.astype("float64"), verbose=0)
    expected = np.mean((prediction.astype(np.float64) - y) ** 2)
    np.testing.assert_allclose(loss, expected, rtol=1e-4)


def test_uint8_images_into_conv2d(rng):
    images = rng.integers(0, 256, size=(24, 8, 8, 1), dtype=np.uint8)
    labels = (images.mean(axis=(1, 2, 3)) > 127).astype("int64")
    model = keras.Sequential(
        [
            keras.Input(shape=(8, 8, 1)),
            layers.Rescaling(1 / 255),
            layers.Conv2D(4, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(images, labels, batch_size=8, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "acc"}
    assert model.predict(images, verbose=0).shape == (24, 2)


@pytest.mark.parametrize("freq", [0, -1, 2.0, "2", [1.5], None])
def test_a_bad_validation_freq_fails_before_training(rng, freq):
    x, y = regression(rng, n=16)
    model = dense()
    with pytest.raises(ValueError, match=r"validation_freq.*received"):
        model.fit(x, y, validation_data=(x, y), validation_freq=freq, epochs=2, verbose=0)
    assert int(model.optimizer.iterations.numpy()) == 0  # Keras would train an epoch first
