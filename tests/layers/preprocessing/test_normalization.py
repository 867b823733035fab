import numpy as np
import pytest

import lamina as keras
from lamina import ops, saving
from lamina.layers.preprocessing import Normalization
from tests.harness import assert_close, check_config_roundtrip

EPSILON = 1e-7  # Keras's backend.epsilon(): the floor of sqrt(variance)


def reference(x, mean, variance, invert=False):
    scale = np.maximum(np.sqrt(variance), EPSILON)
    return mean + x * scale if invert else (x - mean) / scale


def adapt_data(rng, shape=(30, 4, 3)):
    return (rng.standard_normal(shape) * 3.0 + 1.5).astype("float32")


@pytest.mark.parametrize(
    ("axis", "reduce"), [(-1, (0, 1)), (None, (0, 1, 2)), ((1, 2), (0,)), (1, (0, 2))]
)
def test_adapt_matches_numpy(rng, axis, reduce):
    data = adapt_data(rng)
    layer = Normalization(axis=axis)
    layer.adapt(data)
    mean = data.astype(np.float64).mean(axis=reduce, keepdims=True)
    variance = data.astype(np.float64).var(axis=reduce, keepdims=True)
    x = adapt_data(rng, (2, 4, 3))
    assert_close(layer(x), reference(x, mean, variance), rtol=1e-5, atol=1e-5)
    assert_close(layer.adapt_mean, np.squeeze(mean, reduce), rtol=1e-6, atol=1e-6)
    assert int(layer.count.numpy()) == int(np.prod([data.shape[a] for a in reduce]))


def test_adapt_from_batches_equals_adapt_from_the_whole_array(rng):
    data = adapt_data(rng, (37, 3))
    whole = Normalization()
    whole.adapt(data)
    pieces = [data[i : i + 8] for i in range(0, 37, 8)]
    expected = whole(data[:4])
    sources = {
        "list": pieces,
        "generator": (batch for batch in pieces),
        "tuples": [(batch, np.zeros(len(batch))) for batch in pieces],
        "tensor": ops.convert_to_tensor(data),
    }
    for name, source in sources.items():
        layer = Normalization()
        layer.adapt(source)
        assert_close(layer(data[:4]), expected, rtol=1e-5, atol=1e-5, err_msg=name)
    batched = Normalization()
    batched.adapt(data, batch_size=5)
    assert_close(batched(data[:4]), expected, rtol=1e-5, atol=1e-5)


def test_adapt_from_a_py_dataset_and_steps(rng):
    data = adapt_data(rng, (40, 3))

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return data[index * 10 : (index + 1) * 10], np.ones(10)

    layer = Normalization()
    layer.adapt(Batches())
    assert_close(layer.adapt_mean, data.astype(np.float64).mean(0), rtol=1e-6, atol=1e-6)
    first_two = Normalization()
    first_two.adapt(Batches(), steps=2)
    assert_close(first_two.adapt_mean, data[:20].astype(np.float64).mean(0), atol=1e-6)


def test_given_mean_and_variance_broadcast_and_invert(rng):
    x = rng.standard_normal((3, 2, 4))
    mean, variance = rng.standard_normal(4), rng.uniform(0.5, 2.0, 4)
    layer = Normalization(mean=mean, variance=variance)
    assert_close(layer(x), reference(x, mean, variance), rtol=1e-5, atol=1e-5)
    inverse = Normalization(mean=mean, variance=variance, invert=True)
    assert_close(inverse(layer(x)), x, rtol=1e-5, atol=1e-5)
    scalar = Normalization(axis=None, mean=3.0, variance=2.0)
    assert_close(scalar(x), (x - 3.0) / np.sqrt(2.0), rtol=1e-5, atol=1e-5)


def test_integer_inputs_become_the_compute_dtype(rng):
    layer = Normalization(mean=2.0, variance=4.0)
    x = rng.integers(0, 9, size=(3, 2))
    y = layer(x)
    assert ops.dtype(y) == "float32"
    assert_close(y, (x - 2.0) / 2.0)


def test_symbolic_shape_equals_eager(rng):
    layer = Normalization(axis=(1, 2))
    layer.adapt(adapt_data(rng))
    symbolic = layer(keras.Input((4, 3)))
    assert symbolic.shape == (None, 4, 3)
    assert tuple(layer(adapt_data(rng, (2, 4, 3))).shape) == (2, 4, 3)


def test_config_roundtrip():
    clone = check_config_roundtrip(Normalization(axis=(1, 2), invert=True, name="norm"))
    assert (clone.axis, clone.invert) == ((1, 2), True)
    config = Normalization(mean=[1.0, 2.0], variance=[3.0, 4.0]).get_config()
    assert (config["mean"], config["variance"], config["axis"]) == ([1.0, 2.0], [3.0, 4.0], (-1,))


def test_adapted_state_round_trips_through_a_keras_file(tmp_path, rng):
    layer = Normalization(name="norm")
    layer.adapt(adapt_data(rng, (20, 3)))
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layer(inputs))
    model.save(tmp_path / "norm.keras")
    loaded = saving.load_model(tmp_path / "norm.keras")
    x = adapt_data(rng, (4, 3))
    assert_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    names = [w.path.split("/")[-1] for w in loaded.layers[-1].weights]
    assert names == ["mean", "variance", "count"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mean": 1.0}, "both `mean` and `variance`"),
        ({"mean": [1.0, 2.0], "variance": [1.0]}, "same shape"),
        ({"mean": [[1.0]], "variance": [[1.0]]}, "rank of `mean`"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Normalization(**kwargs)
    with pytest.raises(TypeError, match="axis"):
        Normalization(axis="last")


def test_bad_adapt_data(rng):
    layer = Normalization()
    layer.adapt(adapt_data(rng, (8, 3)))
    before = layer.get_weights()
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(adapt_data(rng, (8, 4)))
    with pytest.raises(ValueError, match="no batches"):
        layer.adapt([])
    with pytest.raises(TypeError, match="numeric"):
        Normalization().adapt(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match="int"):
        Normalization().adapt(5)
    with pytest.raises(ValueError, match="axis"):
        Normalization(axis=3).adapt(adapt_data(rng, (4, 3)))
    for now, then in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(now, then)


def test_mean_exists_once_built(rng):
    layer = Normalization(mean=1.0, variance=4.0)
    assert layer.mean is None
    layer(rng.standard_normal((2, 2)))
    assert_close(layer.mean, np.ones((1, 2)))  # one per index of the last axis
    assert_close(layer.variance, np.full((1, 2), 4.0))


@pytest.mark.training
def test_adapted_state_stays_fixed_while_a_model_trains(rng):
    x = adapt_data(rng, (32, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    layer = Normalization()
    layer.adapt(x)
    before = [np.array(w) for w in layer.get_weights()]
    model = keras.Sequential([keras.Input((3,)), layer, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    for now, then in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(now, then)
    assert not layer.trainable_weights
