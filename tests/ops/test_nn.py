"""lamina.ops neural-network ops against float64 NumPy formulas."""

import math

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from lamina import backend, ops
from lamina.ops import nn as ops_nn
from tests.harness import assert_close, check_gradients
from tests.layers.convolutional.conv_transpose_reference import conv_transpose_reference
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic, uncovered
from tests.ops.test_activations import CASES as ACTIVATION_CASES
from tests.ops.test_adaptive_pooling_and_separable_conv import CASES as WINDOW_CASES
from tests.ops.test_ctc import CASES as CTC_CASES
from tests.ops.test_encoding import CASES as ENCODING_CASES
from tests.ops.test_normalization import CASES as NORMALIZATION_CASES
from tests.ops.test_patches import CASES as PATCHES_CASES
from tests.ops.test_signals import CASES as SIGNALS_CASES

M = (4, 5)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
EPS = 1e-7  # backend.epsilon() by default


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(x))


def _gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


_erf = np.vectorize(math.erf)


def _gelu_exact(x):
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _one_hot(ids, num_classes, axis=-1):
    out = np.eye(num_classes)[np.clip(ids, 0, None)] * (ids >= 0)[..., None]
    return np.moveaxis(out, -1, axis)


def _activation(name, reference, kinds="normal", **options):
    return OpCase(name, getattr(ops, name), reference, (M,), kinds, **options)


ACTIVATIONS = [
    _activation("relu", lambda x: np.maximum(x, 0)),
    _activation("relu", lambda x: np.maximum(x, 0), "int", dtype="int32", label="int"),  # Keras
    OpCase("relu6", lambda x: ops.relu6(ops.multiply(x, 4.0)), lambda x: np.clip(4 * x, 0, 6),
           (M,)),
    _activation("sigmoid", _sigmoid),
    _activation("softplus", _softplus),
    _activation("softsign", lambda x: x / (1 + np.abs(x))),
    _activation("silu", lambda x: x * _sigmoid(x)),
    _activation("swish", lambda x: x * _sigmoid(x)),
    _activation("gelu", _gelu_tanh),
    OpCase("gelu", lambda x: ops.gelu(x, approximate=False), _gelu_exact, (M,), label="exact"),
    _activation("elu", lambda x: np.where(x > 0, x, np.expm1(x))),
    OpCase("elu", lambda x: ops.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)),
           (M,), label="alpha"),
    _activation("selu", lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    _activation("leaky_relu", lambda x: np.where(x > 0, x, 0.2 * x)),
    OpCase("leaky_relu", lambda x: ops.leaky_relu(x, negative_slope=0.05),
           lambda x: np.where(x > 0, x, 0.05 * x), (M,), label="slope"),
    OpCase("hard_sigmoid", lambda x: ops.hard_sigmoid(ops.multiply(x, 3.0)),
           lambda x: np.clip(3 * x + 3, 0, 6) / 6, (M,)),
    OpCase("hard_silu", lambda x: ops.hard_silu(ops.multiply(x, 3.0)),
           lambda x: 3 * x * np.clip(3 * x + 3, 0, 6) / 6, (M,)),
    _activation("log_sigmoid", lambda x: -_softplus(-x)),
    _activation("softmax", _softmax),
    OpCase("softmax", lambda x: ops.softmax(x, axis=0), lambda x: _softmax(x, 0), (M,),
           label="axis0"),
    OpCase("softmax", lambda x: ops.softmax(x, axis=(1, 2)), lambda x: _softmax(x, (1, 2)),
           ((2, 3, 4),), label="axes"),
    _activation("log_softmax", _log_softmax),
    OpCase("log_softmax", lambda x: ops.log_softmax(x, axis=1), lambda x: _log_softmax(x, 1),
           ((2, 3, 4),), label="axis1"),
]  # fmt: skip


def _moments(x, axes, keepdims=False):
    return np.mean(x, axis=axes, keepdims=keepdims), np.var(x, axis=axes, keepdims=keepdims)


