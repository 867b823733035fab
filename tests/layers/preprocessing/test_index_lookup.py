"""The vocabulary table StringLookup and IntegerLookup share: adapt order, OOV slots,
encoded outputs and tf_idf weights against plain-Python references."""

import collections

import numpy as np
import pytest

from lamina import KerasTensor, layers
from tests.harness import assert_close, to_numpy

WORDS = np.array(["ant", "bee", "cat", "dog", "eel", "fox", "gnu"])


def reference_vocabulary(rows, max_tokens=None, start=1):
    """Keras's adapt order: count high to low, ties by token high to low."""
    counts = collections.Counter(token for row in rows for token in row)
    ordered = sorted(counts, key=lambda token: (counts[token], token), reverse=True)
    return ordered[: max_tokens - start] if max_tokens else ordered


def reference_indices(tokens, vocabulary, start):
    table = {token: start + i for i, token in enumerate(vocabulary)}
    return np.vectorize(lambda token: table.get(token, start - 1))(tokens)


def test_adapt_orders_by_count_then_token(rng):
    data = rng.choice(WORDS, (30, 4))
    layer = layers.StringLookup(max_tokens=6)
    layer.adapt(data)
    expected = reference_vocabulary(data.tolist(), max_tokens=6)
    assert layer.get_vocabulary() == ["[UNK]", *expected]
    assert layer.get_vocabulary(include_special_tokens=False) == expected
    assert layer.vocabulary_size() == 6
    queries = rng.choice(WORDS, (5, 3))
    assert_close(layer(queries), reference_indices(queries, expected, 1))


def test_adapt_reads_an_iterable_of_batches(rng):
    batches = [rng.choice(WORDS, (4, 2)) for _ in range(3)]
    layer = layers.StringLookup()
    layer.adapt(iter(batches), steps=2)
    expected = reference_vocabulary([row for b in batches[:2] for row in b.tolist()])
    assert layer.get_vocabulary(include_special_tokens=False) == expected


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count", "tf_idf"])
def test_encoded_outputs_match_reference(rng, mode):
    vocabulary = ["cat", "ant", "fox"]
    weights = rng.uniform(0.5, 2.0, 3)
    kwargs = {"idf_weights": weights} if mode == "tf_idf" else {}
    layer = layers.StringLookup(vocabulary=vocabulary, output_mode=mode, **kwargs)
    tokens = rng.choice(WORDS, (4, 3))
    indices = reference_indices(tokens, vocabulary, 1)
    one_hot = np.eye(4)[indices]  # (4, 3, 4)
    expected = {
        "one_hot": one_hot,
        "multi_hot": one_hot.max(axis=1),
        "count": one_hot.sum(axis=1),
        "tf_idf": one_hot.sum(axis=1) * np.concatenate([[weights.mean()], weights]),
    }[mode]
    outputs = layer(tokens)
    assert_close(outputs, expected)
    symbolic = layer(KerasTensor((None, 3), dtype="string"))
    assert symbolic.shape[1:] == tuple(outputs.shape)[1:]


def test_adapted_tf_idf_weights_match_reference(rng):
    data = rng.choice(WORDS[:4], (6, 3))
    layer = layers.StringLookup(output_mode="tf_idf", pad_to_max_tokens=True, max_tokens=7)
    layer.adapt(data)
    vocabulary = layer.get_vocabulary(include_special_tokens=False)
    document_counts = np.array([sum(token in row for row in data.tolist()) for token in vocabulary])
    idf = np.log(1 + len(data) / (1 + document_counts))
    expected_weights = np.concatenate([[idf.mean()], idf, np.zeros(7 - 1 - len(idf))])
    indices = reference_indices(data, vocabulary, 1)
    counts = np.stack([np.bincount(row, minlength=7) for row in indices])
    assert_close(layer(data), counts * expected_weights, rtol=1e-5)


def test_mask_token_maps_to_zero_and_is_dropped_when_encoding(rng):
    tokens = np.array([["[M]", "ant", "zzz"]])
    assert to_numpy(layers.StringLookup(vocabulary=["ant"], mask_token="[M]")(tokens)).tolist() == [
        [0, 2, 1]
    ]
    multi = layers.StringLookup(vocabulary=["ant"], mask_token="[M]", output_mode="multi_hot")
    assert to_numpy(multi(tokens)).tolist() == [[1, 1]]  # [UNK], ant; the mask encodes nothing


def test_vocabulary_with_special_tokens_in_front_is_accepted():
    layer = layers.StringLookup(vocabulary=["[M]", "[UNK]", "ant"], mask_token="[M]")
    assert layer.get_vocabulary() == ["[M]", "[UNK]", "ant"]


def test_num_oov_indices_zero_refuses_unknown_tokens():
    layer = layers.StringLookup(vocabulary=["ant"], num_oov_indices=0)
    assert to_numpy(layer(np.array(["ant"]))).tolist() == [0]
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layer(np.array(["bee"]))


def test_frozen_vocabulary_size_cannot_change_after_a_call():
    layer = layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")
    layer(np.array([["a"]]))
    with pytest.raises(RuntimeError, match="vocabulary size cannot be changed"):
        layer.set_vocabulary(["a", "b", "c"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_tokens": 1}, "max_tokens"),
        ({"pad_to_max_tokens": True}, "max_tokens"),
        ({"num_oov_indices": -1}, "num_oov_indices"),
        ({"output_mode": "bag"}, "output_mode"),
        ({"invert": True, "output_mode": "count"}, "invert"),
        ({"idf_weights": [1.0]}, "idf_weights"),
        ({"vocabulary": ["a"], "output_mode": "tf_idf"}, "idf_weights"),
        ({"vocabulary": ["a", "a"]}, "repeated"),
        ({"vocabulary": ["a", "[M]"], "mask_token": "[M]"}, "mask_token"),
        ({"vocabulary": ["a", "b", "c"], "max_tokens": 3}, "max_tokens"),
        ({"sparse": True, "output_mode": "count"}, "sparse"),
        ({"salt": "x"}, "salt"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.StringLookup(**kwargs)


def test_adapt_after_a_fixed_vocabulary_is_refused():
    layer = layers.StringLookup(vocabulary=["a"])
    with pytest.raises(ValueError, match="Cannot adapt"):
        layer.adapt(np.array(["a", "b"]))
