"""lamina.ops NumPy-like ops against float64 NumPy: values, dtypes and symbolic shapes."""

import numpy as np
import pytest

from lamina import backend, ops
from lamina.ops import numpy as ops_numpy
from tests.harness import assert_close
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic, uncovered

M = (4, 3)  # a small matrix shape used throughout


def _unary(name, reference, kinds="normal", shape=M, **options):
    return OpCase(name, getattr(ops, name), reference, (shape,), kinds, **options)


def _binary(name, reference, kinds="normal", shapes=(M, M), **options):
    return OpCase(name, getattr(ops, name), reference, shapes, kinds, **options)


UNARY = [
    _unary("negative", np.negative),
    _unary("absolute", np.abs),
    _unary("abs", np.abs),
    _unary("abs", np.abs, "int", label="int"),
    _unary("sign", np.sign),
    _unary("sqrt", np.sqrt, "positive"),
    _unary("sqrt", np.sqrt, "int_pos", dtype="float32", label="int"),
    _unary("square", np.square),
    _unary("exp", np.exp),
    _unary("exp", np.exp, "int", dtype="float32", label="int"),
    _unary("expm1", np.expm1),
    _unary("log", np.log, "positive"),
    _unary("log1p", np.log1p, "positive"),
    _unary("log2", np.log2, "positive"),
    _unary("log10", np.log10, "positive"),
    _unary("reciprocal", np.reciprocal, "positive"),
    _unary("sin", np.sin),
    _unary("cos", np.cos),
    _unary("tan", np.tan, "unit"),
    _unary("arctan", np.arctan),
    _unary("sinh", np.sinh),
    _unary("cosh", np.cosh),
    _unary("tanh", np.tanh),
    _unary("floor", np.floor),
    _unary("ceil", np.ceil),
    _unary("round", np.round),
    _unary("round", np.round, "int", label="int"),
    _unary("logical_not", np.logical_not, "bool"),
    _unary("isnan", np.isnan),
    _unary("isinf", np.isinf),
    _unary("isfinite", np.isfinite),
    _unary("ravel", np.ravel),
    _unary("copy", np.copy),
    OpCase("round", lambda x: ops.round(x, decimals=2), lambda x: np.round(x, 2), (M,),
           label="decimals", atol=1e-6),
    OpCase("clip", lambda x: ops.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), (M,)),
    OpCase("clip", lambda x: ops.clip(x, -2, 3), lambda x: np.clip(x, -2, 3), (M,), "int",
           label="int"),
]  # fmt: skip

