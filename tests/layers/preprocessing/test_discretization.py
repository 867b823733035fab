import numpy as np
import pytest

import lamina as keras
from lamina import ops, saving
from lamina.layers.preprocessing import Discretization
from tests.harness import assert_close, check_config_roundtrip

# Keras 3.15.1's adapted boundaries (torch backend) on ``gamma_data()``: one array, or
# batches of 70 rows (summaries merged batch by batch).
KERAS_BINS = {
    (0.01, 4, False): [1.0638405084609985, 1.802422046661377, 2.864795684814453],
    (0.05, 6, True): [
        0.9147034883499146, 1.4230345487594604, 2.006498336791992, 2.6019413471221924,
        3.4946422576904297,
    ],
    (0.2, 3, True): [1.623428463935852, 2.739293098449707],
}  # fmt: skip


def gamma_data():
    return np.random.default_rng(3).gamma(2.0, size=(300, 2)).astype("float32")


def one_hot(indices, depth):
    return (indices[..., None] == np.arange(depth)).astype(np.float64)


@pytest.mark.parametrize(("epsilon", "num_bins", "batched"), list(KERAS_BINS))
def test_adapted_bins_equal_keras(epsilon, num_bins, batched):
    data = gamma_data()
    layer = Discretization(num_bins=num_bins, epsilon=epsilon)
    layer.adapt([data[i : i + 70] for i in range(0, 300, 70)] if batched else data)
    np.testing.assert_array_equal(
        np.float32(layer.bin_boundaries), np.float32(KERAS_BINS[epsilon, num_bins, batched])
    )


def test_adapted_bins_are_near_the_quantiles(rng):
    data = rng.standard_normal(4000)
    layer = Discretization(num_bins=4, epsilon=0.001)
    layer.adapt(data, batch_size=1000)
    assert_close(layer.bin_boundaries, np.quantile(data, [0.25, 0.5, 0.75]), atol=0.02)


@pytest.mark.parametrize("output_mode", ["int", "one_hot", "multi_hot", "count"])
def test_output_modes_match_numpy(rng, output_mode):
    boundaries = [-1.0, 0.0, 0.5]
    x = rng.standard_normal((3, 4)) * 1.5
    indices = np.digitize(x, boundaries)
    expected = {
        "int": indices,
        "one_hot": one_hot(indices, 4),
        "multi_hot": one_hot(indices, 4).max(axis=1),
        "count": one_hot(indices, 4).sum(axis=1),
    }[output_mode]
    layer = Discretization(bin_boundaries=boundaries, output_mode=output_mode)
    y = layer(x)
    assert_close(y, expected)
    assert ops.dtype(y) == ("int32" if output_mode == "int" else "float32")
    symbolic = layer(keras.Input((4,)))
    assert symbolic.shape[1:] == tuple(y.shape)[1:]
    assert symbolic.dtype == ops.dtype(y)


def test_one_hot_encodes_a_trailing_axis_of_one_in_place(rng):
    layer = Discretization(bin_boundaries=[0.0], output_mode="one_hot")
    x = rng.standard_normal((5, 1))
    assert_close(layer(x), one_hot(np.digitize(x[:, 0], [0.0]), 2))
    assert layer(keras.Input((1,))).shape == (None, 2)


def test_config_roundtrip_keeps_adapted_boundaries(rng):
    layer = Discretization(num_bins=3, epsilon=0.1, name="bins")
    layer.adapt(rng.standard_normal(50))
    config = layer.get_config()
    assert sorted(config) == [
        "bin_boundaries", "dtype", "epsilon", "name", "num_bins", "output_mode", "sparse"
    ]  # fmt: skip
    clone = check_config_roundtrip(layer)
    assert clone.bin_boundaries == layer.bin_boundaries


def test_adapted_layer_round_trips_through_a_keras_file(tmp_path, rng):
    layer = Discretization(num_bins=4, output_mode="count")
    layer.adapt(rng.standard_normal((40, 3)))
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layer(inputs))
    model.save(tmp_path / "bins.keras")
    loaded = saving.load_model(tmp_path / "bins.keras")
    x = rng.standard_normal((5, 3)).astype("float32")
    assert_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "either `num_bins` or `bin_boundaries`"),
        ({"num_bins": 2, "bin_boundaries": [0.0]}, ValueError, "Both `num_bins`"),
        ({"num_bins": -1}, ValueError, "num_bins"),
        ({"num_bins": 2.5}, TypeError, "num_bins"),
        ({"num_bins": 2, "output_mode": "binary"}, ValueError, "output_mode"),
        ({"num_bins": 2, "sparse": True}, ValueError, "sparse"),
        ({"num_bins": 2, "epsilon": 0}, ValueError, "epsilon"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        Discretization(**kwargs)


def test_misuse_is_refused(rng):
    with pytest.raises(ValueError, match="bin_boundaries"):
        Discretization(bin_boundaries=[0.0]).adapt(rng.standard_normal(5))
    with pytest.raises(ValueError, match="adapt"):
        Discretization(num_bins=2)(rng.standard_normal(5))
    with pytest.raises(TypeError, match="numeric"):
        Discretization(num_bins=2).adapt(np.array(["a", "b"]))
