"""ops.nn.normalize, rms_normalization and layer_normalization against float64 NumPy."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic

EPS = 1e-7  # backend.epsilon() by default


def _normalize(x, axis=-1, order=2, epsilon=EPS):
    if order == 2:
        norm = np.sqrt(np.sum(x * x, axis=axis, keepdims=True))
    else:
        norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    return x / np.maximum(norm, epsilon)


def _rms(x, scale=None, axis=(-1,), epsilon=EPS):
    out = x / np.sqrt(np.mean(x * x, axis=axis, keepdims=True) + epsilon)
    return out if scale is None else out * scale


def _layer_norm(x, gamma=None, beta=None, axis=(-1,), epsilon=EPS):
    axes = tuple(sorted(a % x.ndim for a in axis))
    shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
    out = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(
        x.var(axis=axes, keepdims=True) + epsilon
    )
    if gamma is not None:
        out = out * gamma.reshape(shape)
    if beta is not None:
        out = out + beta.reshape(shape)
    return out


X = (3, 4, 5)
CASES = [
    OpCase("normalize", ops.normalize, _normalize, (X,)),
    OpCase("normalize", lambda x: ops.normalize(x, axis=1, order=3), lambda x: _normalize(x, 1, 3),
           (X,), label="order3"),
    OpCase("normalize", lambda x: ops.normalize(x, axis=None), lambda x: _normalize(x, None),
           (X,), batch=False, label="all-axes"),
    OpCase("normalize", lambda x: ops.normalize(x, axis=(1, 2)),
           lambda x: _normalize(x, (1, 2)).astype(np.float32), (X,), "int", dtype="float32",
           label="int"),
    OpCase("rms_normalization", ops.rms_normalization, _rms, (X,)),
    OpCase("rms_normalization", lambda x, s: ops.rms_normalization(x, s, axis=[1, 2], epsilon=0.1),
           lambda x, s: _rms(x, s, (1, 2), 0.1), (X, (4, 5)), label="scale-axes"),
    OpCase("layer_normalization", ops.layer_normalization, _layer_norm, (X,)),
    OpCase("layer_normalization", lambda x, g, b: ops.layer_normalization(x, g, b, axis=1),
           lambda x, g, b: _layer_norm(x, g, b, (1,)), (X, (4,), (4,)), label="gamma-beta-axis1"),
    OpCase("layer_normalization",
           lambda x, g: ops.layer_normalization(x, gamma=g, axis=(2, 1), epsilon=1e-3),
           lambda x, g: _layer_norm(x, g, None, (1, 2), 1e-3), (X, (4, 5)), label="two-axes"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


@pytest.mark.parametrize("op_name", ["rms_normalization", "layer_normalization"])
def test_half_precision_is_computed_in_float32(op_name, rng):
    x = rng.standard_normal((2, 8)) * 3 + 1
    y = getattr(ops, op_name)(x.astype("float16"))
    assert ops.dtype(y) == "float16"
    reference = _rms(x) if op_name == "rms_normalization" else _layer_norm(x)
    assert_close(y, reference, rtol=1e-2, atol=1e-2)


def test_normalize_caps_the_inverse_norm_at_one_over_epsilon():
    y = ops.normalize(np.zeros((2, 3), "float32"))
    assert_close(y, np.zeros((2, 3)))  # 0 / max(0, eps): no nan
    y = ops.normalize(np.full((1, 2), 1e-4, "float32"), epsilon=1.0)
    assert_close(y, np.full((1, 2), 1e-4), rtol=1e-4)


def test_layer_normalization_rms_scaling_is_deprecated_but_works(rng):
    x = rng.standard_normal((2, 5)).astype("float32")
    with pytest.warns(UserWarning, match="rms_scaling"):
        y = ops.layer_normalization(x, rms_scaling=True)
    x64 = x.astype(np.float64)
    assert_close(y, x64 / np.sqrt(x64.var(axis=-1, keepdims=True) + EPS), rtol=1e-5)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda x: ops.normalize(x, order=0), ValueError, "'order'.*order=0"),
        (lambda x: ops.normalize(x, order=2.0), ValueError, "'order'"),
        (lambda x: ops.normalize(x, axis=3), ValueError, "axis 3 is out of range"),
        (lambda x: ops.rms_normalization(x, axis="last"), TypeError, "'axis'.*'last'"),
        (lambda x: ops.layer_normalization(x, axis=[]), TypeError, "'axis'"),
        (lambda x: ops.layer_normalization(x, axis=-4), ValueError, "axis -4"),
        (lambda x: ops.layer_normalization(x, gamm=1.0), TypeError, "gamm"),
    ],
)
def test_bad_arguments_name_the_argument(call, error, message, rng):
    with pytest.raises(error, match=message):
        call(rng.standard_normal(X).astype("float32"))


@pytest.mark.parametrize(
    ("fn", "reference"),
    [
        (lambda x, g: ops.rms_normalization(x, g, axis=-1), lambda x, g: _rms(x, g)),
        (lambda x, g: ops.layer_normalization(x, g, axis=-1), lambda x, g: _layer_norm(x, g)),
        (lambda x, g: ops.multiply(ops.normalize(x, axis=-1), g),
         lambda x, g: _normalize(x) * g),
    ],
    ids=["rms_normalization", "layer_normalization", "normalize"],
)  # fmt: skip
def test_gradients_match_finite_differences(fn, reference, rng):
    x, g = rng.standard_normal((2, 4)), rng.uniform(0.5, 1.5, (4,))
    weights = rng.standard_normal((2, 4))  # so that d(sum)/dx is not trivially zero
    got = engine_gradients(lambda x, g: ops.multiply(fn(x, g), weights), [x, g])
    want = numeric_gradients(lambda x, g: reference(x, g) * weights, [x, g])
    for a, b in zip(got, want):
        assert_close(a, b, rtol=1e-5, atol=1e-7)


def test_backend_epsilon_is_the_default():
    assert backend.epsilon() == EPS