def _batch_norm(x, mean, variance, offset, scale, epsilon=1e-3):
    return (x - mean) / np.sqrt(variance + epsilon) * scale + offset


def _categorical_ce(target, output, from_logits):
    if from_logits:
        return -np.sum(target * _log_softmax(output), axis=-1)
    output = output / np.sum(output, axis=-1, keepdims=True)
    return -np.sum(target * np.log(np.clip(output, EPS, 1 - EPS)), axis=-1)


def _sparse_ce(target, output, from_logits):
    return _categorical_ce(_one_hot(target, output.shape[-1]), output, from_logits)


def _binary_ce(target, output, from_logits):
    if from_logits:
        output = _sigmoid(output)
    output = np.clip(output, EPS, 1 - EPS)
    return -(target * np.log(output) + (1 - target) * np.log(1 - output))


OTHERS = [
    OpCase("one_hot", lambda i: ops.one_hot(i, 5), lambda i: _one_hot(i, 5), ((4, 3),),
           "label:5", dtype="float32"),
    OpCase("one_hot", lambda i: ops.one_hot(i, 4, axis=1, dtype="int32"),
           lambda i: _one_hot(i, 4, axis=1), ((4, 3),), "label:4", dtype="int32", label="axis1"),
    OpCase("moments", lambda x: ops.moments(x, axes=[0]), lambda x: _moments(x, 0), (M,)),
    OpCase("moments", lambda x: ops.moments(x, axes=[0, 1], keepdims=True),
           lambda x: _moments(x, (0, 1), keepdims=True), ((4, 3, 2),), label="keepdims"),
    OpCase("batch_normalization",
           lambda x, m, v, o, s: ops.batch_normalization(x, m, v, axis=-1, offset=o, scale=s),
           _batch_norm, (M, (5,), (5,), (5,), (5,)),
           ("normal", "normal", "positive", "normal", "normal")),
    OpCase("batch_normalization",
           lambda x, m, v: ops.batch_normalization(x, m, v, axis=1, epsilon=0.01),
           lambda x, m, v: (x - m[:, None]) / np.sqrt(v[:, None] + 0.01),
           ((4, 3, 2), (3,), (3,)), ("normal", "normal", "positive"), label="axis1"),
]  # fmt: skip

for _from_logits, _kinds in ((True, "normal"), (False, "probs")):
    _label = "logits" if _from_logits else "probs"
    OTHERS += [
        OpCase("categorical_crossentropy",
               lambda t, o, f=_from_logits: ops.categorical_crossentropy(t, o, from_logits=f),
               lambda t, o, f=_from_logits: _categorical_ce(t, o, f), (M, M),
               ("probs", _kinds), label=_label),
        OpCase("sparse_categorical_crossentropy",
               lambda t, o, f=_from_logits: ops.sparse_categorical_crossentropy(
                   t, o, from_logits=f),
               lambda t, o, f=_from_logits: _sparse_ce(t, o, f), ((4,), M),
               ("index:5", _kinds), dtype="float32", batch_inputs=(0, 1), label=_label),
        OpCase("binary_crossentropy",
               lambda t, o, f=_from_logits: ops.binary_crossentropy(t, o, from_logits=f),
               lambda t, o, f=_from_logits: _binary_ce(t, o, f), (M, M),
               ("binary", "normal" if _from_logits else "open01"), label=_label),
    ]  # fmt: skip


# ---- convolution and pooling (channels_last), a direct NumPy loop over windows -------------