BINARY = [
    _binary("add", np.add),
    _binary("add", np.add, shapes=(M, (3,)), label="broadcast"),
    _binary("add", np.add, ("int", "normal"), dtype="float32", label="int+float"),
    _binary("subtract", np.subtract),
    _binary("multiply", np.multiply),
    _binary("multiply", np.multiply, "int", label="int"),
    _binary("divide", np.divide, ("normal", "positive")),
    _binary("divide", np.divide, "int", dtype="float32", label="int"),
    _binary("divide_no_nan", lambda a, b: np.where(b == 0, 0.0, a / np.where(b == 0, 1, b)),
            ("normal", "binary")),
    _binary("true_divide", np.true_divide, ("normal", "positive")),
    _binary("floor_divide", np.floor_divide, ("normal", "positive")),
    _binary("floor_divide", np.floor_divide, "int", label="int"),
    _binary("mod", np.mod, ("normal", "positive")),
    _binary("mod", np.mod, "int", label="int"),
    _binary("power", np.power, ("positive", "normal")),
    _binary("logaddexp", np.logaddexp),
    _binary("maximum", np.maximum),
    _binary("minimum", np.minimum),
    _binary("equal", np.equal, "int"),
    _binary("not_equal", np.not_equal, "int"),
    _binary("less", np.less),
    _binary("less_equal", np.less_equal, "int"),
    _binary("greater", np.greater),
    _binary("greater_equal", np.greater_equal, "int"),
    _binary("logical_and", np.logical_and, "bool"),
    _binary("logical_or", np.logical_or, "bool"),
    _binary("matmul", np.matmul, shapes=(M, (3, 5))),
    _binary("matmul", np.matmul, shapes=((2, 4, 3), (2, 3, 5)), label="batched"),
    _binary("dot", np.dot, shapes=(M, (3, 2))),
    _binary("dot", np.dot, shapes=((3,), (3,)), label="vectors", batch=False),
    _binary("outer", np.outer, shapes=((4,), (3,))),
    OpCase("add", lambda x: ops.add(x, 2), lambda x: x + 2, (M,), "int", label="int+pyint"),
    OpCase("add", lambda x: ops.add(x, 0.5), lambda x: x + 0.5, (M,), "int", dtype="float32",
           label="int+pyfloat"),
    OpCase("subtract", lambda x: ops.subtract(1.5, x), lambda x: 1.5 - x, (M,),
           label="scalar-first"),
    OpCase("maximum", lambda x: ops.maximum(x, 0.1), lambda x: np.maximum(x, 0.1), (M,),
           label="scalar"),
    OpCase("minimum", lambda x: ops.minimum(0.1, x), lambda x: np.minimum(0.1, x), (M,),
           label="scalar"),
    OpCase("power", lambda x: ops.power(x, 3), lambda x: x**3, (M,), label="pyint"),
    OpCase("where", ops.where, np.where, (M, M, M), ("bool", "normal", "normal"),
           dtype="float32"),
    OpCase("where", lambda c: ops.where(c, 1.0, -1.0), lambda c: np.where(c, 1.0, -1.0), (M,),
           "bool", dtype="float32", label="scalars"),
    OpCase("where", ops.where, lambda c: np.nonzero(c), (M,), "bool", dtype="int64",
           symbolic=False, label="nonzero"),
    OpCase("tensordot", lambda a, b: ops.tensordot(a, b, axes=1), lambda a, b: np.tensordot(
        a, b, axes=1), (M, (3, 5))),
    OpCase("tensordot", lambda a, b: ops.tensordot(a, b, axes=([0, 1], [1, 0])),
           lambda a, b: np.tensordot(a, b, axes=([0, 1], [1, 0])), (M, (3, 4)), batch=False,
           label="pairs"),
    OpCase("einsum", lambda a, b: ops.einsum("bij,bjk->bik", a, b),
           lambda a, b: np.einsum("bij,bjk->bik", a, b), ((2, 4, 3), (2, 3, 5))),
]  # fmt: skip

