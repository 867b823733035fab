"""Shape, stacking and product ops added to lamina.ops.numpy, against NumPy."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.numpy.cases import M, parametrize_cases
from tests.ops.op_harness import OpCase

T = (2, 3, 4)


def _cross(a, b, axisa=-1, axisb=-1):
    """np.cross without NumPy 2's deprecated 2-vectors: they gain a zero z."""
    a, b = np.moveaxis(a, axisa, -1), np.moveaxis(b, axisb, -1)
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    pad = [(0, 0)] * (a.ndim - 1)
    a = np.pad(a, [*pad, (0, 3 - a.shape[-1])])
    b = np.pad(b, [*[(0, 0)] * (b.ndim - 1), (0, 3 - b.shape[-1])])
    return np.cross(a, b)


SHAPE = [
    OpCase("diagonal", ops.diagonal, np.diagonal, ((4, 4),), batch=False),
    OpCase("diagonal", lambda x: ops.diagonal(x, offset=1, axis1=1, axis2=2),
           lambda x: np.diagonal(x, offset=1, axis1=1, axis2=2), (T,), label="batched"),
    OpCase("roll", lambda x: ops.roll(x, 2, axis=1), lambda x: np.roll(x, 2, axis=1), (M,)),
    OpCase("roll", lambda x: ops.roll(x, -5), lambda x: np.roll(x, -5), (M,), label="flat",
           batch=False),
    OpCase("view", lambda x: ops.view(x, "int32"), lambda x: x.astype(np.float32).view(np.int32),
           (M,), dtype="int32"),
    OpCase("view", lambda x: ops.view(x, "int16"), lambda x: x.view(np.int16), (M,), "int",
           dtype="int16", label="narrower"),
    OpCase("diff", ops.diff, np.diff, (M,)),
    OpCase("diff", lambda x: ops.diff(x, n=2, axis=0), lambda x: np.diff(x, n=2, axis=0), (M,),
           "int", label="n2-int", batch=False),
    OpCase("diagflat", ops.diagflat, np.diagflat, ((2, 2),), batch=False),
    OpCase("diagflat", lambda x: ops.diagflat(x, k=-1), lambda x: np.diagflat(x, k=-1), ((3,),),
           label="k", batch=False),
    OpCase("fliplr", ops.fliplr, np.fliplr, (M,)),
    OpCase("flipud", ops.flipud, np.flipud, (M,)),
    OpCase("rot90", ops.rot90, np.rot90, (M,), batch=False),
    OpCase("rot90", lambda x: ops.rot90(x, k=3, axes=(1, 2)),
           lambda x: np.rot90(x, k=3, axes=(1, 2)), (T,), label="k3"),
    OpCase("rot90", lambda x: ops.rot90(x, k=2), lambda x: np.rot90(x, k=2), (M,), label="k2"),
    OpCase("meshgrid", ops.meshgrid, np.meshgrid, ((3,), (4,), (2,)), batch=False),
    OpCase("meshgrid", lambda a, b: ops.meshgrid(a, b, indexing="ij"),
           lambda a, b: np.meshgrid(a, b, indexing="ij"), ((3,), (4,)), batch=False,
           label="ij"),
]  # fmt: skip

STACKING = [
    OpCase("append", ops.append, np.append, (M, (5,))),
    OpCase("append", lambda a, b: ops.append(a, b, axis=0),
           lambda a, b: np.append(a, b, axis=0), (M, (2, 3)), label="axis"),
    OpCase("hstack", lambda a, b: ops.hstack([a, b]), lambda a, b: np.hstack([a, b]),
           (M, (4, 2))),
    OpCase("hstack", lambda a, b: ops.hstack([a, b]), lambda a, b: np.hstack([a, b]),
           ((3,), (2,)), label="1d", batch=False),
    OpCase("vstack", lambda a, b: ops.vstack([a, b]), lambda a, b: np.vstack([a, b]),
           ((3,), (2, 3)), batch=False),
    OpCase("dstack", lambda a, b: ops.dstack([a, b]), lambda a, b: np.dstack([a, b]), (M, M)),
    OpCase("array_split", lambda x: ops.array_split(x, 3, axis=1),
           lambda x: np.array_split(x, 3, axis=1), ((2, 7),)),
    OpCase("array_split", lambda x: ops.array_split(x, [1, 3]),
           lambda x: np.array_split(x, [1, 3]), ((5, 2),), label="indices", batch=False),
    OpCase("hsplit", lambda x: ops.hsplit(x, 2), lambda x: np.hsplit(x, 2), ((3, 4),)),
    OpCase("vsplit", lambda x: ops.vsplit(x, 2), lambda x: np.vsplit(x, 2), ((4, 3),),
           batch=False),
    OpCase("dsplit", lambda x: ops.dsplit(x, [1]), lambda x: np.dsplit(x, [1]), (T,)),
]  # fmt: skip

