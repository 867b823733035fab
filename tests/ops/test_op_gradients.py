"""Gradients of the ops in the op tables (``OpCase`` lists) against float64 NumPy.

The tables check forward values; here every differentiable case of them also has its engine
gradient (torch, JAX, TensorFlow; NumPy has no autodiff) compared with a float64 central
finite difference of its NumPy reference (``tests.harness.check_gradients``).

A case is differentiated in its floating inputs (int, bool, index and 0/1 ``binary`` inputs
are held fixed) and through its floating outputs. To make a permutation or a selection show
in the gradient, each output is weighted by a fixed random array before the sum, so the
upstream gradient is not all ones. Inputs are float64 and moved off the op's kinks; an
``spd`` input is symmetrised inside the function (the linalg ops read one triangle).

``test_every_table_case_is_accounted_for`` keeps the selection honest: every case is either
checked here, covered by another module's gradient test, has no floating input or output, or
is in ``NOT_DIFFERENTIABLE`` with a reason.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
from collections.abc import Callable

import numpy as np
import pytest

from lamina import backend, ops
from lamina.backend.common import tree
from tests.harness import away_from, check_gradients
from tests.ops import (
    test_activations,
    test_adaptive_pooling_and_separable_conv,
    test_core,
    test_core_extra,
    test_einops,
    test_image_extra,
    test_linalg,
    test_math,
    test_nn,
    test_numpy,
    test_patches,
    test_signals,
)
from tests.ops.numpy import test_elementwise, test_reductions, test_shape
from tests.ops.op_harness import OpCase, case_ids

# The op tables differentiated here, by a short name used in the test ids.
TABLE_MODULES = {
    "numpy": test_numpy,
    "elementwise": test_elementwise,
    "reductions": test_reductions,
    "shape": test_shape,
    "math": test_math,
    "einops": test_einops,
    "core": test_core,
    "core_extra": test_core_extra,
    "image_extra": test_image_extra,
    "signals": test_signals,
    "patches": test_patches,
    "pooling_conv": test_adaptive_pooling_and_separable_conv,
}

# Modules under tests/ops with a CASES table that is not differentiated here, and why.
OTHER_TABLES = {
    "test_activations": "its GRADIENT_CASES test",
    "test_nn": "its _gradient_cases test",
    "test_linalg": "its GRADIENT_CASES test",
    "test_attention": "its own gradient test",
    "test_ctc": "its own gradient test",
    "test_normalization": "its own gradient test",
    "test_encoding": "integer (one-hot / multi-hot) inputs only",
    "test_dtype_sweep_image": "dtype sweeps of other tables' ops: values only",
    "test_dtype_sweep_linalg": "dtype sweeps of other tables' ops: values only",
    "test_dtype_sweep_math": "dtype sweeps of other tables' ops: values only",
    "test_dtype_sweep_nn": "dtype sweeps of other tables' ops: values only",
}

# Ops whose gradient another module already compares with finite differences.
COVERED_ELSEWHERE = (
    {name for name, *_ in test_nn._gradient_cases(np.random.default_rng(0))}
    | {case.name for case in test_activations.GRADIENT_CASES}
    | set(test_linalg.GRADIENT_CASES)
)

NOT_DIFFERENTIABLE = {
    "floor": "piecewise constant: gradient zero almost everywhere",
    "ceil": "piecewise constant: gradient zero almost everywhere",
    "round": "piecewise constant: gradient zero almost everywhere",
    "trunc": "piecewise constant: gradient zero almost everywhere",
    "sign": "piecewise constant: gradient zero almost everywhere",
    "floor_divide": "piecewise constant: gradient zero almost everywhere",
    "heaviside": "a step in x1; x2 shows only where x1 == 0: gradient zero almost everywhere",
    "histogram": "bin counts are piecewise constant in the data",
    "zeros_like": "constant output: the gradient is zero",
    "full_like": "constant output: the gradient is zero",
    "imag": "the imaginary part of a real input is constant zero",
    "angle": "the angle of a real input is piecewise constant (0 or pi)",
    "stop_gradient": "blocks the gradient by design (zero, not the identity's one)",
}

# 0/1 "binary" inputs are floats used as masks or denominators (divide_no_nan): held fixed.
FLOAT_KINDS = {"normal", "positive", "unit", "open01", "spd", "probs"}


def _apart(a, b, margin=0.05):
    """``b`` moved off ``a`` wherever they (nearly) tie: maximum/minimum's kink."""
    return a, np.where(np.abs(a - b) < margin, b + 2 * margin, b)


def _off_multiples(a, b, margin=0.05):
    """``a`` moved off the multiples of ``b`` (mod / fmod jump there)."""
    quotient = a / b
    fraction = quotient - np.floor(quotient)
    return np.where((fraction < margin) | (fraction > 1 - margin), a + 2 * margin * b, a), b


def _kinks(*points):
    return lambda x, *rest: (away_from(x, points), *rest)