REDUCTIONS = [
    OpCase("sum", ops.sum, np.sum, (M,), batch=False),
    OpCase("sum", lambda x: ops.sum(x, axis=1), lambda x: np.sum(x, axis=1), (M,), label="axis"),
    OpCase("sum", lambda x: ops.sum(x, axis=(0, 2), keepdims=True),
           lambda x: np.sum(x, axis=(0, 2), keepdims=True), ((2, 3, 4),), label="keepdims"),
    OpCase("sum", lambda x: ops.sum(x, axis=None, keepdims=True),
           lambda x: np.sum(x, keepdims=True), (M,), label="all-keepdims"),
    OpCase("sum", lambda x: ops.sum(x, axis=0), lambda x: np.sum(x, axis=0), (M,), "int",
           label="int"),
    OpCase("sum", lambda x: ops.sum(x, axis=-1), lambda x: np.sum(x, axis=-1), (M,), "bool",
           dtype="int32", label="bool"),
    OpCase("mean", ops.mean, np.mean, (M,), batch=False),
    OpCase("mean", lambda x: ops.mean(x, axis=0), lambda x: np.mean(x, axis=0), (M,),
           label="axis0"),
    OpCase("mean", lambda x: ops.mean(x, axis=-1), lambda x: np.mean(x, axis=-1), (M,), "int",
           dtype="float32", label="int"),
    OpCase("prod", lambda x: ops.prod(x, axis=1), lambda x: np.prod(x, axis=1), (M,)),
    OpCase("prod", lambda x: ops.prod(x, axis=(0, 1)), lambda x: np.prod(x, axis=(0, 1)),
           ((2, 3, 2),), label="axes"),
    OpCase("prod", lambda x: ops.prod(x, axis=1), lambda x: np.prod(x, axis=1), (M,), "int",
           label="int"),
    OpCase("max", lambda x: ops.max(x, axis=1), lambda x: np.max(x, axis=1), (M,)),
    OpCase("max", ops.max, np.max, (M,), label="all", batch=False),
    OpCase("max", lambda x: ops.max(x, axis=0, initial=0.5),
           lambda x: np.max(x, axis=0, initial=0.5), (M,), label="initial"),
    OpCase("min", lambda x: ops.min(x, axis=0, keepdims=True),
           lambda x: np.min(x, axis=0, keepdims=True), (M,)),
    OpCase("amax", lambda x: ops.amax(x, axis=-1), lambda x: np.amax(x, axis=-1), (M,)),
    OpCase("amin", lambda x: ops.amin(x, axis=-1), lambda x: np.amin(x, axis=-1), (M,), "int"),
    OpCase("var", lambda x: ops.var(x, axis=0), lambda x: np.var(x, axis=0), (M,)),
    OpCase("var", ops.var, np.var, (M,), "int", dtype="float32", label="int", batch=False),
    OpCase("std", lambda x: ops.std(x, axis=-1), lambda x: np.std(x, axis=-1), (M,)),
    OpCase("argmax", lambda x: ops.argmax(x, axis=-1), lambda x: np.argmax(x, axis=-1), (M,),
           dtype="int32"),
    OpCase("argmax", ops.argmax, np.argmax, (M,), dtype="int32", label="flat", batch=False),
    OpCase("argmin", lambda x: ops.argmin(x, axis=0), lambda x: np.argmin(x, axis=0), (M,),
           dtype="int32"),
    OpCase("argmin", lambda x: ops.argmin(x, axis=1, keepdims=True),
           lambda x: np.argmin(x, axis=1, keepdims=True), (M,), dtype="int32", label="keepdims"),
    OpCase("argsort", ops.argsort, np.argsort, (M,), dtype="int32"),
    OpCase("argsort", lambda x: ops.argsort(x, axis=0), lambda x: np.argsort(x, axis=0), (M,),
           dtype="int32", label="axis0"),
    OpCase("sort", ops.sort, np.sort, (M,)),
    OpCase("sort", lambda x: ops.sort(x, axis=None), lambda x: np.sort(x, axis=None), (M,),
           label="flat"),
    OpCase("cumsum", lambda x: ops.cumsum(x, axis=1), lambda x: np.cumsum(x, axis=1), (M,)),
    OpCase("cumsum", ops.cumsum, np.cumsum, (M,), "int", label="flat-int"),
    OpCase("cumprod", lambda x: ops.cumprod(x, axis=0), lambda x: np.cumprod(x, axis=0), (M,)),
    OpCase("cumprod", lambda x: ops.cumprod(x, axis=1), lambda x: np.cumprod(x, axis=1), (M,),
           "int", label="int"),
    OpCase("any", lambda x: ops.any(x, axis=1), lambda x: np.any(x, axis=1), (M,), "bool"),
    OpCase("all", lambda x: ops.all(x, axis=0), lambda x: np.all(x, axis=0), (M,), "bool"),
    OpCase("all", ops.all, np.all, (M,), "bool", label="flat", batch=False),
    OpCase("count_nonzero", lambda x: ops.count_nonzero(x, axis=1),
           lambda x: np.count_nonzero(x, axis=1), (M,), "bool", dtype="int32"),
]  # fmt: skip

