"""utils.FeatureSpace: encodings against NumPy, adapt on every data kind, saving, Keras's
files, and the structured-data training pattern."""

import pathlib

import numpy as np
import pytest

import lamina
from lamina import layers, saving
from lamina.utils import FeatureSpace
from tests.harness import assert_close, check_config_roundtrip, to_numpy

FILES = pathlib.Path(__file__).parent / "keras_files"
COLOURS = np.array(["red"] * 5 + ["blue"] * 3 + ["green"] * 2)  # distinct counts: a fixed order
SIZES = np.array([7] * 4 + [3] * 3 + [9] * 2 + [5])


def table(rng):
    """Ten rows of mixed features; the categorical columns shuffled the same way."""
    order = rng.permutation(10)
    return {
        "plain": rng.standard_normal(10).astype("float32"),
        "scaled": rng.uniform(0, 4, 10).astype("float32"),
        "normed": (rng.standard_normal(10) * 2 + 3).astype("float32"),
        "size": SIZES[order].astype("int32"),
        "colour": COLOURS[order],
        "tag": rng.choice(["u", "v", "w"], 10),
    }


def mixed_space(output_mode="concat"):
    return FeatureSpace(
        features={
            "plain": "float",
            "scaled": FeatureSpace.float_rescaled(scale=0.5, offset=1.0),
            "normed": "float_normalized",
            "size": "integer_categorical",
            "colour": "string_categorical",
            "tag": FeatureSpace.string_hashed(num_bins=3),
        },
        crosses=[("colour", "size")],
        crossing_dim=4,
        output_mode=output_mode,
    )


def one_hot(indices, depth):
    return np.eye(depth)[np.asarray(indices).astype(int).reshape(-1)]


def reference(data, train):
    """Keras's encoding of ``data`` in float64 NumPy, adapted on ``train``; features in
    sorted-name order, then the cross."""
    colour_vocab = ["[UNK]", "red", "blue", "green"]  # by decreasing frequency
    size_vocab = [-1, 7, 3, 9, 5]
    colour = np.array([colour_vocab.index(c) if c in colour_vocab else 0 for c in data["colour"]])
    size = np.array([size_vocab.index(s) if s in size_vocab[1:] else 0 for s in data["size"]])
    normed = np.asarray(train["normed"], np.float64)
    tag_bins = to_numpy(layers.Hashing(num_bins=3)(data["tag"][:, None])).reshape(-1)
    crossed = to_numpy(layers.HashedCrossing(4)((colour[:, None], size[:, None]))).reshape(-1)
    columns = {
        "colour": one_hot(colour, 4),
        "normed": ((data["normed"] - normed.mean()) / normed.std())[:, None],
        "plain": np.asarray(data["plain"], np.float64)[:, None],
        "scaled": (data["scaled"] * 0.5 + 1.0)[:, None],
        "size": one_hot(size, 5),
        "tag": one_hot(tag_bins, 3),
        "colour_X_size": one_hot(crossed, 4),
    }
    return columns


def test_concat_matches_numpy_reference(rng):
    data = table(rng)
    space = mixed_space()
    space.adapt(data)
    probe = {name: values[:6] for name, values in table(rng).items()}
    probe["colour"][0], probe["size"][1] = "pink", 11  # out of vocabulary: index 0
    expected = np.concatenate(list(reference(probe, data).values()), axis=-1)
    outputs = space(probe)
    assert backend_dtype(outputs) == "float32"
    assert_close(outputs, expected, rtol=1e-5, atol=1e-5)
    # One unbatched sample gives one unbatched vector.
    assert_close(space({name: values[2] for name, values in probe.items()}), expected[2])


def backend_dtype(x):
    return lamina.backend.standardize_dtype(x.dtype)


def test_dict_mode_and_int_outputs(rng):
    data = table(rng)
    space = FeatureSpace(
        features={
            "normed": "float_normalized",
            "size": FeatureSpace.integer_categorical(output_mode="int"),
            "colour": FeatureSpace.string_categorical(),
        },
        crosses=[FeatureSpace.cross(("colour", "size"), crossing_dim=4, output_mode="int")],
        output_mode="dict",
    )
    space.adapt(data)
    outputs = space(data)
    columns = reference(data, data)
    assert sorted(outputs) == ["colour", "colour_X_size", "normed", "size"]
    assert_close(outputs["colour"], columns["colour"])
    assert_close(outputs["normed"], columns["normed"], rtol=1e-5, atol=1e-5)
    assert backend_dtype(outputs["size"]).startswith("int")
    np.testing.assert_array_equal(to_numpy(outputs["size"]), columns["size"].argmax(-1)[:, None])
    crossed = to_numpy(outputs["colour_X_size"])
    np.testing.assert_array_equal(crossed, columns["colour_X_size"].argmax(-1)[:, None])
    encoded = space.get_encoded_features()
    assert {name: tuple(t.shape) for name, t in encoded.items()} == {
        name: (None, *to_numpy(value).shape[1:]) for name, value in outputs.items()
    }


