"""text_dataset_from_directory on small trees of .txt files written by the tests."""

import os

import numpy as np
import pytest

import lamina
from lamina.utils import text_dataset_from_directory

WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma"]


@pytest.fixture
def tree(tmp_path, rng):
    """neg/ and pos/ with 4 texts each; returns (root, {path: text})."""
    texts = {}
    for label, name in enumerate(("neg", "pos")):
        os.makedirs(tmp_path / name)
        for index in range(4):
            words = rng.choice(WORDS[label * 3 : label * 3 + 3], size=rng.integers(2, 6))
            text = " ".join(words) + " é"  # one non-ASCII character: files are UTF-8
            path = str(tmp_path / name / f"{index}.txt")
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            texts[path] = text
    with open(tmp_path / "pos" / "ignored.md", "w") as file:
        file.write("not a .txt file")
    return str(tmp_path), texts


def test_batches_hold_the_texts_and_labels(tree):
    root, texts = tree
    dataset = text_dataset_from_directory(root, batch_size=3, shuffle=False, verbose=False)
    assert dataset.class_names == ["neg", "pos"]
    assert len(dataset) == 3
    batch_texts, labels = dataset[0]
    assert batch_texts.shape == (3,)
    assert batch_texts.dtype == object
    assert list(batch_texts) == [texts[path] for path in dataset.file_paths[:3]]
    all_labels = np.concatenate([labels for _, labels in dataset])
    np.testing.assert_array_equal(all_labels, [0, 0, 0, 0, 1, 1, 1, 1])
    assert all_labels.dtype == np.int32


def test_max_length_truncates_and_label_modes(tree):
    root, texts = tree
    dataset = text_dataset_from_directory(
        root, max_length=4, label_mode="binary", shuffle=False, verbose=False
    )
    batch_texts, labels = dataset[0]
    assert list(batch_texts) == [texts[path][:4] for path in dataset.file_paths]
    assert labels.shape == (8, 1)
    assert labels.dtype == np.float32
    unlabelled = text_dataset_from_directory(root, label_mode=None, seed=1, verbose=False)
    assert unlabelled[0].shape == (8,)


def test_seeded_split_is_deterministic(tree):
    root, _ = tree
    train, val = text_dataset_from_directory(
        root, validation_split=0.5, subset="both", seed=9, verbose=False
    )
    again = text_dataset_from_directory(
        root, validation_split=0.5, subset="training", seed=9, verbose=False
    )
    assert train.file_paths == again.file_paths
    assert sorted(train.file_paths + val.file_paths) == sorted(tree[1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_length": 0}, "max_length must be a positive integer or None"),
        ({"format": "numpy"}, "format must be one of"),
        ({"label_mode": "onehot"}, "label_mode must be one of"),
        ({"validation_split": 0.3, "subset": "training"}, "give a seed"),
    ],
)
def test_bad_arguments_are_named(tree, kwargs, message):
    with pytest.raises(ValueError, match=message):
        text_dataset_from_directory(tree[0], verbose=False, **kwargs)


@pytest.mark.training
def test_fit_consumes_the_dataset_through_a_string_layer(tree):
    root, texts = tree
    vectorizer = lamina.layers.TextVectorization(max_tokens=10, output_mode="multi_hot")
    vectorizer.adapt(np.asarray(list(texts.values()), dtype=object))
    model = lamina.Sequential([vectorizer, lamina.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    dataset = text_dataset_from_directory(root, batch_size=4, seed=2, verbose=False)
    history = model.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