SHAPES = [
    OpCase("reshape", lambda x: ops.reshape(x, (-1, 6)), lambda x: np.reshape(x, (-1, 6)),
           ((4, 3, 2),)),
    OpCase("transpose", ops.transpose, np.transpose, ((4, 3, 2),)),
    OpCase("transpose", lambda x: ops.transpose(x, (0, 2, 1)),
           lambda x: np.transpose(x, (0, 2, 1)), ((4, 3, 2),), label="axes"),
    OpCase("swapaxes", lambda x: ops.swapaxes(x, 0, 2), lambda x: np.swapaxes(x, 0, 2),
           ((4, 3, 2),)),
    OpCase("moveaxis", lambda x: ops.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1),
           ((4, 3, 2),)),
    OpCase("expand_dims", lambda x: ops.expand_dims(x, 1), lambda x: np.expand_dims(x, 1), (M,)),
    OpCase("expand_dims", lambda x: ops.expand_dims(x, (-1, 1)),
           lambda x: np.expand_dims(x, (-1, 1)), (M,), label="tuple"),
    OpCase("squeeze", lambda x: ops.squeeze(x, 1), lambda x: np.squeeze(x, 1), ((4, 1, 3),)),
    OpCase("squeeze", ops.squeeze, np.squeeze, ((4, 1, 3, 1),), label="all"),
    OpCase("concatenate", lambda a, b: ops.concatenate([a, b], axis=0),
           lambda a, b: np.concatenate([a, b], axis=0), (M, (2, 3))),
    OpCase("concatenate", lambda a, b: ops.concatenate([a, b], axis=-1),
           lambda a, b: np.concatenate([a, b], axis=-1), (M, (4, 2)), label="last"),
    OpCase("stack", lambda a, b: ops.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1),
           (M, M)),
    OpCase("split", lambda x: ops.split(x, 2, axis=1), lambda x: np.split(x, 2, axis=1),
           ((4, 6),)),
    OpCase("split", lambda x: ops.split(x, [1, 4], axis=-1),
           lambda x: np.split(x, [1, 4], axis=-1), ((4, 6),), label="indices"),
    OpCase("tile", lambda x: ops.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)), (M,)),
    OpCase("repeat", lambda x: ops.repeat(x, 2, axis=1), lambda x: np.repeat(x, 2, axis=1),
           (M,)),
    OpCase("repeat", lambda x: ops.repeat(x, 3), lambda x: np.repeat(x, 3), (M,), label="flat"),
    OpCase("broadcast_to", lambda x: ops.broadcast_to(x, (2, 4, 3)),
           lambda x: np.broadcast_to(x, (2, 4, 3)), (M,), batch=False),
    OpCase("flip", lambda x: ops.flip(x, axis=1), lambda x: np.flip(x, axis=1), (M,)),
    OpCase("flip", ops.flip, np.flip, (M,), label="all"),
    OpCase("take", lambda x, i: ops.take(x, i, axis=1), lambda x, i: np.take(x, i, axis=1),
           (M, (2, 5)), ("normal", "index:3")),
    OpCase("take", lambda x, i: ops.take(x, i), lambda x, i: np.take(x, i), (M, (5,)),
           ("normal", "index:12"), label="flat"),
    OpCase("take", lambda x: ops.take(x, -1, axis=0), lambda x: np.take(x, -1, axis=0), (M,),
           label="negative", batch=False),
    OpCase("take_along_axis", lambda x, i: ops.take_along_axis(x, i, axis=1),
           lambda x, i: np.take_along_axis(x, i, axis=1), (M, (4, 2)), ("normal", "index:3")),
    OpCase("pad", lambda x: ops.pad(x, ((1, 2), (0, 1))),
           lambda x: np.pad(x, ((1, 2), (0, 1))), (M,)),
    OpCase("pad", lambda x: ops.pad(x, 1, constant_values=2.5),
           lambda x: np.pad(x, 1, constant_values=2.5), (M,), label="value"),
    OpCase("pad", lambda x: ops.pad(x, ((0, 0), (2, 1)), mode="reflect"),
           lambda x: np.pad(x, ((0, 0), (2, 1)), mode="reflect"), (M,), label="reflect"),
    OpCase("pad", lambda x: ops.pad(x, ((0, 0), (2, 1)), mode="symmetric"),
           lambda x: np.pad(x, ((0, 0), (2, 1)), mode="symmetric"), (M,), label="symmetric"),
    OpCase("pad", lambda x: ops.pad(x, ((0, 0), (2, 1)), mode="edge"),
           lambda x: np.pad(x, ((0, 0), (2, 1)), mode="edge"), (M,), label="edge"),
    OpCase("tril", ops.tril, np.tril, ((4, 4),)),
    OpCase("tril", lambda x: ops.tril(x, k=-1), lambda x: np.tril(x, k=-1), ((2, 4, 4),),
           label="k"),
    OpCase("triu", lambda x: ops.triu(x, k=1), lambda x: np.triu(x, k=1), (M,)),
    OpCase("diag", ops.diag, np.diag, ((4,),), batch=False),
    OpCase("diag", lambda x: ops.diag(x, k=1), lambda x: np.diag(x, k=1), ((4, 4),),
           label="extract", batch=False),
    OpCase("astype", lambda x: ops.astype(x, "int32"), lambda x: x.astype(np.int32), (M,),
           "positive", dtype="int32"),
    OpCase("zeros_like", ops.zeros_like, np.zeros_like, (M,)),
    OpCase("ones_like", lambda x: ops.ones_like(x, dtype="int32"),
           lambda x: np.ones_like(x, dtype=np.int32), (M,), dtype="int32"),
    OpCase("full_like", lambda x: ops.full_like(x, 2.5), lambda x: np.full_like(x, 2.5), (M,)),
]  # fmt: skip