def test_adapt_results_and_symbolic_shapes(rng):
    data = table(rng)
    space = mixed_space()
    space.adapt(data)
    assert space.preprocessors["colour"].get_vocabulary() == ["[UNK]", "red", "blue", "green"]
    assert space.preprocessors["size"].get_vocabulary() == [-1, 7, 3, 9, 5]
    normalization = space.preprocessors["normed"]
    assert_close(normalization.mean, [[np.mean(data["normed"], dtype=np.float64)]])
    assert_close(normalization.variance, [[np.var(data["normed"], dtype=np.float64)]], rtol=1e-4)
    inputs = space.get_inputs()
    assert {name: t.dtype for name, t in inputs.items()} == {
        "plain": "float32",
        "scaled": "float32",
        "normed": "float32",
        "size": "int32",
        "colour": "string",
        "tag": "string",
    }
    assert tuple(space.get_encoded_features().shape) == (None, 1 + 1 + 1 + 5 + 4 + 3 + 4)
    assert tuple(space(data).shape) == (10, 19)
    assert sorted(space.crossers) == ["colour_X_size"]


def test_discretized_feature_is_one_hot_of_its_bins(rng):
    values = rng.gamma(2.0, size=40).astype("float32")
    space = FeatureSpace({"v": "float_discretized"}, num_discretization_bins=4)
    space.adapt({"v": values})
    boundaries = np.asarray(space.preprocessors["v"].bin_boundaries)
    assert len(boundaries) == 3
    assert np.all(np.diff(boundaries) > 0)
    assert values.min() < boundaries[0] < boundaries[-1] < values.max()
    assert_close(space({"v": values[:5]}), one_hot(np.digitize(values[:5], boundaries), 4))


class DictBatches(lamina.utils.PyDataset):
    def __init__(self, data, labels):
        super().__init__()
        self.data, self.labels = data, labels

    @property
    def num_batches(self):
        return 3

    def __getitem__(self, index):
        rows = slice(4 * index, 4 * index + 4)
        return {name: values[rows] for name, values in self.data.items()}, self.labels[rows]


def adapted_state(space):
    return (
        space.preprocessors["colour"].get_vocabulary(),
        space.preprocessors["size"].get_vocabulary(),
        float(to_numpy(space.preprocessors["normed"].mean).item()),
    )


def test_adapt_reads_generators_py_datasets_and_unbatched_elements(rng):
    data = table(rng)
    labels = rng.standard_normal(10)
    expected = mixed_space()
    expected.adapt(data)

    def batches():
        for start in range(0, 10, 3):
            yield {name: values[start : start + 3] for name, values in data.items()}

    samples = [({name: values[i] for name, values in data.items()}, labels[i]) for i in range(10)]
    for source in (batches(), DictBatches(data, labels), samples):
        space = mixed_space()
        space.adapt(source)
        assert adapted_state(space)[:2] == adapted_state(expected)[:2]
        assert adapted_state(space)[2] == pytest.approx(adapted_state(expected)[2], rel=1e-5)


def test_adapt_reads_tf_data(rng):
    tf = pytest.importorskip("tensorflow", reason="TensorFlow is not installed")
    data = table(rng)
    expected = mixed_space()
    expected.adapt(data)
    space = mixed_space()
    space.adapt(tf.data.Dataset.from_tensor_slices(data))  # unbatched: bytes strings
    assert adapted_state(space)[:2] == adapted_state(expected)[:2]


def test_config_roundtrip(rng):
    space = mixed_space()
    config = space.get_config()
    assert sorted(config) == [
        "crosses",
        "crossing_dim",
        "features",
        "hashing_dim",
        "num_discretization_bins",
        "output_mode",
    ]
    # Keras's schema modules, so that Keras reads the file a FeatureSpace saves.
    assert saving.serialize_keras_object(space)["module"] == "keras.utils"
    assert config["features"]["colour"]["module"] == "keras.src.layers.preprocessing.feature_space"
    assert config["features"]["colour"]["class_name"] == "Feature"
    assert config["crosses"][0]["config"]["feature_names"] == ["colour", "size"]
    clone = check_config_roundtrip(space)
    assert isinstance(clone.preprocessors["scaled"], layers.Rescaling)
    assert clone.crosses_by_name["colour_X_size"].crossing_dim == 4


def test_keras_file_roundtrip(rng, tmp_path):
    data = table(rng)
    space = mixed_space()
    space.adapt(data)
    space.save(tmp_path / "space.keras")
    loaded = saving.load_model(tmp_path / "space.keras")
    assert isinstance(loaded, FeatureSpace)
    assert adapted_state(loaded) == adapted_state(space)
    assert_close(loaded(data), to_numpy(space(data)))


