"""Every input kind trains to the weights that the same batches as NumPy arrays give
(``shuffle=False``): pandas, nested dicts by input name, torch loaders and iterable
datasets, tf.data and grain (when installed)."""

import numpy as np
import pytest

import lamina as keras
from lamina import backend
from lamina.trainers.data_adapters.adapter import from_pandas, get_data_adapter, to_device

BATCH = 8


def data(n=32):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, (x @ np.array([[0.5], [-1.0], [2.0]], "float32") - 0.2).astype("float32")


def batches(x, y):
    return [(x[i : i + BATCH], y[i : i + BATCH]) for i in range(0, len(x), BATCH)]


def assert_same_training(model, make_input, x, y, **fit_kwargs):
    """fit on ``make_input()`` ends at the weights fit on the arrays ends at."""
    initial = model.get_weights()
    model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, **fit_kwargs)
    expected = model.get_weights()
    model.set_weights(initial)
    model.fit(make_input(), epochs=2, shuffle=False, verbose=0, **fit_kwargs)
    for actual, reference in zip(model.get_weights(), expected):
        np.testing.assert_allclose(actual, reference, rtol=1e-6, atol=1e-7)


def dense_model():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


# ---- pandas -------------------------------------------------------------------------------


@pytest.mark.training
def test_pandas_dataframe_and_series_train_as_their_arrays():
    pd = pytest.importorskip("pandas")
    x, y = data()
    frame = pd.DataFrame(x.astype("float64"), columns=["a", "b", "c"])
    series = pd.Series(y[:, 0])
    model = dense_model()
    initial = model.get_weights()
    model.fit(x, y[:, 0], batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    expected = model.get_weights()
    model.set_weights(initial)
    model.fit(frame, series, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    for actual, reference in zip(model.get_weights(), expected):
        np.testing.assert_allclose(actual, reference, rtol=1e-6, atol=1e-7)


def test_pandas_predict_and_validation_split():
    pd = pytest.importorskip("pandas")
    x, _ = data()
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    model = dense_model()
    np.testing.assert_allclose(
        model.predict(frame, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )
    assert from_pandas(frame).shape == (32, 3)
    assert from_pandas(x) is x


# ---- dicts --------------------------------------------------------------------------------


def nested_dict_model():
    a = keras.Input(shape=(2,), name="a")
    b = keras.Input(shape=(1,), name="b")
    outputs = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    model = keras.Model({"group": {"a": a}, "b": b}, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


@pytest.mark.training
def test_nested_dict_inputs_are_matched_by_name():
    x, y = data()
    model = nested_dict_model()
    initial = model.get_weights()
    # The flat model input order is ["b", "group/a"] (sorted keys): the same arrays as a
    # list train the same weights as the nested dict, given in any key order.
    inputs = {"b": x[:, 2:], "group": {"a": x[:, :2], "unused": x}}
    model.fit(inputs, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    expected = model.get_weights()
    model.set_weights(initial)

    def generator():  # one stream for both epochs, as Keras reads a generator
        for i in list(range(0, len(x), BATCH)) * 2:
            yield (
                {"group": {"a": x[i : i + BATCH, :2]}, "b": x[i : i + BATCH, 2:]},
                y[i : i + BATCH],
            )

    model.fit(generator(), epochs=2, verbose=0, steps_per_epoch=len(x) // BATCH)
    for actual, reference in zip(model.get_weights(), expected):
        np.testing.assert_allclose(actual, reference, rtol=1e-6, atol=1e-7)


def test_a_missing_nested_input_is_named():
    x, _ = data()
    model = nested_dict_model()
    with pytest.raises(ValueError, match=r"missing inputs \['a'\]"):
        model.predict({"b": x[:, 2:], "group": {"c": x[:, :2]}}, verbose=0)


# ---- torch --------------------------------------------------------------------------------


@pytest.mark.training
@pytest.mark.engine("torch")
def test_torch_iterable_dataset_and_dataloader():
    import torch

    x, y = data()

    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            for bx, by in batches(x, y):
                yield torch.from_numpy(bx), torch.from_numpy(by)

    model = dense_model()
    assert get_data_adapter(Stream()).num_batches is None
    assert_same_training(model, Stream, x, y)
    tensors = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    assert_same_training(
        model, lambda: torch.utils.data.DataLoader(tensors, batch_size=BATCH), x, y
    )


def test_to_device_keeps_text_on_the_host_and_makes_engine_tensors():
    x, _ = data()
    text = np.array(["a", "b"])
    assert to_device(text) is text
    assert to_device(None) is None
    tensor = to_device(x)
    assert backend.is_tensor(tensor)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(tensor), x)


@pytest.mark.engine("torch", "numpy")
def test_to_device_on_the_cpu_shares_the_batch_memory():
    if backend.backend() == "torch":
        import torch

        if torch.cuda.is_available():
            pytest.skip("on CUDA a batch is copied to the device (pinned, non-blocking)")
    x, _ = data()
    tensor = to_device(x)
    x[0, 0] = 123.0
    assert float(keras.ops.convert_to_numpy(tensor)[0, 0]) == 123.0  # no copy was made


# ---- tf.data and grain (optional) ---------------------------------------------------------


@pytest.mark.training
def test_grain_datasets_train_as_arrays():
    grain = pytest.importorskip("grain", reason="grain is not installed")
    x, y = data()
    dataset = grain.MapDataset.source(batches(x, y))
    model = dense_model()
    assert get_data_adapter(dataset).num_batches is None
    assert_same_training(model, lambda: dataset, x, y)


def test_unrecognized_data_names_the_accepted_kinds():
    with pytest.raises(ValueError, match="pandas DataFrame.*tf.data.Dataset.*grain"):
        get_data_adapter(object())
