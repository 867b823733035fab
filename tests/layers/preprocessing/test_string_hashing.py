"""The hashes are checked against TensorFlow 2.21's (facts below, computed with
``tf.strings.to_hash_bucket_fast/strong(strings, 2**63 - 1)``): every length branch of
FarmHash (0-3, 4-7, 8-16, 17-32, 33-64, over 64 with one and more 64-byte loops)."""

import numpy as np

from lamina.layers.preprocessing.string_hashing import fingerprint64, fingerprint_cat64, siphash

INT64_MAX = np.uint64(2**63 - 1)
FARMHASH = {
    0: 1936946117179621456, 1: 7764064956193920179, 3: 1502982227347875767,
    4: 1798552924835906905, 7: 7984783734831361283, 8: 4605104588124634414,
    16: 42562127207776779, 17: 7191860352405642139, 32: 4804526956740888522,
    33: 5848330678568374769, 64: 7538310359644157395, 65: 2031067199706244731,
    128: 6164712265338775278, 129: 1138458046925123604, 200: 1666499492087305748,
}  # fmt: skip
SIPHASH_1234_98765 = {
    0: 3159995329184846495, 1: 7903162353471269314, 3: 2795887882631319288,
    4: 226246899740867217, 7: 8532708323264756258, 8: 8132329409797005345,
    16: 4937969305227408201, 17: 3229179588688960949, 32: 4004819281690232551,
    33: 7559487655786524286, 64: 3251288740019203470, 65: 1393401972820547690,
    128: 9111034858699059527, 129: 6466864300895659211, 200: 8718405251352869777,
}  # fmt: skip


def text_of_length(length):
    return "".join(chr(33 + (7 * i) % 90) for i in range(length))


def strings():
    return np.array([text_of_length(n) for n in FARMHASH], dtype=object)


def test_fingerprint64_equals_tensorflow():
    np.testing.assert_array_equal(
        fingerprint64(strings()) % INT64_MAX, np.array(list(FARMHASH.values()), np.uint64)
    )


def test_siphash_equals_tensorflow():
    np.testing.assert_array_equal(
        siphash(strings(), [1234, 98765]) % INT64_MAX,
        np.array(list(SIPHASH_1234_98765.values()), np.uint64),
    )


def test_shapes_duplicates_bytes_and_str_agree():
    values = np.array([["a", "bb"], ["a", "日本"]])
    hashes = fingerprint64(values)
    assert hashes.shape == (2, 2)
    assert hashes.dtype == np.uint64
    assert hashes[0, 0] == hashes[1, 0]
    encoded = np.array([[s.encode("utf-8") for s in row] for row in values], dtype=object)
    np.testing.assert_array_equal(fingerprint64(encoded), hashes)
    ascii_bytes = np.array([b"a", b"bb"])  # a NumPy bytes (S) array
    np.testing.assert_array_equal(fingerprint64(ascii_bytes), hashes[0])


def test_fingerprint_cat64_equals_tensorflow_cross():
    # tf.sparse.cross_hashed([["a"], ["b"], ["hello world"]], [[1], [2], [-3]]) (default key)
    start = np.uint64(0xDECAFCAFFE)
    crossed = fingerprint_cat64(
        fingerprint_cat64(start, fingerprint64(np.array(["a", "b", "hello world"]))),
        np.array([1, 2, -3]).view(np.uint64),
    )
    expected = [2928842892298887678, 85918459618309357, 2676416983016800618]
    np.testing.assert_array_equal(crossed % INT64_MAX, np.array(expected, np.uint64))