CASES = UNARY + BINARY + REDUCTIONS + SHAPES


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", [c for c in CASES if c.symbolic], ids=case_ids(
    [c for c in CASES if c.symbolic]))  # fmt: skip
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


# ---- creation ops: no tensor inputs --------------------------------------------------------

CREATION = [
    ("zeros", lambda: ops.zeros((2, 3)), np.zeros((2, 3)), "float32"),
    ("zeros", lambda: ops.zeros(4, dtype="int32"), np.zeros(4), "int32"),
    ("ones", lambda: ops.ones((2, 3)), np.ones((2, 3)), "float32"),
    ("full", lambda: ops.full((2, 2), 1.5), np.full((2, 2), 1.5), "float32"),
    ("full", lambda: ops.full((2,), 3), np.full((2,), 3), "int32"),
    ("full", lambda: ops.full((2,), 3, dtype="float64"), np.full((2,), 3.0), "float64"),
    ("arange", lambda: ops.arange(5), np.arange(5), "int32"),
    ("arange", lambda: ops.arange(1, 10, 3), np.arange(1, 10, 3), "int32"),
    ("arange", lambda: ops.arange(0.0, 1.0, 0.25), np.arange(0.0, 1.0, 0.25), "float32"),
    ("linspace", lambda: ops.linspace(0, 1, 5), np.linspace(0, 1, 5), "float32"),
    ("linspace", lambda: ops.linspace(2.0, 3.0, 4, endpoint=False),
     np.linspace(2.0, 3.0, 4, endpoint=False), "float32"),
    ("linspace", lambda: ops.linspace(1.5, 4.0, 1), np.linspace(1.5, 4.0, 1), "float32"),
    ("eye", lambda: ops.eye(3), np.eye(3), "float32"),
    ("eye", lambda: ops.eye(3, 4, k=1), np.eye(3, 4, k=1), "float32"),
    ("eye", lambda: ops.eye(4, 3, k=-2, dtype="int32"), np.eye(4, 3, k=-2), "int32"),
    ("identity", lambda: ops.identity(3), np.identity(3), "float32"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "expected", "dtype"),
    [case[1:] for case in CREATION],
    ids=[f"{case[0]}-{i}" for i, case in enumerate(CREATION)],
)
def test_creation(make, expected, dtype):
    out = make()
    assert ops.dtype(out) == dtype
    assert tuple(ops.shape(out)) == expected.shape
    assert_close(out, expected)


def test_every_numpy_op_is_covered():
    from tests.ops.numpy import test_creation, test_elementwise, test_reductions, test_shape

    names = {case[0] for case in CREATION}
    cases = list(CASES)
    for module in (test_creation, test_elementwise, test_reductions, test_shape):
        names |= module.ALSO_TESTED
        cases += getattr(module, "CASES", [])
    missing = uncovered(ops_numpy.__all__, cases, also_tested=names)
    assert not missing, f"ops without a NumPy comparison: {sorted(missing)}"