def _conv2d(x, kernel, strides=1, padding="valid"):
    if padding == "same":
        kh, kw = kernel.shape[:2]
        x = np.pad(x, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
    windows = sliding_window_view(x, kernel.shape[:2], axis=(1, 2))  # (N, H', W', C, kh, kw)
    windows = windows[:, ::strides, ::strides]
    return np.einsum("nhwcij,ijco->nhwo", windows, kernel)


def _depthwise2d(x, kernel):
    windows = sliding_window_view(x, kernel.shape[:2], axis=(1, 2))
    out = np.einsum("nhwcij,ijcm->nhwcm", windows, kernel)
    return out.reshape(*out.shape[:3], -1)


def _pool2d(x, size, reduce):
    windows = sliding_window_view(x, (size, size), axis=(1, 2))[:, ::size, ::size]
    return reduce(windows, axis=(-2, -1))


POOLING = [
    OpCase("conv", ops.conv, _conv2d, ((2, 6, 5, 3), (3, 2, 3, 4)), rtol=1e-4, atol=1e-4,
           batch_inputs=(0,)),
    OpCase("conv", lambda x, k: ops.conv(x, k, strides=2), lambda x, k: _conv2d(x, k, 2),
           ((2, 7, 7, 3), (3, 3, 3, 2)), rtol=1e-4, atol=1e-4, label="strides"),
    OpCase("conv", lambda x, k: ops.conv(x, k, padding="same"),
           lambda x, k: _conv2d(x, k, padding="same"), ((2, 5, 5, 2), (3, 3, 2, 2)),
           rtol=1e-4, atol=1e-4, label="same"),
    OpCase("depthwise_conv", ops.depthwise_conv, _depthwise2d, ((2, 5, 5, 3), (2, 2, 3, 2)),
           rtol=1e-4, atol=1e-4, batch_inputs=(0,)),
    OpCase("conv_transpose", ops.conv_transpose, conv_transpose_reference,
           ((2, 4, 3, 3), (3, 2, 5, 3)), rtol=1e-4, atol=1e-4, batch_inputs=(0,)),
    OpCase("conv_transpose", lambda x, k: ops.conv_transpose(x, k, strides=2, padding="same"),
           lambda x, k: conv_transpose_reference(x, k, strides=2, padding="same"),
           ((2, 4, 3, 3), (3, 3, 2, 3)), rtol=1e-4, atol=1e-4, batch_inputs=(0,), label="same"),
    OpCase("conv_transpose",
           lambda x, k: ops.conv_transpose(x, k, strides=(3, 2), output_padding=(2, 1)),
           lambda x, k: conv_transpose_reference(x, k, strides=(3, 2), output_padding=(2, 1)),
           ((2, 3, 4, 2), (2, 2, 4, 2)), rtol=1e-4, atol=1e-4, batch_inputs=(0,),
           label="output_padding"),
    OpCase("conv_transpose",
           lambda x, k: ops.conv_transpose(x, k, padding="same", dilation_rate=2),
           lambda x, k: conv_transpose_reference(x, k, padding="same", dilation_rate=2),
           ((2, 7, 3), (4, 2, 3)), rtol=1e-4, atol=1e-4, batch_inputs=(0,), label="1d-dilated"),
    OpCase("conv_transpose",
           lambda x, k: ops.conv_transpose(x, k, 2, "same", data_format="channels_first"),
           lambda x, k: conv_transpose_reference(x, k, strides=2, padding="same",
                                                 data_format="channels_first"),
           ((2, 3, 5, 4), (4, 3, 2, 3)), rtol=1e-4, atol=1e-4, batch_inputs=(0,),
           label="channels_first"),
    OpCase("max_pool", lambda x: ops.max_pool(x, 2), lambda x: _pool2d(x, 2, np.max),
           ((2, 6, 4, 3),)),
    OpCase("average_pool", lambda x: ops.average_pool(x, 2), lambda x: _pool2d(x, 2, np.mean),
           ((2, 6, 4, 3),)),
]  # fmt: skip

CASES = ACTIVATIONS + OTHERS + POOLING
SYMBOLIC = [case for case in CASES if case.symbolic]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", SYMBOLIC, ids=case_ids(SYMBOLIC))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_every_nn_op_is_covered():
    names = [name for name in ops_nn.__dict__ if not name.startswith("_")]
    public = {name for name in names if callable(getattr(ops_nn, name)) and name in ops.__all__}
    missing = uncovered(public, CASES + NORMALIZATION_CASES)  # those: test_normalization.py
    # ... and the composites' own test files (polar: test_signals.py, a complex output).
    others = ACTIVATION_CASES + CTC_CASES + ENCODING_CASES + PATCHES_CASES + SIGNALS_CASES
    others += WINDOW_CASES  # test_adaptive_pooling_and_separable_conv.py
    # dot_product_attention: tests/ops/test_attention.py (masks, bias, causal, both paths).
    missing = uncovered(missing, others, also_tested=("polar", "dot_product_attention"))
    assert not missing, f"nn ops without a NumPy comparison: {sorted(missing)}"


def test_softmax_sums_to_one_on_any_axis(rng):
    x = ops.convert_to_tensor(rng.standard_normal((2, 3, 4)).astype("float32") * 10)
    for axis in (0, 1, -1):
        assert_close(ops.sum(ops.softmax(x, axis=axis), axis=axis), np.ones(np.delete((2, 3, 4),
                     axis % 3)), atol=1e-5)  # fmt: skip


def test_softmax_is_stable_for_large_logits():
    x = ops.convert_to_tensor(np.array([[1000.0, 0.0, -1000.0]], dtype="float32"))
    assert_close(ops.softmax(x), [[1.0, 0.0, 0.0]])
    assert_close(ops.log_softmax(x), [[0.0, -1000.0, -2000.0]])


def test_one_hot_negative_ids_give_zero_rows():
    out = ops.one_hot(ops.convert_to_tensor(np.array([2, -1, 0], dtype="int32")), 3)
    assert_close(out, [[0, 0, 1], [0, 0, 0], [1, 0, 0]])


def test_one_hot_symbolic_shape():
    ids = backend.KerasTensor((None, 7), dtype="int32")
    out = ops.one_hot(ids, 10)
    assert out.shape == (None, 7, 10)
    assert out.dtype == "float32"


def test_crossentropies_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        ops.categorical_crossentropy(ops.ones((2, 3)), ops.ones((2, 4)))
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(ops.ones((2, 3)), ops.ones((3, 2)))
    with pytest.raises(ValueError, match="one dimension less"):
        ops.sparse_categorical_crossentropy(ops.ones((2, 3), dtype="int32"), ops.ones((2, 4)))


def test_sparse_crossentropy_accepts_trailing_unit_axis(rng):
    logits = rng.standard_normal((4, 5)).astype("float32")
    target = rng.integers(0, 5, (4, 1)).astype("int32")
    out = ops.sparse_categorical_crossentropy(target, logits, from_logits=True)
    assert_close(out, _sparse_ce(target[:, 0], logits.astype(np.float64), True), rtol=1e-5)


def test_binary_crossentropy_from_logits_is_stable():
    logits = ops.convert_to_tensor(np.array([100.0, -100.0], dtype="float32"))
    target = ops.convert_to_tensor(np.array([0.0, 1.0], dtype="float32"))
    assert_close(ops.binary_crossentropy(target, logits, from_logits=True), [100.0, 100.0])


# (size, kernel, strides, padding, output_padding, dilation_rate), 1-D: the cases where the
# start crop, torch's output_padding and the end slice / zero fill differ.
CONV_TRANSPOSE_1D = [
    (4, 3, 2, "same", None, 1),  # TensorFlow cuts the extra 'same' position at the end
    (4, 4, 1, "same", None, 1),  # more cut at the end than at the start
    (3, 2, 3, "valid", None, 1),  # stride > kernel: zero steps appended
    (3, 3, 3, "same", 2, 1),
    (2, 2, 2, "same", 0, 1),  # even kernel: one step shorter than size * stride
    (5, 3, 1, "same", 0, 3),  # output_padding >= stride is fine under dilation
    (5, 2, 1, "valid", None, 3),
]


@pytest.mark.parametrize("case", CONV_TRANSPOSE_1D, ids=str)
def test_conv_transpose_1d_matches_numpy_in_float64(case, rng):
    size, window, strides, padding, output_padding, dilation = case
    x, kernel = rng.standard_normal((2, size, 3)), rng.standard_normal((window, 2, 3))
    out = ops.conv_transpose(
        ops.convert_to_tensor(x, "float64"), ops.convert_to_tensor(kernel, "float64"),
        strides, padding, output_padding, dilation_rate=dilation,
    )  # fmt: skip
    want = conv_transpose_reference(x, kernel, None, strides, padding, output_padding, dilation)
    assert_close(out, want, rtol=1e-12, atol=1e-12)


def test_conv_transpose_same_matches_tensorflow_by_hand():
    # TF: x[i] lands at output i * stride + t; 'same' keeps the first size * stride steps.
    x = ops.convert_to_tensor(np.array([[[1.0], [2.0]]]))
    kernel = ops.convert_to_tensor(np.array([[[1.0]], [[10.0]], [[100.0]]]))
    assert_close(ops.conv_transpose(x, kernel, strides=2, padding="same")[0, :, 0],
                 np.array([1.0, 10.0, 102.0, 20.0]))  # fmt: skip


@pytest.mark.parametrize(
    ("length", "window", "strides"), [(8, 3, 2), (7, 3, 2), (9, 4, 3), (6, 2, 1), (5, 5, 2)]
)
def test_conv_transpose_is_the_adjoint_of_same_conv(length, window, strides, rng):
    # <conv(a, k), b> == <a, conv_transpose(b, k)> when conv maps `length` to b's length.
    kernel = rng.standard_normal((window, window, 3, 2))  # conv: 3 -> 2 channels
    a = rng.standard_normal((1, length, length, 3))
    b = rng.standard_normal((1, -(-length // strides), -(-length // strides), 2))
    a, b, kernel = (ops.convert_to_tensor(v, "float64") for v in (a, b, kernel))
    forward = ops.conv(a, kernel, strides, "same")
    output_padding = length - ((b.shape[1] - 1) * strides + window % 2)
    backward = ops.conv_transpose(b, kernel, strides, "same", output_padding=output_padding)
    assert tuple(backward.shape) == tuple(a.shape)
    assert_close(ops.sum(forward * b), ops.sum(backward * a), rtol=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"padding": "causal"}, "padding must be 'valid' or 'same'"),
        ({"kernel_shape": (3, 3, 2, 4)}, "last axis matches the input channels"),
        ({"strides": (1, 2, 3)}, "strides must be an int or a tuple of 2"),
    ],
)
def test_conv_transpose_rejects_bad_arguments(kwargs, message, rng):
    kernel = rng.standard_normal(kwargs.pop("kernel_shape", (3, 3, 2, 3)))
    with pytest.raises(ValueError, match=message):
        ops.conv_transpose(rng.standard_normal((1, 4, 4, 3)), kernel, **kwargs)


def test_one_hot_sparse_argument_as_in_keras():
    ids = np.array([1, 0, 2], dtype="int32")
    assert_close(ops.one_hot(ids, 3, sparse=False), np.eye(3)[ids])
    with pytest.raises(ValueError, match="sparse=True"):
        ops.one_hot(ids, 3, sparse=True)


@pytest.mark.parametrize("from_logits", [False, True])
def test_cross_entropies_keep_float64_inputs_as_in_keras(rng, from_logits):
    target = rng.uniform(0.05, 0.95, (3, 4))
    output = rng.uniform(0.05, 0.95, (3, 4))
    probabilities = output / output.sum(-1, keepdims=True)
    results = {
        "binary": ops.binary_crossentropy(target, output, from_logits=from_logits),
        "binary_mixed": ops.binary_crossentropy(target.astype("float32"), output,
                                                from_logits=from_logits),  # fmt: skip
        "categorical": ops.categorical_crossentropy(target, probabilities,
                                                    from_logits=from_logits),  # fmt: skip
        "sparse": ops.sparse_categorical_crossentropy(np.array([0, 3, 1]), probabilities,
                                                      from_logits=from_logits),  # fmt: skip
    }
    for name, out in results.items():
        assert ops.dtype(out) == "float64", name
    if not from_logits:
        clipped = np.clip(output, EPS, 1 - EPS)
        expected = -(target * np.log(clipped) + (1 - target) * np.log1p(-clipped))
        assert_close(results["binary"], expected, rtol=1e-12, atol=1e-12)


def _log_softmax64(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _softplus64(x):
    return np.logaddexp(0.0, x)


def _gradient_cases(rng):
    """(name, op on tensors, float64 NumPy reference, inputs): the differentiable nn ops,
    each on one small input; targets and other non-differentiated arguments are constants."""
    probabilities = rng.dirichlet(np.ones(4), size=3)
    binary = rng.uniform(0.1, 0.9, size=(3, 4))
    labels = np.array([0, 3, 1])
    mean, variance = rng.standard_normal(4), rng.uniform(0.5, 1.5, size=4)
    offset, scale = rng.standard_normal(4), rng.uniform(0.5, 1.5, size=4)
    kernel = rng.standard_normal((3, 2, 2))  # conv1d: width 3, 2 -> 2 channels

    def conv_reference(x):
        windows = sliding_window_view(x, 3, axis=1)  # (batch, out, in, width)
        return np.einsum("bock,kcd->bod", windows, kernel)

    def constant(value, dtype="float64"):
        return ops.convert_to_tensor(value, dtype=dtype)

    return [
        ("categorical_crossentropy", lambda x: ops.categorical_crossentropy(
            constant(probabilities), x, from_logits=True),
         lambda x: -(probabilities * _log_softmax64(x)).sum(-1), rng.standard_normal((3, 4))),
        ("sparse_categorical_crossentropy", lambda x: ops.sparse_categorical_crossentropy(
            constant(labels, "int32"), x, from_logits=True),
         lambda x: -_log_softmax64(x)[np.arange(3), labels], rng.standard_normal((3, 4))),
        ("binary_crossentropy", lambda x: ops.binary_crossentropy(
            constant(binary), x, from_logits=True),
         lambda x: binary * _softplus64(-x) + (1 - binary) * _softplus64(x),
         rng.standard_normal((3, 4))),
        ("log_softmax", ops.log_softmax, _log_softmax64, rng.standard_normal((3, 4))),
        ("moments", lambda x: sum(ops.moments(x, axes=[0])),
         lambda x: x.mean(0) + x.var(0), rng.standard_normal((3, 4))),
        ("batch_normalization", lambda x: ops.batch_normalization(
            x, constant(mean), constant(variance), axis=-1, offset=constant(offset),
            scale=constant(scale), epsilon=1e-3),
         lambda x: (x - mean) / np.sqrt(variance + 1e-3) * scale + offset,
         rng.standard_normal((3, 4))),
        ("normalize", ops.normalize,
         lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True), rng.standard_normal((3, 4))),
        ("conv", lambda x: ops.conv(x, constant(kernel)), conv_reference,
         rng.standard_normal((2, 5, 2))),
        ("average_pool", lambda x: ops.average_pool(x, 2),
         lambda x: x.reshape(2, 2, 2, 2).mean(2), rng.standard_normal((2, 4, 2))),
    ]  # fmt: skip


def test_gradients_match_central_differences(rng):
    """The engine's gradients of the differentiable nn ops (torch, JAX, TF) equal float64
    central differences of the NumPy formulas."""
    for name, fn, reference, x in _gradient_cases(rng):
        check_gradients(fn, reference, [x], rtol=1e-5, atol=1e-6, err_msg=name)
