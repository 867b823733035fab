"""NaN-skipping reductions, statistics, binning, sets and index-finding ops against NumPy."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.numpy.cases import M, parametrize_cases
from tests.ops.op_harness import OpCase


def _holes(x):
    """``x`` with every fifth element NaN (done inside both the op and the reference)."""
    mask = (np.arange(np.prod(np.shape(x))) % 5 == 0).reshape(np.shape(x))
    return np.where(mask, np.nan, x).astype(x.dtype)


def _nan(name, reference, axis=1, kinds="normal", **options):
    def fn(x):
        return getattr(ops, name)(
            ops.convert_to_tensor(_holes(ops.convert_to_numpy(x)))
            if not isinstance(x, backend.KerasTensor)
            else x,
            axis=axis,
        )

    return OpCase(name, fn, lambda x: reference(_holes(x), axis=axis), (M,), kinds, **options)


NAN_REDUCTIONS = [
    _nan("nansum", np.nansum),
    _nan("nanprod", np.nanprod),
    _nan("nanmax", np.nanmax),
    _nan("nanmin", np.nanmin, axis=0),
    _nan("nanmean", np.nanmean),
    _nan("nanvar", np.nanvar),
    _nan("nanstd", np.nanstd, axis=0),
    _nan("nanargmax", np.nanargmax, dtype="int32"),
    _nan("nanargmin", np.nanargmin, dtype="int32"),
    _nan("nancumsum", np.nancumsum),
    _nan("nancumprod", np.nancumprod),
    _nan("nanmedian", np.nanmedian),
    OpCase("nansum", lambda x: ops.nansum(x, axis=0), lambda x: np.sum(x, axis=0), (M,), "int",
           label="int"),
    OpCase("nanmax", lambda x: ops.nanmax(x, axis=0), lambda x: np.max(x, axis=0), (M,), "int",
           label="int"),
    OpCase("nanmean", lambda x: ops.nanmean(x, axis=0), lambda x: np.mean(x, axis=0), (M,),
           "int", dtype="float32", label="int"),
    OpCase("nanargmax", lambda x: ops.nanargmax(x, axis=-1), lambda x: np.argmax(x, axis=-1),
           (M,), "bool", dtype="int32", label="bool"),
    OpCase("nanquantile", lambda x: ops.nanquantile(x, 0.3, axis=1),
           lambda x: np.nanquantile(x, 0.3, axis=1), (M,)),
    OpCase("nanpercentile", lambda x: ops.nanpercentile(x, [10.0, 90.0], axis=0),
           lambda x: np.nanpercentile(x, [10.0, 90.0], axis=0), (M,), batch=False),
]  # fmt: skip

STATISTICS = [
    OpCase("quantile", lambda x: ops.quantile(x, 0.25, axis=1),
           lambda x: np.quantile(x, 0.25, axis=1), (M,)),
    OpCase("quantile", lambda x: ops.quantile(x, [0.1, 0.7], axis=0, method="nearest",
                                              keepdims=True),
           lambda x: np.quantile(x, [0.1, 0.7], axis=0, method="nearest", keepdims=True),
           (M,), batch=False, label="nearest-keepdims"),
    OpCase("quantile", lambda x: ops.quantile(x, 0.5, axis=(0, 2)),
           lambda x: np.quantile(x, 0.5, axis=(0, 2)), ((2, 3, 4),), label="axes"),
    OpCase("percentile", lambda x: ops.percentile(x, 40.0), lambda x: np.percentile(x, 40.0),
           (M,), batch=False),
    OpCase("median", lambda x: ops.median(x, axis=0), lambda x: np.median(x, axis=0), (M,)),
    OpCase("median", ops.median, np.median, (M,), "int", dtype="float32", label="int",
           batch=False),
    OpCase("average", lambda x: ops.average(x, axis=1), lambda x: np.average(x, axis=1), (M,)),
    OpCase("average", lambda x, w: ops.average(x, axis=1, weights=w),
           lambda x, w: np.average(x, axis=1, weights=w), (M, (3,)), ("normal", "positive"),
           label="weights"),
    OpCase("average", lambda x, w: ops.average(x, weights=w),
           lambda x, w: np.average(x, weights=w), (M, M), ("normal", "positive"), batch=False,
           label="weights-all"),
    OpCase("ptp", lambda x: ops.ptp(x, axis=0), lambda x: np.ptp(x, axis=0), (M,)),
    OpCase("ptp", ops.ptp, np.ptp, (M,), "int", label="int", batch=False),
    OpCase("corrcoef", ops.corrcoef, np.corrcoef, ((3, 6),), batch=False),
    OpCase("trapezoid", lambda y: ops.trapezoid(y, dx=0.5), lambda y: np.trapezoid(y, dx=0.5),
           (M,)),
    OpCase("trapezoid", lambda y, x: ops.trapezoid(y, x, axis=0),
           lambda y, x: np.trapezoid(y, x, axis=0), (M, (4,)), label="x", batch=False),
    OpCase("searchsorted", lambda v: ops.searchsorted(ops.arange(-2.0, 2.0, 0.5), v),
           lambda v: np.searchsorted(np.arange(-2.0, 2.0, 0.5), v), (M,), dtype="int32"),
    OpCase("searchsorted", lambda v: ops.searchsorted(ops.arange(-3, 3), v, side="right"),
           lambda v: np.searchsorted(np.arange(-3, 3), v, side="right"), (M,), "int",
           dtype="int32", label="right"),
    OpCase("digitize", lambda x: ops.digitize(x, ops.convert_to_tensor([-1.0, 0.0, 0.5])),
           lambda x: np.digitize(x, [-1.0, 0.0, 0.5]), (M,), dtype="int32"),
    OpCase("histogram", lambda x: ops.histogram(x, bins=4),
           lambda x: tuple(np.asarray(v, np.float32) for v in np.histogram(x, bins=4)),
           ((20,),), batch=False, rtol=1e-5),
    OpCase("histogram", lambda x: ops.histogram(x, bins=3, range=(-1.0, 1.0)),
           lambda x: np.histogram(x, bins=3, range=(-1.0, 1.0)), ((20,),), batch=False,
           dtype="float32", label="range"),
    OpCase("bincount", ops.bincount, np.bincount, ((9,),), "index:5", dtype="int32",
           symbolic=False),
    OpCase("bincount", lambda x, w: ops.bincount(x, weights=w, minlength=7),
           lambda x, w: np.bincount(x, weights=w, minlength=7), ((9,), (9,)),
           ("index:5", "normal"), dtype="float32", symbolic=False, label="weights"),
    OpCase("bincount", lambda x: ops.bincount(x, minlength=6),
           lambda x: np.stack([np.bincount(r, minlength=6) for r in x]), ((2, 5),), "index:5",
           dtype="int32", symbolic=False, label="2d"),
]  # fmt: skip

SETS_AND_INDEXING = [
    OpCase("unique", ops.unique, np.unique, ((12,),), "index:4", symbolic=False),
    OpCase("unique", lambda x: ops.unique(x, return_index=True, return_inverse=True,
                                          return_counts=True),
           lambda x: np.unique(x, return_index=True, return_inverse=True, return_counts=True),
           (M,), "index:5", dtype=("int32",) * 4, symbolic=False, label="all"),
    OpCase("unique", lambda x: ops.unique(x, axis=0), lambda x: np.unique(x, axis=0),
           ((6, 2),), "index:2", symbolic=False, label="axis"),
    OpCase("unique", lambda x: ops.unique(x, size=8, fill_value=-1),
           lambda x: np.pad(np.unique(x), (0, 8 - np.unique(x).size), constant_values=-1),
           ((12,),), "index:4", batch=False, label="size"),
    OpCase("isin", lambda a, b: ops.isin(a, b), np.isin, (M, (5,)), ("index:6", "index:6")),
    OpCase("isin", lambda a, b: ops.isin(a, b, invert=True),
           lambda a, b: np.isin(a, b, invert=True), (M, (5,)), ("index:6", "index:6"),
           label="invert"),
    OpCase("nonzero", ops.nonzero, lambda x: tuple(i.astype(np.int32) for i in np.nonzero(x)),
           (M,), "bool", dtype="int32", symbolic=False),
    OpCase("unravel_index", lambda i: ops.unravel_index(i, (3, 4)),
           lambda i: np.unravel_index(i, (3, 4)), ((5,),), "index:12", dtype="int32"),
    OpCase("select", lambda c, a, b: ops.select([c, ops.logical_not(c)], [a, b]),
           lambda c, a, b: np.select([c, ~c], [a, b]), (M, M, M),
           ("bool", "normal", "normal"), dtype="float32"),
    OpCase("select", lambda a: ops.select([ops.greater(a, 0.5)], [a], default=-1.0),
           lambda a: np.select([a > 0.5], [a], default=-1.0), (M,), label="default"),
    OpCase("get_item", lambda x: ops.get_item(x, (slice(1, 3), 0)), lambda x: x[1:3, 0], (M,),
           batch=False),
]  # fmt: skip

CASES = NAN_REDUCTIONS + STATISTICS + SETS_AND_INDEXING
test_matches_numpy, test_symbolic_shape_and_dtype = parametrize_cases(CASES)
ALSO_TESTED = {"argpartition"}


@pytest.mark.parametrize("kind", ["normal", "int", "bool"])
def test_argpartition_partitions(rng, kind):
    from tests.ops.op_harness import draw

    x = draw(rng, kind, (3, 7))
    kth = 3
    indices = ops.convert_to_numpy(ops.argpartition(x, kth, axis=-1))
    assert indices.dtype == np.int32
    values = np.take_along_axis(x.astype(np.float64), indices, axis=-1)
    pivot = values[:, kth : kth + 1]
    assert (values[:, :kth] <= pivot).all()
    assert (values[:, kth + 1 :] >= pivot).all()
    assert (np.sort(indices, -1) == np.arange(7)).all()


def test_all_nan_slices_follow_numpy():
    x = np.array([[np.nan, np.nan], [1.0, np.nan]], np.float32)
    assert_close(ops.nanmax(x, axis=1), [np.nan, 1.0])
    assert_close(ops.nanmean(x, axis=1), [np.nan, 1.0])
    assert_close(ops.nansum(x, axis=1), [0.0, 1.0])


def test_symbolic_data_dependent_shapes():
    x = backend.KerasTensor((None,), dtype="int32")
    assert ops.unique(x).shape == (None,)
    values, counts = ops.unique(x, return_counts=True, size=4)
    assert values.shape == (4,)
    assert counts.dtype == "int32"
    assert ops.bincount(x).shape == (None,)
    assert [t.shape for t in ops.nonzero(backend.KerasTensor((3, 4), "bool"))] == [(None,)] * 2


@pytest.mark.parametrize(
    "dtype", ["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32"]
)
def test_sorting_ops_take_every_dtype_class(rng, dtype):
    x = (rng.random((3, 5)) * 4).astype(dtype)
    for name in ("argmax", "argmin", "argsort", "nanargmax"):
        out = getattr(ops, name)(x, axis=1)
        expected = getattr(np, name)(x, axis=1, **({"kind": "stable"} if name == "argsort" else {}))
        assert ops.dtype(out) == "int32", name
        assert_close(out, expected, err_msg=name)
    assert_close(ops.sort(x, axis=1), np.sort(x, axis=1))
    assert ops.dtype(ops.sort(x, axis=1)) == dtype
    symbolic = backend.KerasTensor((None, 5), dtype)
    assert ops.argmax(symbolic, axis=1).shape == (None,)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="method"):
        ops.quantile(np.ones(3, np.float32), 0.5, method="cubic")
    with pytest.raises(ValueError, match="side"):
        ops.searchsorted(np.arange(3), np.ones(2), side="middle")
    with pytest.raises(ValueError, match="bins"):
        ops.histogram(np.ones(3, np.float32), bins=0)
    with pytest.raises(ValueError, match="sparse"):
        ops.bincount(np.arange(3), sparse=True)


@pytest.mark.training
def test_nanmean_and_quantile_gradients(rng):
    arrays = [rng.standard_normal((3, 4))]
    fn = lambda x: ops.quantile(x, 0.3, axis=1)  # noqa: E731
    reference = lambda x: np.quantile(x, 0.3, axis=1)  # noqa: E731
    for got, expected in zip(engine_gradients(fn, arrays), numeric_gradients(reference, arrays)):
        assert_close(got, expected, rtol=1e-4, atol=1e-6)
    fn = lambda x: ops.nanstd(x, axis=0)  # noqa: E731
    for got, expected in zip(
        engine_gradients(fn, arrays), numeric_gradients(lambda x: np.nanstd(x, axis=0), arrays)
    ):
        assert_close(got, expected, rtol=1e-4, atol=1e-6)  # fmt: skip


def test_prod_takes_a_dtype_as_in_keras(rng):
    x = rng.integers(1, 4, (2, 3)).astype("int8")
    out = ops.prod(x, axis=1, dtype="float32")
    assert ops.dtype(out) == "float32"
    assert_close(out, np.prod(x.astype(np.float64), axis=1))
    y = rng.uniform(0.5, 1.5, (2, 3)).astype("float32")
    out = ops.prod(y, axis=(0, 1), keepdims=True, dtype="float64")
    assert ops.dtype(out) == "float64"
    assert_close(out, np.prod(y.astype(np.float64), keepdims=True), rtol=1e-6)
    assert ops.dtype(ops.prod(x)) == "int32"  # without dtype: Keras's accumulator rule
    assert ops.prod(backend.KerasTensor((None, 3), "int8"), axis=1, dtype="float16").dtype == (
        "float16"
    )
