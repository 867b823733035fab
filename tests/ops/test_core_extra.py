"""The rest of Keras's core ops: slices, scatters, control flow, custom gradients,
saturate_cast and unstack, against NumPy on every engine."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic

INDICES = np.array([[0, 1], [2, 0], [0, 1], [3, 2]], dtype="int32")  # (0, 1) twice
ROWS = np.array([[1], [3], [1]], dtype="int32")


def _slice_update(x, u, start):
    out = x.copy()
    out[start[0] : start[0] + u.shape[0], start[1] : start[1] + u.shape[1]] = u
    return out


def _scatter_update(x, u, indices, ufunc=None):
    out = x.copy()
    key = tuple(indices.T)
    if ufunc is None:
        out[key] = u
    else:
        ufunc.at(out, key, u)
    return out


def _scatter(values, indices, shape):
    out = np.zeros(shape)
    np.add.at(out, tuple(indices.T), values)
    return out


def _saturate(x, dtype):
    info = np.iinfo(dtype)
    return np.clip(np.nan_to_num(x), info.min, info.max).astype(dtype)


CASES = [
    OpCase("slice", lambda x: ops.slice(x, [1, 2], [2, 3]), lambda x: x[1:3, 2:5], ((4, 6),),
           batch=False),
    OpCase("slice", lambda x: ops.slice(x, (0, 1, 2), (-1, 2, -1)), lambda x: x[:, 1:3, 2:],
           ((3, 4, 5),), label="to-the-end"),
    OpCase("slice_update", lambda x, u: ops.slice_update(x, [1, 2], u),
           lambda x, u: _slice_update(x, u, (1, 2)), ((4, 6), (2, 3)), batch=False),
    OpCase("scatter", lambda v: ops.scatter(INDICES, v, (4, 3)),
           lambda v: _scatter(v, INDICES, (4, 3)), ((4,),), batch=False),
    OpCase("scatter", lambda v: ops.scatter(ROWS, v, (5, 2)), lambda v: _scatter(v, ROWS, (5, 2)),
           ((3, 2),), batch=False, label="rows"),
    OpCase("scatter_update", lambda x, u: ops.scatter_update(x, INDICES[:2], u),
           lambda x, u: _scatter_update(x, u, INDICES[:2]), ((4, 3), (2,)), batch=False),
    OpCase("scatter_update", lambda x, u: ops.scatter_update(x, ROWS[:2], u),
           lambda x, u: _scatter_update(x, u, ROWS[:2]), ((5, 2), (2, 2)), batch=False,
           label="rows"),
    *[OpCase("scatter_update", lambda x, u, r=name: ops.scatter_update(x, INDICES, u, r),
             lambda x, u, f=ufunc: _scatter_update(x, u, INDICES, f), ((4, 3), (4,)),
             batch=False, label=name)
      for name, ufunc in (("add", np.add), ("max", np.maximum), ("min", np.minimum),
                          ("mul", np.multiply))],
    OpCase("saturate_cast", lambda x: ops.saturate_cast(x * 200, "uint8"),
           lambda x: _saturate(x * 200, "uint8"), ((4, 3),), dtype="uint8", atol=1),
    OpCase("saturate_cast", lambda x: ops.saturate_cast(ops.multiply(x, 1000), "int8"),
           lambda x: _saturate(x * 1e3, "int8"), ((4, 3),), "int", dtype="int8",
           label="int-to-int8"),
    OpCase("unstack", ops.unstack, lambda x: list(x), ((3, 2),), batch=False),
    OpCase("unstack", lambda x: ops.unstack(x, axis=-1), lambda x: list(np.moveaxis(x, -1, 0)),
           ((4, 2, 3),), label="last-axis"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_core_ops_are_exported_at_the_top_level():
    for name in ("slice", "slice_update", "scatter", "scatter_update", "while_loop", "map",
                 "switch", "associative_scan", "custom_gradient", "vectorized_map",
                 "saturate_cast", "unstack"):  # fmt: skip
        assert getattr(ops, name) is getattr(ops.core, name), name
        assert name in ops.__all__, name


def test_saturate_cast_float_to_uint8_edges():
    x = np.array([-1.0, 256.0, np.inf, -np.inf, 3.4], "float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.saturate_cast(x, "uint8")),
                                  [0, 255, 255, 0, 3])  # fmt: skip
    big = ops.saturate_cast(np.array([3e9, -3e9], "float32"), "int32")
    np.testing.assert_array_equal(ops.convert_to_numpy(big), [2147483520, -2147483648])


def test_slice_with_tensor_starts(rng):
    x = rng.standard_normal((5, 4)).astype("float32")
    starts = ops.convert_to_tensor(np.array([2, 1], "int32"))
    assert_close(ops.slice(x, starts, (2, 3)), x[2:4, 1:4])
    symbolic = ops.slice(backend.KerasTensor((5, 4)), backend.KerasTensor((2,), "int32"), (2, -1))
    assert symbolic.shape == (2, None)


# ---- control flow -------------------------------------------------------------------------


def test_while_loop_forms():
    i, total = ops.while_loop(lambda i, t: i < 5, lambda i, t: (i + 1, t + i), (0, 0))
    assert (int(ops.convert_to_numpy(i)), int(ops.convert_to_numpy(total))) == (5, 10)
    single = ops.while_loop(lambda x: ops.sum(x) < 10.0, lambda x: x * 2, ops.ones((2,)))
    assert_close(single, [8.0, 8.0])
    capped = ops.while_loop(lambda x: True, lambda x: x + 1, [ops.convert_to_tensor(0)], 3)
    assert isinstance(capped, tuple)
    assert int(ops.convert_to_numpy(capped[0])) == 3


def test_map_and_vectorized_map(rng):
    x = rng.standard_normal((4, 3)).astype("float32")
    out = ops.map(lambda v: {"square": v * v, "total": ops.sum(v)}, x)
    assert_close(out["square"], x.astype(np.float64) ** 2)
    assert_close(out["total"], x.astype(np.float64).sum(axis=1), atol=1e-5)
    pairs = ops.vectorized_map(lambda items: items[0] * items[1], [x, 2 * x])
    assert_close(pairs, 2 * x.astype(np.float64) ** 2, atol=1e-5)
    assert_close(ops.vectorized_map(lambda v: ops.max(v), x), x.max(axis=1))


def test_switch_clamps_the_index():
    branches = [lambda a, b: a + b, lambda a, b: a - b]
    two, one = ops.convert_to_tensor(2.0), ops.convert_to_tensor(1.0)
    assert_close(ops.switch(0, branches, two, one), 3.0)
    assert_close(ops.switch(7, branches, two, one), 1.0)
    assert_close(ops.switch(-3, branches, two, one), 3.0)


def test_associative_scan(rng):
    x = rng.standard_normal((3, 5)).astype("float32")
    reference = x.astype(np.float64)
    assert_close(ops.associative_scan(lambda a, b: a + b, x, axis=1),
                 np.cumsum(reference, axis=1), atol=1e-5)  # fmt: skip
    assert_close(ops.associative_scan(lambda a, b: a * b, x, reverse=True),
                 np.cumprod(reference[::-1], axis=0)[::-1], atol=1e-5)  # fmt: skip
    pair = ops.associative_scan(lambda a, b: [a[0] + b[0], ops.maximum(a[1], b[1])], [x, -x])
    assert_close(pair[0], np.cumsum(reference, axis=0), atol=1e-5)
    assert_close(pair[1], np.maximum.accumulate(-reference, axis=0))


def test_control_flow_symbolic_shapes():
    x = backend.KerasTensor((None, 3))
    assert ops.map(lambda v: v[:2], backend.KerasTensor((4, 3))).shape == (4, 2)
    assert ops.vectorized_map(lambda v: ops.sum(v), x).shape == (None,)
    out = ops.while_loop(lambda a, b: True, lambda a, b: (a, b), (x, backend.KerasTensor((2,))))
    assert [t.shape for t in out] == [(None, 3), (2,)]
    assert ops.switch(1, [lambda v: v, lambda v: v * 2], x).shape == (None, 3)
    assert ops.associative_scan(lambda a, b: a + b, x, axis=1).shape == (None, 3)
    assert ops.rearrange(x, "b c -> c b").shape == (3, None)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ops.scatter_update(np.ones(3), [[0]], [1.0], reduction="sub"), ValueError,
         "reduction"),
        (lambda: ops.slice(np.ones((3, 3)), [0], [1, 1]), ValueError, "start_indices"),
        (lambda: ops.slice(np.ones((3, 3)), [0, 0], [1]), ValueError, "shape"),
        (lambda: ops.slice_update(np.ones((3, 3)), [0, 0], np.ones(2)), ValueError, "rank"),
        (lambda: ops.unstack(backend.KerasTensor((None, 2))), ValueError, "num"),
        (lambda: ops.switch(0, [], 1.0), ValueError, "branch"),
    ],
)  # fmt: skip
def test_bad_arguments_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- gradients ----------------------------------------------------------------------------


def _log1pexp_grad_forms():
    """Keras's three documented spellings of a custom gradient's function."""

    def portable(e):
        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))

        return grad

    def jax_style(e):
        def grad(upstream):
            return upstream * (1.0 - 1.0 / (1 + e))

        return grad

    def torch_style(e):
        def grad(*args, upstream):
            return upstream * (1.0 - 1.0 / (1 + e))

        return grad

    return [portable, jax_style, torch_style]


@pytest.mark.training
@pytest.mark.parametrize("form", _log1pexp_grad_forms(), ids=["portable", "jax", "torch"])
def test_custom_gradient(form, rng):
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)
        return ops.log(1 + e), form(e)

    x = rng.standard_normal((3, 2)).astype("float32")
    assert_close(log1pexp(x), np.log1p(np.exp(x.astype(np.float64))), atol=1e-5)
    (got,) = engine_gradients(lambda t: log1pexp(t) * 3.0, [x])
    assert_close(got, 3.0 / (1.0 + np.exp(-x.astype(np.float64))), atol=1e-5)


@pytest.mark.training
def test_custom_gradient_is_used_instead_of_autodiff(rng):
    @ops.custom_gradient
    def clipped_identity(x):
        return x, lambda upstream: ops.clip(upstream, -0.5, 0.5)

    x = rng.standard_normal((4,)).astype("float32")
    (got,) = engine_gradients(lambda t: clipped_identity(t) * 2.0, [x])
    assert_close(got, np.full(4, 0.5))


@pytest.mark.engine("numpy")
def test_custom_gradient_needs_autodiff():
    with pytest.raises(NotImplementedError, match="custom_gradient.*numpy engine"):
        ops.custom_gradient(lambda x: (x, None))


@pytest.mark.training
@pytest.mark.parametrize(
    ("fn", "reference", "updates_shape"),
    [
        (lambda x, u: ops.slice_update(x, [1, 0], u) ** 2,
         lambda x, u: _slice_update(x, u, (1, 0)) ** 2, (2, 3)),
        (lambda x, u: ops.scatter_update(x, INDICES, u, "add") ** 2,
         lambda x, u: _scatter_update(x, u, INDICES, np.add) ** 2, (4,)),
        (lambda x, u: ops.scatter(INDICES, u, (4, 3)) * x,
         lambda x, u: _scatter(u, INDICES, (4, 3)) * x, (4,)),
        (lambda x, u: ops.slice(x, [1, 1], [2, -1]) * ops.sum(u),
         lambda x, u: x[1:3, 1:] * np.sum(u), (2, 3)),
    ],
    ids=["slice_update", "scatter_update", "scatter", "slice"],
)  # fmt: skip
def test_gradients(fn, reference, updates_shape, rng):
    arrays = [rng.standard_normal(shape).astype("float32") for shape in ((4, 3), updates_shape)]
    for got, expected in zip(engine_gradients(fn, arrays), numeric_gradients(reference, arrays)):
        assert_close(got, expected, rtol=1e-4, atol=1e-4)
