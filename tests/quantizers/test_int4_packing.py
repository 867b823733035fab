"""pack_int4 / unpack_int4 against a NumPy nibble reference and Keras 3.15.1's numbers."""

import numpy as np
import pytest

from lamina import backend, ops, quantizers

# Inputs of the Keras facts: np.random.default_rng(7) after the float draws of the facts run.
INT4 = np.array([[4, 6, 5], [2, -1, 0], [-4, -1, -2], [-5, 7, -8], [-7, -5, 7]], "int8")
UINT4 = np.array(
    [[[11, 14, 3], [11, 5, 7]], [[0, 9, 13], [10, 2, 8]], [[4, 15, 14], [2, 8, 15]]], "uint8"
)


def _reference_pack(values, axis):
    moved = np.moveaxis(values.astype(np.int64), axis, 0)
    if moved.shape[0] % 2:
        moved = np.concatenate([moved, np.zeros((1, *moved.shape[1:]), np.int64)])
    byte = (moved[0::2] & 15) | ((moved[1::2] & 15) << 4)  # 0..255
    return np.moveaxis(byte, 0, axis)


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@pytest.mark.parametrize(
    ("shape", "axis"), [((6, 4), 0), ((5, 3), 0), ((4, 7), 1), ((3, 5, 2), -2)]
)
def test_round_trip_matches_numpy(rng, shape, axis, dtype):
    low, high = (-8, 8) if dtype == "int8" else (0, 16)
    values = rng.integers(low, high, size=shape).astype(dtype)
    packed, packed_shape, length = quantizers.pack_int4(ops.convert_to_tensor(values), axis, dtype)
    expected = _reference_pack(values, axis).astype(np.uint8).view(dtype)
    assert backend.standardize_dtype(packed.dtype) == dtype
    assert packed_shape == expected.shape == tuple(packed.shape)
    assert length == shape[axis]
    np.testing.assert_array_equal(ops.convert_to_numpy(packed), expected)
    unpacked = quantizers.unpack_int4(packed, length, axis, dtype)
    assert backend.standardize_dtype(unpacked.dtype) == dtype
    np.testing.assert_array_equal(ops.convert_to_numpy(unpacked), values)


def test_keras_facts():
    packed, shape, length = quantizers.pack_int4(ops.convert_to_tensor(INT4), axis=0)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(packed), [[36, -10, 5], [-68, 127, -114], [9, 11, 7]]
    )
    assert (shape, length) == ((3, 3), 5)
    np.testing.assert_array_equal(ops.convert_to_numpy(quantizers.unpack_int4(packed, 5)), INT4)
    packed, shape, length = quantizers.pack_int4(ops.convert_to_tensor(INT4), axis=1)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(packed), [[100, 5], [-14, 0], [-4, 14], [123, 8], [-71, 7]]
    )
    assert (shape, length) == ((5, 2), 3)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(quantizers.unpack_int4(packed, 3, axis=1)), INT4
    )
    packed, shape, length = quantizers.pack_int4(ops.convert_to_tensor(UINT4), -1, "uint8")
    np.testing.assert_array_equal(
        ops.convert_to_numpy(packed),
        [[[235, 3], [91, 7]], [[144, 13], [42, 8]], [[244, 14], [130, 15]]],
    )
    assert (shape, length) == ((3, 2, 2), 3)
    unpacked = quantizers.unpack_int4(packed, 3, axis=-1, dtype="uint8")
    np.testing.assert_array_equal(ops.convert_to_numpy(unpacked), UINT4)


def test_keras_docstring_example():
    original = np.array([[-3, 7], [2, -8], [1, 0]], dtype=np.int8)
    packed, _, length = quantizers.pack_int4(ops.convert_to_tensor(original), axis=0)
    np.testing.assert_array_equal(ops.convert_to_numpy(packed), [[45, -121], [1, 0]])
    np.testing.assert_array_equal(
        ops.convert_to_numpy(quantizers.unpack_int4(packed, length)), original
    )


def test_bad_arguments():
    values = ops.convert_to_tensor(INT4)
    with pytest.raises(ValueError, match="'int8' or 'uint8'"):
        quantizers.pack_int4(values, dtype="int4")
    with pytest.raises(TypeError, match="uint8 tensor; received dtype int8"):
        quantizers.pack_int4(values, dtype="uint8")
    with pytest.raises(ValueError, match="axis"):
        quantizers.pack_int4(values, axis=2)
    with pytest.raises(TypeError, match="int8 or uint8"):
        quantizers.unpack_int4(ops.convert_to_tensor(INT4.astype("int32")), 5)
    with pytest.raises(ValueError, match="'int8' or 'uint8'"):
        quantizers.unpack_int4(values, 5, dtype="int32")
    with pytest.raises(ValueError, match="axis"):
        quantizers.unpack_int4(values, 5, axis=-3)
