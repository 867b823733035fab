"""StringLookup: strings to indices and back, from a list, a file or adapt; configs and
string inputs inside models."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.harness import assert_close, check_config_roundtrip, to_numpy

WORDS = np.array(["ant", "bee", "cat", "dog", "eel"])


def test_lookup_matches_reference(rng):
    vocabulary = ["eel", "ant", "cat"]
    tokens = rng.choice(WORDS, (4, 3))
    table = {"eel": 1, "ant": 2, "cat": 3}
    expected = np.vectorize(lambda t: table.get(t, 0))(tokens)
    layer = layers.StringLookup(vocabulary=vocabulary)
    assert_close(layer(tokens), expected)
    assert_close(layer(tokens.astype(object)), expected)  # object arrays
    assert_close(layer(np.char.encode(tokens, "utf-8")), expected)  # bytes arrays
    symbolic = layer(lamina.Input((3,), dtype="string"))
    assert symbolic.shape == (None, 3)
    assert symbolic.dtype == "int64"


def test_invert_maps_indices_back(rng):
    layer = layers.StringLookup(vocabulary=["ant", "bee"], invert=True, mask_token="")
    indices = np.array([[0, 2, 3], [1, 5, 2]])
    out = layer(indices)
    assert out.tolist() == [["", "ant", "bee"], ["[UNK]", "[UNK]", "ant"]]


def test_vocabulary_from_a_file(tmp_path, rng):
    path = tmp_path / "vocab.txt"
    path.write_text("cat\nant\n\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "cat", "ant"]
    assert layer.get_config()["vocabulary"] is None  # saved as an asset instead
    with pytest.raises(ValueError, match="does not exist"):
        layers.StringLookup(vocabulary=str(tmp_path / "missing.txt"))


def test_config_from_a_file_vocabulary_is_refused_when_loading(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("cat\n", encoding="utf-8")
    config = layers.StringLookup().get_config()
    config["vocabulary"] = str(path)
    with pytest.raises(ValueError, match="outside the model archive"):
        layers.deserialize({"class_name": "StringLookup", "config": config})


def test_config_roundtrip():
    layer = layers.StringLookup(
        vocabulary=["a", "b"], num_oov_indices=2, mask_token="", output_mode="int", name="s"
    )
    clone = check_config_roundtrip(layer)
    assert clone.get_vocabulary() == layer.get_vocabulary()
    assert "vocabulary_dtype" not in layer.get_config()


def test_numeric_tensors_are_refused():
    with pytest.raises(TypeError, match="expects strings"):
        layers.StringLookup(vocabulary=["a"])(lamina.ops.ones((2,)))


# JAX runs this step uncompiled too, which costs seconds of XLA compiles per new model:
# test_text_vectorization.py's training test covers string inputs in fit on JAX.
@pytest.mark.training
@pytest.mark.engine("torch")
def test_fit_and_predict_on_string_arrays_in_a_sequential_model(rng):
    tokens = rng.choice(WORDS, (64, 3))
    labels = (tokens == "cat").any(axis=1).astype("float32")
    model = lamina.Sequential(
        [
            layers.StringLookup(vocabulary=WORDS.tolist()),
            layers.Embedding(6, 4),
            layers.GlobalAveragePooling1D(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="binary_crossentropy")
    assert not model.jit_compile  # a host lookup: the step runs uncompiled, as Keras
    history = model.fit(tokens, labels, batch_size=32, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert to_numpy(model.predict(tokens[:5], verbose=0)).shape == (5, 1)
    assert np.isfinite(model.evaluate(tokens, labels, verbose=0))