# Case id (or op name) -> a function moving the float64 inputs off the op's kinks.
KINKS: dict[str, Callable] = {
    "absolute": _kinks(0.0),
    "abs": _kinks(0.0),
    "cbrt": _kinks(0.0),  # an infinite derivative at 0
    "clip": _kinks(-0.5, 0.5),
    "maximum": _apart,
    "minimum": _apart,
    "fmax": _apart,
    "fmin": _apart,
    "maximum-scalar": _kinks(0.1),
    "minimum-scalar": _kinks(0.1),
    "max-initial": _kinks(0.5),
    "select-default": _kinks(0.5),
    "mod": _off_multiples,
    "fmod": _off_multiples,
}

# "<table>:<case id>" -> (rtol, atol) where the default (1e-5, 1e-6) is too tight, and why.
TOLERANCES = {
    # The backward pass rounds the upstream gradient to float16 (2 ** -11 relative).
    "core:cast-float16": (1e-3, 1e-6),
}


_SCATTER_MUL = ("scatter_mul gradients need unique indices", NotImplementedError)
_ENGINES = ("torch", "jax", "tensorflow")

# Engine gradients found wrong or missing (bugs in lamina's ops, or autodiff gaps of an
# engine that the op inherits): "<table>:<case id>" -> {engine: (what is wrong, the error)}.
# Each is a strict xfail on that engine only: a fix shows as XPASS(strict), a failure and
# the cue to delete the entry.
KNOWN_FAILURES = {
    "math:segment_prod": {"jax": _SCATTER_MUL},
    "core_extra:scatter_update-mul": {"jax": _SCATTER_MUL},
    "elementwise:nextafter": {"jax": ("no differentiation rule for nextafter",
                                      NotImplementedError)},
}  # fmt: skip


# Cases whose output shape is read from an input's values: not jitted on JAX, and why.
EAGER_ON_JAX = {
    "reductions:bincount-weights": "the output length is the largest id plus one",
}


def _nan_reduction(name, axis):
    """The nan-reduction cases, without their host round trip (it would cut the graph):
    the NaN holes are put in with ``where``, at the places test_reductions puts them."""
    holes = np.isnan(test_reductions._holes(np.zeros(test_reductions.M)))
    return lambda x: getattr(ops, name)(ops.where(holes, np.nan, x), axis=axis)


# Case id -> an autodiff-safe fn of the same computation (the reference is the table's).
FN_OVERRIDES = {
    f"reductions:{name}": _nan_reduction(name, axis)
    for name, axis in {
        "nansum": 1, "nanprod": 1, "nanmax": 1, "nanmin": 0, "nanmean": 1, "nanvar": 1,
        "nanstd": 0, "nancumsum": 1, "nancumprod": 1, "nanmedian": 1,
    }.items()
}  # fmt: skip


def _kinds(case: OpCase) -> tuple:
    return case.kinds if isinstance(case.kinds, tuple) else (case.kinds,) * len(case.shapes)


def _float64(arrays):
    return [a.astype(np.float64) if np.asarray(a).dtype.kind == "f" else a for a in arrays]


@dataclasses.dataclass(frozen=True)
class Entry:
    id: str  # "<table>:<case id>"
    case: OpCase

    @property
    def free(self) -> list[int]:
        """The inputs differentiated: those of a floating kind."""
        return [i for i, kind in enumerate(_kinds(self.case)) if kind in FLOAT_KINDS]

    def reference_outputs(self, arrays) -> list[np.ndarray]:
        outputs = self.case.reference(*_float64(arrays))
        return [np.asarray(o) for o in tree.flatten(outputs)]

    def classify(self, exclusions=True) -> str:
        """Why a case is (not) gradient-checked here: one of CATEGORIES."""
        if exclusions and self.case.name in NOT_DIFFERENTIABLE:
            return "not differentiable"
        if exclusions and self.case.name in COVERED_ELSEWHERE:
            return "covered elsewhere"
        if not self.free:
            return "non-float inputs"
        try:
            outputs = self.reference_outputs(self.case.inputs(np.random.default_rng(0)))
        except pytest.skip.Exception:  # a SciPy reference without SciPy: the test skips
            return "checked"
        if not any(o.dtype.kind == "f" for o in outputs):
            return "non-float outputs"
        return "checked"


CATEGORIES = {"checked", "covered elsewhere", "non-float inputs", "non-float outputs",
              "not differentiable"}  # fmt: skip
ENTRIES = [
    Entry(f"{table}:{case_id}", case)
    for table, module in TABLE_MODULES.items()
    for case, case_id in zip(module.CASES, case_ids(module.CASES))
]
CLASSES = {entry.id: entry.classify() for entry in ENTRIES}
CHECKED = [entry for entry in ENTRIES if CLASSES[entry.id] == "checked"]


