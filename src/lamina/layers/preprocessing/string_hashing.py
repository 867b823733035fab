"""The string hashes Keras's Hashing and HashedCrossing layers use, without TensorFlow.

Keras computes them with TensorFlow ops; these are written from the published algorithms
so that bins equal Keras's:

- ``fingerprint64``: FarmHash's ``Fingerprint64`` (farmhashna ``Hash64``), as TensorFlow's
  ``to_hash_bucket_fast`` and string features of ``sparse.cross_hashed`` use.
- ``siphash``: SipHash-2-4 with a 128-bit key (two uint64), as ``to_hash_bucket_strong``
  (Hashing with a ``salt``) uses.
- ``fingerprint_cat64``: TensorFlow's ``FingerprintCat64``, which chains feature hashes
  in ``sparse.cross_hashed``.

Each function takes a NumPy array of ``str``/``bytes`` values and returns uint64 hashes of
their UTF-8 bytes, vectorised over all values of one byte length at a time (the algorithms
branch on the length only). Duplicates are hashed once. Nothing is cached between calls.
"""

from __future__ import annotations

import numpy as np

_U64 = np.uint64
_MASK = (1 << 64) - 1
K0, K1, K2 = 0xC3A5C85C97CB3127, 0xB492B66FBE98F273, 0x9AE16A3B2F90404F
_CAT_MUL = 0xC6A4A7935BD1E995


def _full(count: int, value: int):
    """A uint64 column (arrays only: NumPy wraps array arithmetic mod 2**64 silently)."""
    return np.full(count, value & _MASK, dtype=_U64)


def _rotate(value, shift: int):
    return (value >> _U64(shift)) | (value << _U64(64 - shift))


def _shift_mix(value):
    return value ^ (value >> _U64(47))


def _fetch64(data, offset: int):
    return np.ascontiguousarray(data[:, offset : offset + 8]).view("<u8").reshape(-1).astype(_U64)


def _fetch32(data, offset: int):
    return np.ascontiguousarray(data[:, offset : offset + 4]).view("<u4").reshape(-1).astype(_U64)


def _hash_len16(u, v, mul):
    a = _shift_mix((u ^ v) * mul)
    b = _shift_mix((v ^ a) * mul)
    return b * mul


# ---- FarmHash Fingerprint64 (farmhashna::Hash64), by byte length ------------------------


def _farm_0_to_16(data, length: int):
    count = data.shape[0]
    if length >= 8:
        mul = _full(count, K2 + length * 2)
        a = _fetch64(data, 0) + _full(count, K2)
        b = _fetch64(data, length - 8)
        c = _rotate(b, 37) * mul + a
        d = (_rotate(a, 25) + b) * mul
        return _hash_len16(c, d, mul)
    if length >= 4:
        mul = _full(count, K2 + length * 2)
        a = _fetch32(data, 0)
        return _hash_len16(_full(count, length) + (a << _U64(3)), _fetch32(data, length - 4), mul)
    if length > 0:
        a = data[:, 0].astype(_U64)
        b = data[:, length >> 1].astype(_U64)
        c = data[:, length - 1].astype(_U64)
        y = a + (b << _U64(8))
        z = _full(count, length) + (c << _U64(2))
        return _shift_mix(y * _full(count, K2) ^ z * _full(count, K0)) * _full(count, K2)
    return _full(count, K2)


def _farm_17_to_32(data, length: int):
    count = data.shape[0]
    mul = _full(count, K2 + length * 2)
    a = _fetch64(data, 0) * _full(count, K1)
    b = _fetch64(data, 8)
    c = _fetch64(data, length - 8) * mul
    d = _fetch64(data, length - 16) * _full(count, K2)
    return _hash_len16(
        _rotate(a + b, 43) + _rotate(c, 30) + d, a + _rotate(b + _full(count, K2), 18) + c, mul
    )


def _farm_33_to_64(data, length: int):
    count = data.shape[0]
    mul = _full(count, K2 + length * 2)
    a = _fetch64(data, 0) * _full(count, K2)
    b = _fetch64(data, 8)
    c = _fetch64(data, length - 8) * mul
    d = _fetch64(data, length - 16) * _full(count, K2)
    y = _rotate(a + b, 43) + _rotate(c, 30) + d
    z = _hash_len16(y, a + _rotate(b + _full(count, K2), 18) + c, mul)
    e = _fetch64(data, 16) * mul
    f = _fetch64(data, 24)
    g = (y + _fetch64(data, length - 32)) * mul
    h = (z + _fetch64(data, length - 24)) * mul
    return _hash_len16(_rotate(e + f, 43) + _rotate(g, 30) + h, e + _rotate(f + a, 18) + g, mul)


