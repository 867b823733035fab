"""TextVectorization: standardize, split, ngrams and every output mode against a
plain-Python reference; configs, callables and the issue's training task."""

import re

import numpy as np
import pytest

import lamina
from lamina import layers, saving
from tests.harness import assert_close, check_config_roundtrip, to_numpy

WORDS = ["Apple", "bean", "Corn", "date", "egg", "fig"]
PUNCTUATION = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'"


def sentences(rng, count, words=WORDS):
    return np.array(
        [" ".join(rng.choice(words, rng.integers(1, 6))) + rng.choice(["", ".", "!?"])
         for _ in range(count)]
    )  # fmt: skip


def reference_tokens(text, ngrams=None):
    text = "".join(c for c in text.lower() if c not in PUNCTUATION)
    tokens = text.split()
    grams = []
    for width in ngrams or (1,):
        grams += [" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1)]
    return grams


def reference_int(texts, vocabulary, length, ngrams=None):
    table = {token: i for i, token in enumerate(vocabulary)}
    rows = [[table.get(t, 1) for t in reference_tokens(text, ngrams)] for text in texts]
    length = length or max(map(len, rows))
    return np.array([(row + [0] * length)[:length] for row in rows])


@pytest.mark.parametrize(("ngrams", "length"), [(None, 4), ((1, 2), None)])
def test_int_output_matches_reference(rng, ngrams, length):
    texts = sentences(rng, 6)
    layer = layers.TextVectorization(ngrams=ngrams, output_sequence_length=length)
    layer.adapt(texts)
    vocabulary = layer.get_vocabulary()
    assert vocabulary[:2] == ["", "[UNK]"]
    queries = sentences(rng, 4, WORDS + ["kiwi"])
    expected = reference_int(queries, vocabulary, length, ngrams)
    outputs = layer(queries)
    assert_close(outputs, expected)
    assert_close(layer(queries[:, None]), expected)  # (batch, 1) strings too
    symbolic = layer(lamina.Input((), dtype="string"))
    assert symbolic.shape == (None, length)
    assert symbolic.dtype == "int64"


@pytest.mark.parametrize("mode", ["multi_hot", "count", "tf_idf"])
def test_bag_outputs_match_reference(rng, mode):
    vocabulary = ["corn", "apple", "fig"]
    weights = rng.uniform(0.5, 2.0, 3)
    kwargs = {"idf_weights": weights} if mode == "tf_idf" else {}
    layer = layers.TextVectorization(vocabulary=vocabulary, output_mode=mode, **kwargs)
    texts = sentences(rng, 5)
    table = {token: 1 + i for i, token in enumerate(vocabulary)}  # no padding slot here
    counts = np.zeros((5, 4))
    for row, text in enumerate(texts):
        for token in reference_tokens(text):
            counts[row, table.get(token, 0)] += 1
    expected = {
        "multi_hot": np.minimum(counts, 1),
        "count": counts,
        "tf_idf": counts * np.concatenate([[weights.mean()], weights]),
    }[mode]
    assert_close(layer(texts), expected, rtol=1e-5)
    assert layer(lamina.Input((), dtype="string")).shape == (None, 4)


def test_standardize_and_split_options(rng):
    texts = np.array(["Hi, THERE you!", "ÄB c"])
    assert to_numpy(
        layers.TextVectorization(vocabulary=["Hi,", "THERE"], standardize=None)(texts)
    ).tolist() == [[2, 3, 1], [1, 1, 0]]
    lower = layers.TextVectorization(vocabulary=["hi,"], standardize="lower")
    assert to_numpy(lower(texts))[0, 0] == 2
    characters = layers.TextVectorization(vocabulary=["a", "b"], split="character")
    assert to_numpy(characters(np.array(["ab a"]))).tolist() == [[2, 3, 1, 2]]  # " " is OOV
    # Keras lowers ASCII only (tf.strings.lower without an encoding).
    assert layers.TextVectorization(vocabulary=["Äb"], split=None)(texts[1:]).shape[0] == 1


def strip_vowels(texts):
    return np.array([re.sub("[aeiou]", "", text) for text in texts])


def split_on_commas(texts):
    return [text.split(",") for text in texts]


def test_callables_and_their_config(tmp_path):
    layer = layers.TextVectorization(
        vocabulary=["bn", "crn"], standardize=strip_vowels, split=split_on_commas
    )
    assert to_numpy(layer(np.array(["bean,corn,x"]))).tolist() == [[2, 3, 1]]
    config = layer.get_config()
    assert config["standardize"]["class_name"] == "function"
    custom = {"strip_vowels": strip_vowels, "split_on_commas": split_on_commas}
    with saving.custom_object_scope(custom):
        clone = layers.TextVectorization.from_config(config)
    assert clone.get_config() == config
    with pytest.raises(ValueError, match="strip_vowels"):  # unknown functions are refused
        layers.TextVectorization.from_config(config)


def test_config_roundtrip():
    layer = layers.TextVectorization(
        max_tokens=10, ngrams=(1, 3), output_sequence_length=7, vocabulary=["a", "b"]
    )
    clone = check_config_roundtrip(layer)
    assert clone.get_config()["ngrams"] == (1, 3)
    assert layer.get_config()["vocabulary_size"] == 4


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"standardize": "upper"}, "standardize"),
        ({"split": "comma"}, "split"),
        ({"output_mode": "bag"}, "output_mode"),
        ({"ngrams": "2"}, "ngrams"),
        ({"output_sequence_length": 3, "output_mode": "count"}, "output_sequence_length"),
        ({"output_sequence_length": 2.5}, "output_sequence_length"),
        ({"ragged": True}, "ragged"),
        ({"sparse": True, "output_mode": "count"}, "sparse"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.TextVectorization(**kwargs)


def test_wide_string_inputs_are_refused():
    layer = layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        layer(np.array([["a", "b"]]))


def word_task(rng, count):
    """Label 1 exactly when a "signal" word occurs among five random words."""
    words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"]
    texts = [" ".join(rng.choice(words, 5)) for _ in range(count)]
    labels = [float("gamma" in text.split() or "eta" in text.split()) for text in texts]
    return np.array(texts), np.array(labels, "float32")


@pytest.mark.training
def test_learns_a_word_task_in_a_functional_model(rng, tmp_path):
    texts, labels = word_task(rng, 256)
    vectorizer = layers.TextVectorization(max_tokens=12, output_sequence_length=5)
    vectorizer.adapt(texts)
    inputs = lamina.Input((), dtype="string")
    x = layers.Embedding(12, 8)(vectorizer(inputs))
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x))
    model = lamina.Model(inputs, outputs)
    model.compile(
        optimizer=lamina.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"]
    )
    model.fit(texts, labels, batch_size=64, epochs=8, verbose=0)
    test_texts, test_labels = word_task(np.random.default_rng(7), 128)
    _, accuracy = model.evaluate(test_texts, test_labels, verbose=0)
    assert accuracy >= 0.95
    model.save(tmp_path / "text.keras")
    loaded = saving.load_model(tmp_path / "text.keras")
    assert_close(loaded.predict(test_texts, verbose=0), model.predict(test_texts, verbose=0))