def _params(entries):
    engine = backend.backend()
    params = []
    for entry in entries:
        marks = []
        if engine in KNOWN_FAILURES.get(entry.id, {}):
            reason, error = KNOWN_FAILURES[entry.id][engine]
            marks.append(pytest.mark.xfail(strict=True, raises=error, reason=f"{engine}: {reason}"))
        params.append(pytest.param(entry, id=entry.id, marks=marks))
    return params


def _symmetric(x, swap):
    return (x + swap(x, -1, -2)) / 2


def _objective(entry: Entry, arrays, rng):
    """(engine fn, NumPy reference, free arrays): both a weighted sum of the case's floating
    outputs as a function of its floating inputs, the other inputs held fixed."""
    case, free = entry.case, entry.free
    kinds = _kinds(case)
    fn = FN_OVERRIDES.get(entry.id, case.fn)
    outputs = entry.reference_outputs(arrays)
    floating = [i for i, o in enumerate(outputs) if o.dtype.kind == "f"]
    weights = {i: rng.standard_normal(outputs[i].shape) for i in floating}
    finite = {i: np.isfinite(outputs[i]) for i in floating}  # empty segments give +-inf

    def assemble(values, convert, swap):
        full = [convert(a) for a in arrays]
        for index, value in zip(free, values):
            # An spd input is symmetrised: the ops read one triangle (cholesky), so only a
            # symmetric perturbation is in their domain.
            full[index] = _symmetric(value, swap) if kinds[index] == "spd" else value
        return full

    def engine_fn(*values):
        results = tree.flatten(fn(*assemble(values, ops.convert_to_tensor, ops.swapaxes)))
        total = 0.0
        for i in floating:
            out = ops.cast(results[i], "float64")
            if not finite[i].all():
                out = ops.where(finite[i], out, 0.0)
            total = ops.add(total, ops.sum(ops.multiply(out, ops.convert_to_tensor(
                weights[i], "float64"))))  # fmt: skip
        return total

    def reference(*values):
        results = entry.reference_outputs(assemble(values, lambda a: a, np.swapaxes))
        return sum(np.sum(np.where(finite[i], results[i], 0.0) * weights[i]) for i in floating)

    return engine_fn, reference, [arrays[i] for i in free]


@pytest.mark.training
@pytest.mark.parametrize("entry", _params(CHECKED))
def test_gradient_matches_central_differences(entry, rng):
    case = entry.case
    arrays = _float64(case.inputs(rng))
    prepare = KINKS.get(case.id, KINKS.get(case.name))
    if prepare is not None:
        free = entry.free
        moved = prepare(*[arrays[i] for i in free])
        for index, value in zip(free, moved):
            arrays[index] = value
    fn, reference, free_arrays = _objective(entry, arrays, rng)
    if backend.backend() == "jax" and entry.id not in EAGER_ON_JAX:
        import jax

        # One compile per case instead of one per primitive, shape and direction: the file
        # runs in half the time. The gradient is the same function, traced once.
        fn = jax.jit(fn)
    rtol, atol = TOLERANCES.get(entry.id, (1e-5, 1e-6))
    check_gradients(fn, reference, free_arrays, rtol=rtol, atol=atol, err_msg=entry.id)


def test_every_table_case_is_accounted_for():
    """Each case is checked here, covered elsewhere, has no floating input or output, or is
    NOT_DIFFERENTIABLE; each exclusion names an op of the tables that has floating inputs and
    outputs; and each op table under tests/ops is differentiated here or has a reason not to
    be (a new table, or a new differentiable case, gets a gradient check)."""
    assert set(CLASSES.values()) <= CATEGORIES
    assert len(CHECKED) == len({entry.id for entry in CHECKED}), "duplicate case ids"
    names = {entry.case.name for entry in ENTRIES}
    assert not set(NOT_DIFFERENTIABLE) - names, "NOT_DIFFERENTIABLE names unknown ops"
    for name, reason in NOT_DIFFERENTIABLE.items():
        assert reason, name
        unmasked = {e.classify(exclusions=False) for e in ENTRIES if e.case.name == name}
        assert "checked" in unmasked, f"{name} has no floating case: needs no exclusion"
    assert set(KINKS) <= names | {entry.case.id for entry in ENTRIES}
    checked = {entry.id for entry in CHECKED}
    assert set(TOLERANCES) <= checked
    assert set(FN_OVERRIDES) <= checked
    assert set(KNOWN_FAILURES) <= checked
    assert set(EAGER_ON_JAX) <= checked

    root = pathlib.Path(__file__).parent
    tabled = {path.stem for path in root.rglob("test_*.py")
              if re.search(r"^CASES\s*=", path.read_text(), re.MULTILINE)}  # fmt: skip
    here = {module.__name__.rsplit(".", 1)[1] for module in TABLE_MODULES.values()}
    assert tabled - here - set(OTHER_TABLES) == set(), "an op table without gradient checks"
    assert not (here & set(OTHER_TABLES))
