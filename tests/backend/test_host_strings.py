"""Text stays a host NumPy array where model inputs become tensors (backend.convert_data),
and reaches the string layers through a model's predict_on_batch and call."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.array(["a", "bc"]), True),
        (np.array([b"a", b"bc"]), True),
        (np.array(["a", 3], dtype=object), True),
        (np.array([3, "a"], dtype=object), False),  # the first element decides
        (np.array([], dtype=object), False),
        (np.array([1.5, 2.0]), False),
        (["a", "b"], False),  # lists are not arrays: the adapters make arrays first
    ],
)
def test_is_string_array(value, expected):
    assert backend.is_string_array(value) is expected


def test_convert_data_keeps_text_and_converts_numbers(rng):
    text = np.array([["x", "y"]])
    assert backend.convert_data(text) is text
    assert backend.convert_data(None) is None
    numbers = rng.standard_normal((2, 3))
    converted = backend.convert_data(numbers)
    assert backend.is_tensor(converted)
    np.testing.assert_allclose(backend.convert_to_numpy(converted), numbers, rtol=1e-6)
    with pytest.raises(TypeError, match="numeric"):
        backend.convert_to_tensor(text)  # the engines themselves still refuse text


def test_string_inputs_reach_the_lookup_through_a_model(rng):
    tokens = rng.choice(["ant", "bee", "cat"], (4, 2))
    inputs = lamina.Input((2,), dtype="string")
    model = lamina.Model(inputs, layers.StringLookup(vocabulary=["bee", "cat"])(inputs))
    expected = np.vectorize({"ant": 0, "bee": 1, "cat": 2}.get)(tokens)
    for outputs in (model(tokens), model.predict_on_batch(tokens), model.predict(tokens)):
        np.testing.assert_array_equal(backend.convert_to_numpy(outputs), expected)