# ---- dtype promotion, following Keras 3 --------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("float32", "float64", "float64"),
        ("int32", "float32", "float32"),
        ("int8", "uint8", "int16"),
        ("int32", "int64", "int64"),
        ("bool", "int32", "int32"),
        ("float16", "float32", "float32"),
    ],
)
def test_add_promotes_like_keras(first, second, expected):
    x1 = ops.ones((2,), dtype=first)
    x2 = ops.ones((2,), dtype=second)
    assert ops.dtype(ops.add(x1, x2)) == expected
    assert backend.result_type(first, second) == expected
    symbolic = ops.add(backend.KerasTensor((None, 2), first), backend.KerasTensor((2,), second))
    assert symbolic.dtype == expected
    assert symbolic.shape == (None, 2)


def test_python_scalars_are_weak():
    x = ops.ones((2,), dtype="float16")
    assert ops.dtype(ops.multiply(x, 2.0)) == "float16"
    assert ops.dtype(ops.add(ops.ones((2,), dtype="int8"), 3)) == "int8"


@pytest.mark.parametrize(
    "op", [ops.add, ops.subtract, ops.multiply, ops.divide, ops.maximum, ops.minimum, ops.power]
)
def test_python_scalars_are_weak_against_bfloat16(op):
    x = ops.ones((2,), dtype="bfloat16")
    for scalar in (1.5, 2):
        assert ops.dtype(op(x, scalar)) == "bfloat16"
        assert ops.dtype(op(scalar, x)) == "bfloat16"
    assert ops.dtype(ops.where(ops.greater(x, 0.5), x, 0.0)) == "bfloat16"


BFLOAT16_MATH = [
    ("sqrt", ops.sqrt, np.sqrt),
    ("exp", ops.exp, np.exp),
    ("tanh", ops.tanh, np.tanh),
    ("sigmoid", ops.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    ("softmax", ops.softmax, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    ("sum", lambda x: ops.sum(x, axis=-1), lambda x: x.sum(-1)),
    ("mean", lambda x: ops.mean(x, axis=-1), lambda x: x.mean(-1)),
    ("matmul", lambda x: ops.matmul(x, ops.transpose(x)), lambda x: x @ x.T),
]


@pytest.mark.parametrize(
    ("name", "op", "reference"), BFLOAT16_MATH, ids=[c[0] for c in BFLOAT16_MATH]
)
def test_bfloat16_math_stays_bfloat16_and_accumulates_in_float32(rng, name, op, reference):
    # 1024 terms: a sum accumulated in bfloat16 itself would be off by tens of percent.
    x = ops.cast(rng.uniform(0.1, 2.0, (4, 1024)).astype("float32"), "bfloat16")
    out = op(x)
    assert ops.dtype(out) == "bfloat16"
    exact = reference(ops.convert_to_numpy(ops.cast(x, "float32")).astype(np.float64))
    # Within two bfloat16 steps (2 ** -7 each, relative) of the exact result.
    np.testing.assert_allclose(
        ops.convert_to_numpy(ops.cast(out, "float32")), exact, rtol=2**-6, atol=1e-6
    )


def test_split_gives_list_of_tensors(rng):
    x = rng.standard_normal((6, 2)).astype("float32")
    parts = ops.split(ops.convert_to_tensor(x), 3)
    assert isinstance(parts, list)
    assert len(parts) == 3
    for part, expected in zip(parts, np.split(x, 3)):
        assert_close(part, expected)


def test_split_uneven_raises():
    with pytest.raises(ValueError, match="equal"):
        ops.split(ops.ones((5,)), 2)


def test_pad_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        ops.pad(ops.ones((2,)), 1, mode="wrap-around")


def test_symbolic_none_dims_propagate():
    x = backend.KerasTensor((None, None, 3))
    assert ops.reshape(x, (-1, 3)).shape == (None, 3)
    assert ops.mean(x, axis=-1).shape == (None, None)
    assert ops.matmul(x, backend.KerasTensor((3, 5))).shape == (None, None, 5)
    assert ops.concatenate([x, x], axis=-1).shape == (None, None, 6)
    assert ops.sum(x, axis=(0, 1)).shape == (3,)
