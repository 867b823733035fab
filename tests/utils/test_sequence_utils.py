"""pad_sequences against hand-computed cases and Keras's documented examples."""

import numpy as np
import pytest

from lamina import utils

SEQUENCES = [[1], [2, 3], [4, 5, 6]]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, [[0, 0, 1], [0, 2, 3], [4, 5, 6]]),
        ({"value": -1}, [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]),
        ({"padding": "post"}, [[1, 0, 0], [2, 3, 0], [4, 5, 6]]),
        ({"maxlen": 2}, [[0, 1], [2, 3], [5, 6]]),
        ({"maxlen": 2, "truncating": "post"}, [[0, 1], [2, 3], [4, 5]]),
        ({"maxlen": 2, "padding": "post", "truncating": "post"}, [[1, 0], [2, 3], [4, 5]]),
        ({"maxlen": 4}, [[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 5, 6]]),
        ({"maxlen": 4, "padding": "post"}, [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]]),
        ({"maxlen": 1, "truncating": "post"}, [[1], [2], [4]]),
    ],
)
def test_pad_sequences_hand_computed(kwargs, expected):
    padded = utils.pad_sequences(SEQUENCES, **kwargs)
    assert isinstance(padded, np.ndarray)
    assert padded.dtype == np.int32
    np.testing.assert_array_equal(padded, expected)


def test_pad_sequences_float_dtype_keeps_fractions():
    padded = utils.pad_sequences([[0.5, 1.5], [2.25]], dtype="float32", value=-0.5)
    assert padded.dtype == np.float32
    np.testing.assert_array_equal(padded, [[0.5, 1.5], [-0.5, 2.25]])


def test_pad_sequences_int_dtype_truncates_fractions_as_numpy_casts():
    np.testing.assert_array_equal(utils.pad_sequences([[1.7, -2.2]]), [[1, -2]])


@pytest.mark.parametrize(
    ("sequences", "kwargs", "expected_shape", "expected"),
    [
        ([[], [1, 2]], {}, (2, 2), [[0, 0], [1, 2]]),
        ([[], [1, 2]], {"padding": "post", "value": 9}, (2, 2), [[9, 9], [1, 2]]),
        ([[], []], {}, (2, 0), np.zeros((2, 0))),
        ([[], []], {"maxlen": 3}, (2, 3), np.zeros((2, 3))),
        ([], {}, (0, 0), np.zeros((0, 0))),
        ([], {"maxlen": 3}, (0, 3), np.zeros((0, 3))),
        (SEQUENCES, {"maxlen": 0}, (3, 0), np.zeros((3, 0))),
    ],
)
def test_pad_sequences_empty_cases(sequences, kwargs, expected_shape, expected):
    padded = utils.pad_sequences(sequences, **kwargs)
    assert padded.shape == expected_shape
    np.testing.assert_array_equal(padded, expected)


def test_pad_sequences_accepts_arrays_and_vector_steps():
    sequences = [np.array([[1, 2]]), np.array([[3, 4], [5, 6], [7, 8]])]
    padded = utils.pad_sequences(sequences, maxlen=2, padding="post")
    assert padded.shape == (2, 2, 2)
    np.testing.assert_array_equal(padded, [[[1, 2], [0, 0]], [[5, 6], [7, 8]]])


def test_pad_sequences_strings_with_object_dtype():
    padded = utils.pad_sequences([["a"], ["b", "c"]], dtype=object, value="")
    assert padded.tolist() == [["", "a"], ["b", "c"]]


@pytest.mark.parametrize(
    ("sequences", "kwargs", "match"),
    [
        (SEQUENCES, {"padding": "middle"}, "padding"),
        (SEQUENCES, {"truncating": "middle"}, "truncating"),
        ([[], []], {"padding": "both"}, "padding"),  # checked even with nothing to pad
        (SEQUENCES, {"maxlen": -1}, "maxlen"),
        (SEQUENCES, {"maxlen": 2.5}, "maxlen"),
        ([[1], 2], {}, "non-iterable"),
        ([[[1, 2]], [[3, 4, 5]]], {}, "shape"),
        (SEQUENCES, {"value": "pad"}, "dtype=object"),
        (5, {}, "list of sequences"),
    ],
)
def test_pad_sequences_rejects_bad_arguments(sequences, kwargs, match):
    with pytest.raises(ValueError, match=match):
        utils.pad_sequences(sequences, **kwargs)