@pytest.mark.parametrize("case", ["feature_space_concat", "feature_space_dict"])
def test_keras_written_file_loads_with_keras_outputs(case):
    """Fixtures from tools/keras_interop/feature_space_fixtures.py (Keras 3.15.1)."""
    arrays = np.load(FILES / f"{case}.npz")
    space = saving.load_model(FILES / f"{case}.keras")
    inputs = {key[6:]: arrays[key] for key in arrays.files if key.startswith("input_")}
    outputs = space(inputs)
    if "output" in arrays.files:
        assert_close(outputs, arrays["output"], rtol=1e-5, atol=1e-5)
        return
    for key in arrays.files:
        if key.startswith("output_"):
            assert_close(outputs[key[7:]], arrays[key], rtol=1e-5, atol=1e-5)


def test_bad_arguments_raise_clear_errors(rng):
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace({"a": "float"}, output_mode="stack")
    with pytest.raises(ValueError, match="features"):
        FeatureSpace({})
    with pytest.raises(ValueError, match="float_normalised"):
        FeatureSpace({"a": "float_normalised"})
    with pytest.raises(ValueError, match="unknown features"):
        FeatureSpace({"a": "float"}, crosses=[("a", "b")])
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace.cross(("a", "b"), crossing_dim=4, output_mode="float")
    space = mixed_space()
    with pytest.raises(ValueError, match="adapt"):
        space(table(rng))
    with pytest.raises(TypeError, match="ndarray"):
        space.adapt(np.zeros(3))
    with pytest.raises(ValueError, match="no feature"):
        space.adapt({"plain": [1.0]})
    space.adapt(table(rng))
    with pytest.raises(ValueError, match="dict"):
        space([1.0, 2.0])
    with pytest.raises(ValueError, match="tag"):
        space({name: values for name, values in table(rng).items() if name != "tag"})


def test_unencodable_features_are_refused():
    rescaled = FeatureSpace.feature(
        dtype="float32", preprocessor=layers.Rescaling(2.0), output_mode="one_hot"
    )
    with pytest.raises(ValueError, match="integers"):
        FeatureSpace({"a": rescaled}).get_encoded_features()
    ints = FeatureSpace({"a": FeatureSpace.integer_hashed(4, output_mode="int")})
    with pytest.raises(ValueError, match="output_mode='dict'"):
        ints.get_encoded_features()


def test_loading_refuses_classes_outside_the_allow_list():
    evil = {"module": "evil_payload_pkg.tools", "class_name": "Payload", "config": {}}
    config = mixed_space().get_config()
    config["features"]["plain"]["config"]["preprocessor"] = evil
    with pytest.raises(ValueError, match="Payload"):
        FeatureSpace.from_config(config)


@pytest.mark.training
def test_structured_data_pattern_trains(rng):
    """Keras's structured-data recipe: the FeatureSpace encodes a dict dataset for a small
    Dense model, then its inputs and encoded features make the end-to-end model."""
    lamina.utils.set_random_seed(1)
    data = {
        "x": rng.standard_normal(64).astype("float32"),
        "colour": rng.choice(["red", "green", "blue"], 64),
        "size": rng.integers(0, 4, 64).astype("int32"),
    }
    labels = (data["x"] + 2.0 * (data["colour"] == "red") > 0.5).astype("float32")[:, None]
    space = FeatureSpace(
        {"x": "float_normalized", "colour": "string_categorical", "size": "integer_categorical"},
        crosses=[("colour", "size")],
        crossing_dim=4,
    )
    space.adapt(data)
    dense = layers.Dense(1, activation="sigmoid")
    encoded = space(data)  # the docs' `dataset.map(lambda x, y: (feature_space(x), y))`
    classifier = lamina.Sequential([lamina.Input((encoded.shape[-1],)), dense])
    classifier.compile(optimizer=lamina.optimizers.SGD(0.5), loss="binary_crossentropy")
    history = classifier.fit(encoded, labels, epochs=10, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < 0.9 * history.history["loss"][0]
    end_to_end = lamina.Model(space.get_inputs(), dense(space.get_encoded_features()))
    assert_close(
        end_to_end.predict(data, batch_size=64, verbose=0),
        classifier.predict(encoded, batch_size=64, verbose=0),
        atol=1e-5,
    )


@pytest.mark.training
@pytest.mark.engine("torch")  # the same uncompiled step on JAX compiles each op: slow in CI
def test_end_to_end_model_trains_on_raw_dicts(rng):
    data = {
        "x": rng.standard_normal(32).astype("float32"),
        "colour": rng.choice(["red", "green", "blue"], 32),
    }
    labels = (data["colour"] == "red").astype("float32")[:, None]
    space = FeatureSpace({"x": "float_normalized", "colour": "string_categorical"})
    space.adapt(data)
    outputs = layers.Dense(1, activation="sigmoid")(space.get_encoded_features())
    model = lamina.Model(space.get_inputs(), outputs)
    model.compile(optimizer=lamina.optimizers.Adam(0.1), loss="binary_crossentropy")
    history = model.fit(data, labels, epochs=4, batch_size=32, verbose=0)  # strings stay NumPy
    assert history.history["loss"][-1] < 0.9 * history.history["loss"][0]