def _weak_hash_len32(data, offset: int, a, b):
    """FarmHash's WeakHashLen32WithSeeds over the 32 bytes at ``offset``: a pair."""
    w, x = _fetch64(data, offset), _fetch64(data, offset + 8)
    y, z = _fetch64(data, offset + 16), _fetch64(data, offset + 24)
    a = a + w
    b = _rotate(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rotate(a, 44)
    return a + z, b + c


def _farm_over_64(data, length: int):
    count = data.shape[0]
    k1, k2 = _full(count, K1), _full(count, K2)
    seed = 81
    x = _full(count, seed)
    y = _full(count, seed * K1 + 113)
    z = _shift_mix(y * k2 + _full(count, 113)) * k2
    v = (_full(count, 0), _full(count, 0))
    w = (_full(count, 0), _full(count, 0))
    x = x * k2 + _fetch64(data, 0)
    end = ((length - 1) // 64) * 64
    last64 = end + ((length - 1) & 63) - 63
    for start in range(0, end, 64):  # 64-byte chunks
        x = _rotate(x + y + v[0] + _fetch64(data, start + 8), 37) * k1
        y = _rotate(y + v[1] + _fetch64(data, start + 48), 42) * k1
        x = x ^ w[1]
        y = y + v[0] + _fetch64(data, start + 40)
        z = _rotate(z + w[0], 33) * k1
        v = _weak_hash_len32(data, start, v[1] * k1, x + w[0])
        w = _weak_hash_len32(data, start + 32, z + w[1], y + _fetch64(data, start + 16))
        z, x = x, z
    mul = k1 + ((z & _U64(0xFF)) << _U64(1))
    w = (w[0] + _full(count, (length - 1) & 63), w[1])
    v = (v[0] + w[0], v[1])
    w = (w[0] + v[0], w[1])
    x = _rotate(x + y + v[0] + _fetch64(data, last64 + 8), 37) * mul
    y = _rotate(y + v[1] + _fetch64(data, last64 + 48), 42) * mul
    x = x ^ (w[1] * _full(count, 9))
    y = y + v[0] * _full(count, 9) + _fetch64(data, last64 + 40)
    z = _rotate(z + w[0], 33) * mul
    v = _weak_hash_len32(data, last64, v[1] * mul, x + w[0])
    w = _weak_hash_len32(data, last64 + 32, z + w[1], y + _fetch64(data, last64 + 16))
    z, x = x, z
    return _hash_len16(
        _hash_len16(v[0], w[0], mul) + _shift_mix(y) * _full(count, K0) + z,
        _hash_len16(v[1], w[1], mul) + x,
        mul,
    )


def _farm_fingerprint(data, length: int):
    if length <= 16:
        return _farm_0_to_16(data, length)
    if length <= 32:
        return _farm_17_to_32(data, length)
    if length <= 64:
        return _farm_33_to_64(data, length)
    return _farm_over_64(data, length)


# ---- SipHash-2-4 ---------------------------------------------------------------------------


def _sip_rounds(v0, v1, v2, v3, rounds: int):
    for _ in range(rounds):
        v0 = v0 + v1
        v1 = _rotate(v1, 64 - 13) ^ v0  # rotate left by 13
        v0 = _rotate(v0, 32)
        v2 = v2 + v3
        v3 = _rotate(v3, 64 - 16) ^ v2
        v0 = v0 + v3
        v3 = _rotate(v3, 64 - 21) ^ v0
        v2 = v2 + v1
        v1 = _rotate(v1, 64 - 17) ^ v2
        v2 = _rotate(v2, 32)
    return v0, v1, v2, v3


def _siphash_of_length(data, length: int, key):
    count = data.shape[0]
    k0, k1 = _full(count, key[0]), _full(count, key[1])
    v0 = k0 ^ _full(count, 0x736F6D6570736575)
    v1 = k1 ^ _full(count, 0x646F72616E646F6D)
    v2 = k0 ^ _full(count, 0x6C7967656E657261)
    v3 = k1 ^ _full(count, 0x7465646279746573)
    whole = length - length % 8
    for start in range(0, whole, 8):
        block = _fetch64(data, start)
        v3 = v3 ^ block
        v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 2)
        v0 = v0 ^ block
    tail = np.zeros((count, 8), dtype=np.uint8)
    tail[:, : length - whole] = data[:, whole:length]
    tail[:, 7] = length & 0xFF  # the length's low byte closes the last block
    block = _fetch64(tail, 0)
    v3 = v3 ^ block
    v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 2)
    v0 = v0 ^ block
    v2 = v2 ^ _full(count, 0xFF)
    v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


# ---- vectorised entry points ---------------------------------------------------------------


def _utf8(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _hash_strings(values, hash_of_length) -> np.ndarray:
    """Apply ``hash_of_length(bytes matrix, length)`` to every value, grouped by length."""
    values = np.asarray(values)
    unique, inverse = np.unique(values.reshape(-1), return_inverse=True)
    encoded = [_utf8(value) for value in unique]
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    hashes = np.zeros(len(encoded), dtype=_U64)
    for length in np.unique(lengths):
        members = np.flatnonzero(lengths == length)
        joined = b"".join(encoded[i] for i in members)
        data = np.frombuffer(joined, dtype=np.uint8).reshape(len(members), int(length))
        hashes[members] = hash_of_length(data, int(length))
    return hashes[inverse].reshape(values.shape)


def fingerprint64(values) -> np.ndarray:
    """FarmHash Fingerprint64 of each value's UTF-8 bytes (uint64, same shape)."""
    return _hash_strings(values, _farm_fingerprint)


def siphash(values, key) -> np.ndarray:
    """SipHash-2-4 of each value's UTF-8 bytes under ``key`` (two unsigned 64-bit ints)."""
    key = tuple(int(k) & _MASK for k in key)
    return _hash_strings(values, lambda data, length: _siphash_of_length(data, length, key))


def fingerprint_cat64(first, second) -> np.ndarray:
    """TensorFlow's FingerprintCat64: combines two uint64 hash arrays (broadcast)."""
    first, second = np.broadcast_arrays(np.asarray(first, _U64), np.asarray(second, _U64))
    mul = np.full(first.shape, _CAT_MUL, dtype=_U64)
    result = first ^ mul
    result = result ^ (_shift_mix(second * mul) * mul)
    result = result * mul
    result = _shift_mix(result) * mul
    return _shift_mix(result)