PRODUCTS = [
    OpCase("inner", ops.inner, np.inner, (M, (2, 3))),
    OpCase("inner", ops.inner, np.inner, ((3,), (3,)), label="vectors", batch=False),
    OpCase("vdot", ops.vdot, np.vdot, (M, M), batch=False),
    OpCase("kron", ops.kron, np.kron, ((2, 3), (3, 2)), batch=False),
    OpCase("kron", ops.kron, np.kron, ((2,), (2, 3)), "int", label="int", batch=False),
    OpCase("cross", ops.cross, np.cross, ((4, 3), (4, 3))),
    OpCase("cross", lambda a, b: ops.cross(a, b, axisa=0, axisb=0),
           lambda a, b: _cross(a, b, axisa=0, axisb=0), ((3, 4), (2, 4)), label="axes",
           batch=False),
    OpCase("cross", ops.cross, _cross, ((4, 2), (4, 2)), label="2d"),
    OpCase("trace", ops.trace, np.trace, ((4, 4),), batch=False),
    OpCase("trace", lambda x: ops.trace(x, offset=1, axis1=1, axis2=2),
           lambda x: np.trace(x, offset=1, axis1=1, axis2=2), (T,), "int", label="int"),
    OpCase("trace", ops.trace, lambda x: np.trace(x).astype(np.int32), ((3, 3),), "bool",
           dtype="int32", label="bool", batch=False),
    OpCase("correlate", ops.correlate, np.correlate, ((7,), (3,)), batch=False),
    OpCase("correlate", lambda a, b: ops.correlate(a, b, mode="full"),
           lambda a, b: np.correlate(a, b, mode="full"), ((3,), (5,)), label="full",
           batch=False),
    OpCase("correlate", lambda a, b: ops.correlate(a, b, mode="same"),
           lambda a, b: np.correlate(a, b, mode="same"), ((6,), (4,)), label="same",
           batch=False),
    OpCase("vander", ops.vander, np.vander, ((4,),), batch=False),
    OpCase("vander", lambda x: ops.vander(x, 3, increasing=True),
           lambda x: np.vander(x, 3, increasing=True), ((4,),), label="increasing"),
    OpCase("slogdet", ops.slogdet, np.linalg.slogdet, ((2, 3, 3),), "spd", rtol=1e-4),
]  # fmt: skip

CASES = SHAPE + STACKING + PRODUCTS
test_matches_numpy, test_symbolic_shape_and_dtype = parametrize_cases(CASES)
ALSO_TESTED = {"ndim", "size"}


def test_ndim_and_size():
    x = ops.ones((2, 3, 4))
    assert ops.ndim(x) == 3
    assert ops.size(x) == 24
    symbolic = backend.KerasTensor((None, 3))
    assert ops.ndim(symbolic) == 2
    assert ops.size(backend.KerasTensor((2, 3))) == 6
    unknown = ops.size(symbolic)
    assert isinstance(unknown, backend.KerasTensor)
    assert unknown.dtype == "int32"


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="rot90"):
        ops.rot90(ops.ones((3,)))
    with pytest.raises(ValueError, match="axes"):
        ops.rot90(ops.ones((3, 3)), axes=(1, 1))
    with pytest.raises(ValueError, match="indexing"):
        ops.meshgrid(ops.ones((2,)), indexing="xx")
    with pytest.raises(ValueError, match="size 2 or 3"):
        ops.cross(ops.ones((4,)), ops.ones((4,)))
    with pytest.raises(ValueError, match="1-D"):
        ops.correlate(ops.ones((2, 2)), ops.ones((2,)))
    with pytest.raises(ValueError, match="mode"):
        ops.correlate(ops.ones((4,)), ops.ones((2,)), mode="wide")
    with pytest.raises(ValueError, match="positive"):
        ops.array_split(ops.ones((4,)), 0)


GRADIENTS = [
    ("kron", ops.kron, np.kron, ((2, 2), (2, 3))),
    ("cross", ops.cross, np.cross, ((2, 3), (2, 3))),
    ("correlate", ops.correlate, np.correlate, ((6,), (3,))),
    ("trace", ops.trace, np.trace, ((3, 3),)),
    ("diff", ops.diff, np.diff, ((3, 4),)),
]


@pytest.mark.training
@pytest.mark.parametrize(("name", "op", "reference", "shapes"), GRADIENTS,
                         ids=[g[0] for g in GRADIENTS])  # fmt: skip
def test_gradients_match_numeric(rng, name, op, reference, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    for got, expected in zip(engine_gradients(op, arrays), numeric_gradients(reference, arrays)):
        assert_close(got, expected, rtol=1e-4, atol=1e-6)
